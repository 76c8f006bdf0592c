#!/usr/bin/env python3
"""The sandbox's web inbox in a real browser: headless Chromium driven by Selenium.

Run by scripts/browser-test (which installs chromium and chromium-driver with apt and
builds vsh-sandbox if needed). Two stages, as scripts/sdk-compat.py has:

1. With any python3: the venv .build/sdk-venv (scripts/sdk-compat.py's), with plivo
   and selenium installed into it when missing; then this file again in the venv. If
   either cannot be installed (no PyPI), or no Chromium and chromedriver are on the
   machine, it prints "skipped: …" and exits 0: the only skips.
2. In the venv: each test starts its own `vsh-sandbox serve --port 0`, opens the page
   at `/` in a fresh headless Chromium, and drives the sandbox through Plivo's Python
   SDK (sessions, validations) and the page's own controls. Every wait is bounded; the
   server and the browser are always stopped.

What it checks is what a person testing an app by hand would notice: a code appears
within a second without a reload and the tab title counts it; the copy button puts it
on the clipboard; the page's clock control expires a session; two accounts never see
each other's messages; a session's timeline tells its story live; faults armed from
the page reach the SDK; a server with its own token shows no token and no controls;
1,000 messages stay usable; Mark all seen and Reset do what they say; keyboard only
works; dark mode differs from light.

Options: --sandbox PATH, --venv DIR, --screenshots DIR (write the docs' screenshots
there), -k NAME (run the tests whose name contains NAME).
"""

import argparse
import base64
import http.client
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = "browser-test:"
ACCOUNT_A = "MA2025RK4E639VJFZAGV"
ACCOUNT_B = "SA2025BROWSERTEST0B1"
TOKEN = "sandbox"


def say(message):
    print(f"{PREFIX} {message}", flush=True)


def fail(message):
    print(f"{PREFIX} FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def skip(message):
    print(f"{PREFIX} skipped: {message}", flush=True)
    sys.exit(0)


def sdk_compat():
    """scripts/sdk-compat.py as a module: its venv helpers, Server and stop_process."""
    spec = importlib.util.spec_from_file_location("sdk_compat", os.path.join(ROOT, "scripts", "sdk-compat.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.say = say
    return module


def browser_binaries():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    return chromium, driver


# Stage 1 -----------------------------------------------------------------------


def stage_one(args):
    chromium, driver = browser_binaries()
    if not chromium or not driver:
        skip("no Chromium and chromedriver on this machine (scripts/browser-test installs them with apt)")
    compat = sdk_compat()
    compat.ensure_venv(args.venv)
    python = compat.venv_python(args.venv)
    for module, package in (("plivo", "plivo"), ("selenium", "selenium")):
        if compat.has_module(python, module):
            continue
        say(f"installing {package} into the venv")
        if not compat.pip_install(python, package):
            skip(f"cannot install {package} (is PyPI reachable?)")
    os.execv(python, [python, os.path.abspath(__file__), "--in-venv", *sys.argv[1:]])


# Stage 2: the tests ----------------------------------------------------------------


class Sandbox:
    """One `vsh-sandbox serve` for one test, and plain HTTP calls to it."""

    def __init__(self, binary, arguments=()):
        self.server = sdk_compat().Server(binary, list(arguments))
        self.url = self.server.url

    def call(self, method, path, body=None, account=ACCOUNT_A, token=TOKEN, headers=None):
        """(status, JSON) of one request with the account's credentials (none when account is None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, method=method, data=data)
        if account:
            request.add_header("Authorization", "Basic " + base64.b64encode(f"{account}:{token}".encode()).decode())
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def text(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return response.read().decode()

    def sdk(self, account=ACCOUNT_A, token=TOKEN):
        """Plivo's Python SDK pointed at this server (see scripts/sdk-compat.py for how)."""
        import plivo
        import plivo.rest.client

        plivo.rest.client.PLIVO_API_BASE_URI = self.url + "/v1/Account"
        return plivo.RestClient(account, token).verify_session

    def stop(self):
        return self.server.stop()


class Browser:
    """Headless Chromium on the page, with the clipboard allowed for the page's origin."""

    def __init__(self, url, dark=False):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        chromium, driver = browser_binaries()
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,900", "--no-first-run", "--disable-extensions"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        self.driver.set_page_load_timeout(20)
        self.driver.set_script_timeout(10)
        self.driver.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        if dark:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
                "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        self.url = url

    def open(self):
        """The page, once it follows the event stream (its status says "live")."""
        self.driver.get(self.url + "/")
        self.wait_for(lambda: self.js("return document.getElementById('live').textContent") == "live", 5, "the page to go live")
        # A marker that a reload would lose: what "without a reload" is checked against.
        self.js("window.__vshMarker = 'kept'")

    def js(self, script, *arguments):
        return self.driver.execute_script(script, *arguments)

    def wait_for(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except Exception as error:  # a card replaced while it was read: look again
                last_error = error
            time.sleep(0.02)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f" ({last_error})" if last_error else ""))

    def has_card(self, uuid):
        return self.js("return Boolean(document.querySelector(`#messages .card[data-uuid='${arguments[0]}']`))", uuid)

    def click_card(self, uuid):
        """Found and clicked in one step: a card is replaced whenever its session changes."""
        self.js("document.querySelector(`#messages .card[data-uuid='${arguments[0]}']`).click()", uuid)

    def card_text(self, uuid):
        return self.js("const c = document.querySelector(`#messages .card[data-uuid='${arguments[0]}']`); return c ? c.innerText : null", uuid)

    def cards(self):
        return self.js("return [...document.querySelectorAll('#messages .card')].filter(c => !c.hidden).map(c => c.dataset.uuid)")

    def page_text(self):
        return self.js("return document.body.innerText")

    def errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def quit(self):
        self.driver.quit()


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def outbox_code(sandbox, uuid, account=ACCOUNT_A):
    status, body = sandbox.call("GET", f"/__sandbox/outbox?session_uuid={uuid}", account=account)
    check(status == 200 and body["messages"], f"the outbox has the message of {uuid}: {status} {body}")
    return body["messages"][-1]["code"]


class Tests:
    def __init__(self, args):
        self.args = args
        self.binary = sdk_compat().find_sandbox(args.sandbox)
        self.sandbox = None
        self.browser = None

    # Each test gets its own server and browser, stopped whatever happens.
    def run(self, name, test):
        self.sandbox = Sandbox(self.binary, getattr(test, "server_arguments", ()))
        try:
            self.browser = Browser(self.sandbox.url, dark=getattr(test, "dark", False))
            try:
                test()
                errors = self.browser.errors()
                check(not errors, f"no errors in the browser's console: {errors}")
            finally:
                self.browser.quit()
        finally:
            self.sandbox.stop()

    def test_code_appears_live(self):
        self.browser.open()
        started = time.monotonic()
        created = self.sandbox.sdk().create(recipient="+14155550100", brand_name="Acme <b>bold</b>")
        uuid = created.session_uuid
        self.browser.wait_for(lambda: self.browser.has_card(uuid), 1.0, "the new code's card, within a second")
        elapsed = time.monotonic() - started
        code = outbox_code(self.sandbox, uuid)
        text = self.browser.card_text(uuid)
        check(code in text, f"the card shows the code {code}: {text!r}")
        check("Your Acme <b>bold</b> verification code is" in text, f"the message as the phone shows it, markup as text: {text!r}")
        check("+14155550100" in text and "in-progress" in text and "10 left" in text, f"recipient, status, attempts left: {text!r}")
        check("expires in 10m 00s" in text, f"the time left on the account's clock: {text!r}")
        check(self.browser.js("return window.__vshMarker") == "kept", "the page was not reloaded")
        check(self.browser.driver.title == "(1) vsh inbox", f"the tab title counts the unseen code: {self.browser.driver.title!r}")
        check(self.browser.js("return document.querySelectorAll('b').length") == 0, "no markup from a message became an element")
        foreign = self.browser.js("return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))")
        check(foreign == [], f"the page loads nothing from elsewhere (it works offline): {foreign}")
        say(f"  the code appeared {elapsed * 1000:.0f} ms after the SDK's create returned")
        # A second code for another recipient: on top, and counted.
        second = self.sandbox.sdk().create(recipient="+14155550101").session_uuid
        self.browser.wait_for(lambda: self.browser.cards()[:1] == [second], 1.0, "the newer code on top")
        check(self.browser.driver.title == "(2) vsh inbox", f"two unseen codes: {self.browser.driver.title!r}")

    def test_copy_button(self):
        uuid = self.sandbox.sdk().create(recipient="+14155550100").session_uuid
        code = outbox_code(self.sandbox, uuid)
        self.browser.open()
        self.browser.wait_for(lambda: self.browser.has_card(uuid), 2, "the card")
        self.browser.js("document.querySelector(`#messages .card[data-uuid='${arguments[0]}'] .copy`).click()", uuid)
        self.browser.wait_for(lambda: self.browser.js("return document.body.dataset.copied") == code, 2, "the page to say what it copied")
        clipboard = self.browser.driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, (e) => done('error: ' + e))")
        check(clipboard == code, f"the clipboard holds the code {code}: {clipboard!r}")
        check(f"Copied {code}" in self.browser.js("return document.getElementById('toast').textContent"), "the page says it copied")
        check(self.browser.driver.title == "vsh inbox", f"a copied code is seen: {self.browser.driver.title!r}")

    def test_advance_clock_expires_session(self):
        self.browser.open()
        uuid = self.sandbox.sdk().create(recipient="+14155550100").session_uuid
        self.browser.wait_for(lambda: self.browser.has_card(uuid), 1, "the card")
        advance = self.browser.driver.find_element("id", "advance")
        advance.clear()
        advance.send_keys("9m")
        self.browser.driver.find_element("id", "advance-button").click()
        self.browser.wait_for(lambda: "expires in 1m 00s" in self.browser.card_text(uuid), 1, "the time left after 9 minutes")
        advance.clear()
        advance.send_keys("1m")
        self.browser.driver.find_element("id", "advance-button").click()
        self.browser.wait_for(lambda: "expired" in self.browser.card_text(uuid).split("\n")[2], 1, "the card to turn expired")
        session = self.sandbox.sdk().get(session_uuid=uuid)
        check(session.status == "expired", f"the API says expired too: {session.status}")
        status, clock = self.sandbox.call("GET", "/__sandbox/clock", account=ACCOUNT_B)
        check(status == 200, "the other account's clock reads")
        status, mine = self.sandbox.call("GET", "/__sandbox/clock")
        check(mine["now"] != clock["now"], "the page moved its own account's clock only")

    def test_accounts_do_not_see_each_other(self):
        a = self.sandbox.sdk(ACCOUNT_A).create(recipient="+14155550100").session_uuid
        b = self.sandbox.sdk(ACCOUNT_B).create(recipient="+14155550199").session_uuid
        code_a, code_b = outbox_code(self.sandbox, a), outbox_code(self.sandbox, b, ACCOUNT_B)
        self.browser.open()
        shown = self.browser.js("return document.getElementById('account').value")
        other = ACCOUNT_A if shown == ACCOUNT_B else ACCOUNT_B
        check(shown in (ACCOUNT_A, ACCOUNT_B), f"an account is shown: {shown!r}")
        mine, theirs = (b, a) if shown == ACCOUNT_B else (a, b)
        check(self.browser.cards() == [mine], f"only the shown account's session: {self.browser.cards()}")
        # While B is shown, a new code of A's arrives: counted in the switcher, not listed.
        later = self.sandbox.sdk(other).create(recipient="+14155550102").session_uuid
        self.browser.wait_for(lambda: "1 new" in self.browser.js(
            "return [...document.getElementById('account').options].map(o => o.textContent).join('|')"), 1, "the other account's new code counted")
        check(self.browser.cards() == [mine], "the other account's new session is not listed")
        from selenium.webdriver.support.ui import Select
        Select(self.browser.driver.find_element("id", "account")).select_by_value(other)
        self.browser.wait_for(lambda: set(self.browser.cards()) == {theirs, later}, 2, "the other account's sessions after switching")
        page = self.browser.page_text()
        hidden_code = code_a if shown == ACCOUNT_A else code_b
        check(hidden_code not in page, "the first account's code is gone from the page after switching")

    def test_timeline_tells_the_story(self):
        sessions = self.sandbox.sdk()
        uuid = sessions.create(recipient="+14155550100", url=self.sandbox.url + "/nowhere?secret=hook-key").session_uuid
        code = outbox_code(self.sandbox, uuid)
        self.browser.open()
        self.browser.wait_for(lambda: self.browser.has_card(uuid), 1, "the card")
        self.browser.click_card(uuid)
        timeline = lambda: self.browser.js("return document.getElementById('timeline').innerText")
        self.browser.wait_for(lambda: "Attempt 1 by sms: delivered" in timeline(), 2, "the attempt in the timeline")
        wrong = "000000" if code != "000000" else "111111"
        try:
            sessions.validate(session_uuid=uuid, otp=wrong)
        except Exception:
            pass  # the SDK raises on 400 incorrect otp
        self.browser.wait_for(lambda: "wrong code" in timeline(), 1, "the wrong code in the timeline, live")
        sessions.validate(session_uuid=uuid, otp=code)
        self.browser.wait_for(lambda: "right code — verified" in timeline(), 1, "the right code in the timeline, live")
        self.browser.wait_for(lambda: "Callback POST" in timeline(), 3, "the status callbacks in the timeline")
        self.browser.wait_for(lambda: "404" in timeline(), 3, "a callback's try with its status code")
        check("hook-key" not in self.browser.page_text(), "a callback URL's query is not shown")
        card = self.browser.card_text(uuid)
        check("verified" in card and "1 validation" not in card and "2 validations used, 8 left" in card, f"the card counts both: {card!r}")

    def test_expire_and_fault_controls(self):
        sessions = self.sandbox.sdk()
        uuid = sessions.create(recipient="+14155550100").session_uuid
        self.browser.open()
        self.browser.wait_for(lambda: self.browser.has_card(uuid), 1, "the card")
        self.browser.click_card(uuid)
        expire = self.browser.driver.find_element("id", "expire")
        self.browser.wait_for(lambda: expire.is_enabled(), 2, "the Expire button")
        expire.click()
        self.browser.wait_for(lambda: "Code expired" in self.browser.js("return document.getElementById('timeline').innerText"), 1, "the expiry")
        check(sessions.get(session_uuid=uuid).status == "expired", "the session is expired for the SDK")
        from selenium.webdriver.support.ui import Select
        Select(self.browser.driver.find_element("id", "fault-endpoint")).select_by_value("create")
        Select(self.browser.driver.find_element("id", "fault-kind")).select_by_value("status:503")
        self.browser.driver.find_element("id", "arm-fault").click()
        self.browser.wait_for(lambda: "f1 create" in self.browser.js("return document.getElementById('faults').textContent"), 1, "the armed fault listed")
        try:
            sessions.create(recipient="+14155550101")
            raise AssertionError("the SDK's create should have failed with the armed 503")
        except AssertionError:
            raise
        except Exception as error:
            check("service unavailable" in str(error).lower() or "503" in str(error), f"the SDK got the 503: {error}")
        self.browser.wait_for(lambda: self.browser.js("return document.getElementById('faults').textContent") == "", 1, "the used fault gone")
        # A change from another origin is refused, even naming the account.
        status, body = self.sandbox.call("POST", "/__sandbox/reset", account=None,
                                         headers={"X-Vsh-Account": ACCOUNT_A, "Origin": "http://evil.example"})
        check(status == 403, f"a cross-origin change is refused: {status} {body}")

    def test_mark_seen_and_reset(self):
        first = self.sandbox.sdk().create(recipient="+14155550100").session_uuid
        self.browser.open()
        self.browser.wait_for(lambda: self.browser.has_card(first), 1, "the card")
        self.sandbox.sdk().create(recipient="+14155550101")
        self.browser.wait_for(lambda: self.browser.driver.title == "(1) vsh inbox", 1, "one unseen code")
        self.browser.driver.find_element("id", "seen-all").click()
        self.browser.wait_for(lambda: self.browser.driver.title == "vsh inbox", 1, "Mark all seen to clear the count")
        self.browser.driver.find_element("id", "reset").click()
        self.browser.driver.switch_to.alert.accept()
        self.browser.wait_for(lambda: self.browser.cards() == [], 2, "the cards gone after the reset")
        check(not self.browser.js("return document.getElementById('empty').hidden"), "the empty inbox says how to start")
        status, _ = self.sandbox.call("GET", f"/v1/Account/{ACCOUNT_A}/Verify/Session/{first}/")
        check(status == 404, f"the account is empty for the API too: {status}")
        later = self.sandbox.sdk().create(recipient="+14155550102").session_uuid
        self.browser.wait_for(lambda: self.browser.cards() == [later], 2, "a new code after the reset")

    def test_own_token_shows_no_secret_and_no_controls(self):
        secret = "t0ken-" + base64.b32encode(os.urandom(10)).decode().lower()
        self.sandbox.stop()
        self.sandbox = Sandbox(self.binary, ["--token", secret])
        self.browser.quit()
        self.browser = Browser(self.sandbox.url)
        uuid = self.sandbox.sdk(token=secret).create(recipient="+14155550100").session_uuid
        self.browser.open()
        self.browser.wait_for(lambda: self.browser.has_card(uuid), 1, "the card")
        self.browser.click_card(uuid)
        self.browser.wait_for(lambda: "Attempt 1" in self.browser.js("return document.getElementById('timeline').innerText"), 2, "the timeline")
        check(not self.browser.js("return document.getElementById('controls-note').hidden"), "the page says its controls are off")
        check(not self.browser.driver.find_element("id", "advance-button").is_enabled(), "the clock control is off")
        html = self.browser.js("return document.documentElement.outerHTML")
        served = "".join(self.sandbox.text(path) for path in
                         ("/", "/__sandbox/ui/inbox.js", "/__sandbox/ui/inbox.css", "/__sandbox/inbox", f"/__sandbox/timeline?session_uuid={uuid}"))
        for where, text in (("the page", html), ("what the server serves it", served)):
            check(secret not in text, f"the token is not in {where}")
        check("Authorization" not in self.sandbox.text("/__sandbox/ui/inbox.js"), "the page's script sends no Authorization")
        status, body = self.sandbox.call("POST", "/__sandbox/reset", account=None, headers={"X-Vsh-Account": ACCOUNT_A})
        check(status == 403 and "--token" in body["error"], f"the page's header changes nothing on such a server: {status} {body}")

    def test_a_thousand_messages(self):
        # 1,000 sessions over one keep-alive connection, then the page.
        connection = http.client.HTTPConnection(self.sandbox.url.split("//")[1], timeout=10)
        auth = "Basic " + base64.b64encode(f"{ACCOUNT_A}:{TOKEN}".encode()).decode()
        for index in range(1000):
            connection.request("POST", f"/v1/Account/{ACCOUNT_A}/Verify/Session/",
                               body=json.dumps({"recipient": "+1212%07d" % index}),
                               headers={"Authorization": auth, "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            check(response.status == 202, f"create {index}: {response.status}")
        connection.close()
        started = time.monotonic()
        self.browser.open()
        self.browser.wait_for(lambda: len(self.browser.cards()) == 1000, 5, "1,000 cards")
        loaded = time.monotonic() - started
        fresh = self.sandbox.sdk().create(recipient="+14155550100").session_uuid
        self.browser.wait_for(lambda: self.browser.cards()[:1] == [fresh], 1, "a new code on top of 1,000, within a second")
        box = self.browser.driver.find_element("id", "filter")
        box.send_keys("+1 212 000 0042")
        self.browser.wait_for(lambda: len(self.browser.cards()) == 1, 1, "the filter down to one recipient")
        check("+12120000042" in self.browser.card_text(self.browser.cards()[0]), "the filtered card is that recipient's")
        say(f"  1,001 cards; the page was live with 1,000 in {loaded:.2f} s")

    def test_keyboard_only(self):
        first = self.sandbox.sdk().create(recipient="+14155550100").session_uuid
        second = self.sandbox.sdk().create(recipient="+14155550101").session_uuid
        code = outbox_code(self.sandbox, second)
        self.browser.open()
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        keys = lambda *k: ActionChains(self.browser.driver).send_keys(*k).perform()
        self.browser.js("document.activeElement.blur()")
        keys("j")
        focused = lambda: self.browser.js("return document.activeElement.dataset.uuid")
        self.browser.wait_for(lambda: focused() == second, 1, "j to focus the newest card")
        keys("j")
        self.browser.wait_for(lambda: focused() == first, 1, "j to move down")
        keys("k")
        self.browser.wait_for(lambda: focused() == second, 1, "k to move up")
        keys(Keys.ENTER)
        self.browser.wait_for(lambda: not self.browser.js("return document.getElementById('detail').hidden"), 1, "Enter to open the timeline")
        keys("c")
        self.browser.wait_for(lambda: self.browser.js("return document.body.dataset.copied") == code, 1, "c to copy the code")
        keys(Keys.ESCAPE)
        self.browser.wait_for(lambda: self.browser.js("return document.getElementById('detail').hidden"), 1, "Esc to close the timeline")
        check(focused() == second, "focus goes back to the card")
        keys("/")
        self.browser.wait_for(lambda: self.browser.js("return document.activeElement.id") == "filter", 1, "/ to the filter")

    def test_dark_mode(self):
        light = self.page_colours()
        self.browser.quit()
        self.browser = Browser(self.sandbox.url, dark=True)
        dark = self.page_colours()
        check(light != dark, f"dark mode has its own colours: {light} vs {dark}")
        if self.args.screenshots:
            self.browser.driver.save_screenshot(os.path.join(self.args.screenshots, "inbox-dark.png"))

    def page_colours(self):
        uuid = self.sandbox.sdk().create(recipient="+14155550100", brand_name="Acme").session_uuid
        self.browser.open()
        self.browser.wait_for(lambda: self.browser.has_card(uuid), 1, "the card")
        return self.browser.js("const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]")

    def test_screenshot_for_the_docs(self):
        if not self.args.screenshots:
            return
        sessions = self.sandbox.sdk()
        verified = sessions.create(recipient="+14155550100", brand_name="Acme").session_uuid
        sessions.validate(session_uuid=verified, otp=outbox_code(self.sandbox, verified))
        late = sessions.create(recipient="+14155550192", brand_name="Acme").session_uuid
        uuid = sessions.create(recipient="+14155550101", brand_name="Acme", url=self.sandbox.url + "/hook").session_uuid
        self.browser.open()
        self.browser.wait_for(lambda: self.browser.has_card(uuid), 1, "the card")
        try:
            sessions.validate(session_uuid=uuid, otp="000000")
        except Exception:
            pass
        self.browser.click_card(uuid)
        self.browser.wait_for(lambda: "Callback" in self.browser.js("return document.getElementById('timeline').innerText"), 3, "callbacks")
        self.browser.driver.save_screenshot(os.path.join(self.args.screenshots, "inbox.png"))
        check(late, "the late delivery is in the picture")


def stage_two(args):
    tests = Tests(args)
    names = [name for name in dir(Tests) if name.startswith("test_") and (not args.k or args.k in name)]
    names.sort(key=lambda name: list(Tests.__dict__).index(name))
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    failures = 0
    for name in names:
        started = time.monotonic()
        try:
            tests.run(name, getattr(tests, name))
            say(f"ok   {name} ({time.monotonic() - started:.1f} s)")
        except Exception as error:
            failures += 1
            say(f"FAIL {name}: {error}")
            traceback.print_exc(limit=3)
    if failures:
        fail(f"{failures} of {len(names)} browser tests failed")
    say(f"all {len(names)} browser tests passed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sandbox")
    parser.add_argument("--venv", default=os.path.join(ROOT, ".build", "sdk-venv"))
    parser.add_argument("--screenshots", help="write the docs' screenshots into this folder")
    parser.add_argument("-k", help="run only the tests whose name contains this")
    parser.add_argument("--in-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.screenshots:
        args.screenshots = os.path.abspath(args.screenshots)
    if args.in_venv:
        stage_two(args)
    else:
        stage_one(args)


if __name__ == "__main__":
    main()
