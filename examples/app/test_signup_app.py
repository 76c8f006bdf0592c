"""The signup app's tests, against `vsh-sandbox serve` (docs/testing-your-app.md).

Run: ./scripts/app-example, or with the SDK's venv and a built sandbox:
    VSH_SANDBOX=.build/debug/vsh-sandbox python -m unittest -v examples/app/test_signup_app.py

One server for the module (a free port, a random token, no --otp: the codes are read
from the outbox, as a user reads them from the phone), and one webhook receiver, as
the app has one endpoint; it outlives the server, so no callback ever finds it gone.
Each test is an account of its own (its own auth_id): its own sessions, outbox,
clock, faults and rate limits, so the tests do not see each other and can run in any
order.
"""

import base64
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import plivo  # noqa: E402
import plivo.exceptions as errors  # noqa: E402
import plivo.rest.client  # noqa: E402
import requests.exceptions  # noqa: E402
from plivo.utils import validate_signature  # noqa: E402

from signup_app import SignupApp, WebhookReceiver, http_status  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PHONE = "+14155550100"
SERVER = {}


def sandbox_binary():
    explicit = os.environ.get("VSH_SANDBOX")
    if explicit:
        return explicit
    built = [os.path.join(ROOT, ".build", kind, "vsh-sandbox") for kind in ("release", "debug")]
    built = [path for path in built if os.access(path, os.X_OK)]
    if not built:
        raise RuntimeError("no sandbox: set VSH_SANDBOX or build it (swift build --product vsh-sandbox)")
    return max(built, key=os.path.getmtime)


def setUpModule():
    token = "app-" + secrets.token_hex(8)
    process = subprocess.Popen(
        [sandbox_binary(), "serve", "--host", "127.0.0.1", "--port", "0", "--token", token, "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = {}
    reader = threading.Thread(target=lambda: line.setdefault("text", process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(15)
    marker = "listening on "
    if marker not in line.get("text", ""):
        process.kill()
        process.wait()
        raise RuntimeError(f"the sandbox did not start: {process.stderr.read().strip()}")
    url = line["text"].split(marker, 1)[1].split()[0]
    # Keep reading its log (warnings about failed callbacks), so the pipe never fills.
    log = []
    threading.Thread(target=lambda: log.extend(process.stderr), daemon=True).start()
    SERVER.update(log=log, process=process, url=url, token=token, receiver=WebhookReceiver(token).start())
    # Plivo's SDK reads this module constant on every (non-voice) request.
    plivo.rest.client.PLIVO_API_BASE_URI = url + "/v1/Account"


def tearDownModule():
    process = SERVER.get("process")
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if "receiver" in SERVER:
        SERVER["receiver"].stop()


def wait_until(condition, timeout=5.0, step=0.02):
    """condition()'s first truthy value, polling every `step` for at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


class Sandbox:
    """The sandbox's out-of-band endpoints (/__sandbox/...), as one account."""

    def __init__(self, auth_id, token):
        self.credentials = "Basic " + base64.b64encode(f"{auth_id}:{token}".encode()).decode()

    def call(self, method, path, body=None, authorized=True):
        """(status, headers, parsed JSON body) of one request to the server."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(SERVER["url"] + path, data=data, method=method)
        if authorized:
            request.add_header("Authorization", self.credentials)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.headers, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, json.loads(error.read() or b"null")

    def ok(self, method, path, body=None):
        status, _, answer = self.call(method, path, body)
        if status not in (200, 201):
            raise AssertionError(f"{method} {path}: {status} {answer}")
        return answer

    def outbox(self, session_uuid):
        return self.ok("GET", f"/__sandbox/outbox?session_uuid={session_uuid}")["messages"]

    def callbacks(self, session_uuid):
        return self.ok("GET", f"/__sandbox/callbacks?session_uuid={session_uuid}")["callbacks"]

    def advance(self, duration):
        return self.ok("POST", "/__sandbox/clock", {"advance": duration})

    def arm(self, **fault):
        return self.ok("POST", "/__sandbox/faults", fault)

    def faults(self):
        return self.ok("GET", "/__sandbox/faults")["faults"]

    def clear_faults(self):
        return self.ok("DELETE", "/__sandbox/faults")


def account_for(name, prefix="MA"):
    """A well-formed auth_id of its own for each test: MA + 18 of A-Z0-9."""
    return prefix + hashlib.sha256(name.encode()).hexdigest().upper()[:18]


class SignupAppTest(unittest.TestCase):
    def setUp(self):
        self.auth_id = account_for(self.id())
        self.token = SERVER["token"]
        self.receiver = SERVER["receiver"]
        self.app = SignupApp(self.auth_id, self.token, self.receiver.url, retry_wait=0.2)
        self.sandbox = Sandbox(self.auth_id, self.token)

    def code_sent(self, session_uuid, count=1):
        """The code in the session's latest message, once `count` reached the phone."""
        messages = wait_until(lambda: (lambda m: m if len(m) >= count else None)(self.sandbox.outbox(session_uuid)))
        self.assertTrue(messages, f"fewer than {count} message(s) in the outbox within 5 s")
        return messages[-1]["code"]

    def callbacks_seen(self, session_uuid, count):
        """The receiver's callbacks for the session, once there are `count` of them."""
        got = wait_until(lambda: (lambda c: c if len(c) >= count else None)(self.receiver.received(session_uuid)))
        if not got:
            self.fail(f"{len(self.receiver.received(session_uuid))} callbacks within 5 s, expected {count}; "
                      f"the sandbox's log: {self.sandbox.callbacks(session_uuid)}")
        return got

    # a. status callbacks ----------------------------------------------------------

    def test_webhook_gets_queued_sent_delivered_then_verified(self):
        rejected_before = self.receiver.rejected
        session_uuid = self.app.start_verification(PHONE)
        callbacks = self.callbacks_seen(session_uuid, 3)
        self.assertEqual([c["ChannelStatus"] for c in callbacks], ["queued", "sent", "delivered"])
        self.assertEqual([c["SessionStatus"] for c in callbacks], ["in-progress"] * 3)
        for callback in callbacks:
            self.assertEqual((callback["Channel"], callback["Recipient"], callback["AttemptSequence"]),
                             ("sms", "14155550100", "1"))

        check = self.app.check_code(session_uuid, self.code_sent(session_uuid))
        self.assertTrue(check.verified, check)
        callbacks = self.callbacks_seen(session_uuid, 4)
        self.assertEqual([c["SessionStatus"] for c in callbacks], ["in-progress"] * 3 + ["verified"])
        self.assertEqual(self.receiver.rejected, rejected_before, "every callback's signature was valid")

        # The receiver ran validate_signature on each; the same by hand, and with a wrong token.
        signed = [pair for callback, pair in zip(list(self.receiver.callbacks), list(self.receiver.signatures))
                  if callback["SessionUUID"] == session_uuid]
        self.assertEqual(len(signed), 4)
        for nonce, signature in signed:
            self.assertTrue(validate_signature(self.receiver.url, nonce, signature, self.token))
            self.assertFalse(validate_signature(self.receiver.url, nonce, signature, "another-token"))

        # The expiry callback scheduled at create never reaches a verified session's
        # webhook: when its time comes, the sandbox cancels it.
        self.sandbox.advance("11m")

        def expiry_settled():
            expiry = [c for c in self.sandbox.callbacks(session_uuid) if c["parameters"]["SessionStatus"] == "expired"]
            return expiry if expiry and all(c["state"] in ("cancelled", "delivered", "failed") for c in expiry) else None
        expiry = wait_until(expiry_settled)
        self.assertTrue(expiry, self.sandbox.callbacks(session_uuid))
        self.assertEqual([c["state"] for c in expiry], ["cancelled"])
        self.assertEqual(len(self.receiver.received(session_uuid)), 4)

    def test_receiver_refuses_a_forged_callback(self):
        with WebhookReceiver(self.token) as receiver:   # its own, to count what it records
            form = urllib.parse.urlencode({"SessionUUID": "8e712097-8090-4644-81e7-8f4265d8354e",
                                           "SessionStatus": "verified", "ChannelStatus": "delivered"}).encode()
            forged = {"X-Plivo-Signature-V2": "Zm9yZ2VkIHNpZ25hdHVyZQ==", "X-Plivo-Signature-V2-Nonce": "12345678901234567890"}
            for headers in (forged, {}):
                request = urllib.request.Request(receiver.url, data=form, method="POST", headers={
                    "Content-Type": "application/x-www-form-urlencoded", **headers})
                with self.assertRaises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(request, timeout=5)
                self.assertEqual(refused.exception.code, 403)
            self.assertEqual(receiver.received(), [])
            self.assertEqual(receiver.rejected, 2)

    # b. resend --------------------------------------------------------------------

    def test_resend_is_a_second_attempt_on_the_same_session(self):
        first = self.app.start_verification(PHONE)
        self.code_sent(first, 1)
        second = self.app.resend(PHONE)
        self.assertEqual(second, first)
        session = self.app.session(first)
        self.assertEqual((session.status, session.count, len(session.attempt_details)), ("in-progress", 2, 2))
        self.code_sent(first, 2)
        messages = self.sandbox.outbox(first)
        self.assertEqual(len(messages), 2)
        self.assertEqual(messages[0]["code"], messages[1]["code"], "a resend sends the same code")
        self.assertNotEqual(messages[0]["attempt_uuid"], messages[1]["attempt_uuid"])
        self.assertEqual([m["attempt_uuid"] for m in messages], [a.attempt_uuid for a in session.attempt_details])
        # Both attempts' callbacks (queued, sent, delivered each), then the code works.
        callbacks = self.callbacks_seen(first, 6)
        self.assertEqual(sorted(c["AttemptSequence"] for c in callbacks), ["1"] * 3 + ["2"] * 3)
        self.assertTrue(self.app.check_code(first, messages[1]["code"]).verified)

    # c. a 503 from Plivo ----------------------------------------------------------

    def test_a_503_on_create_is_retried_once(self):
        self.sandbox.arm(endpoint="create", status=503, times=1)
        self.assertEqual(len(self.sandbox.faults()), 1)
        session_uuid = self.app.start_verification(PHONE)
        self.assertEqual(len(self.app.retried), 1, self.app.retried)
        error = self.app.retried[0]
        self.assertIs(type(error), errors.PlivoRestError, "the SDK has no subclass for 503")
        self.assertIn("status code 503", str(error))
        self.code_sent(session_uuid)
        self.assertEqual(len(self.sandbox.outbox(session_uuid)), 1, "the refused create sent nothing")
        self.assertEqual(self.app.session(session_uuid).count, 1)
        self.assertEqual(self.sandbox.faults(), [])
        self.callbacks_seen(session_uuid, 3)

    def test_two_503s_reach_the_caller(self):
        self.sandbox.arm(endpoint="create", status=503, times=2)
        with self.assertRaises(errors.PlivoRestError) as raised:
            self.app.start_verification(PHONE)
        self.assertIn("status code 503", str(raised.exception))
        self.assertEqual(len(self.app.retried), 1, "one retry, not more")
        self.assertEqual(len(self.app.sessions()), 0, "no session was made")

    # d. rate limit ----------------------------------------------------------------

    def test_list_is_limited_to_20_a_minute(self):
        for _ in range(20):
            self.app.sessions()
        with self.assertRaises(errors.PlivoRestError) as limited:
            self.app.sessions()
        self.assertIs(type(limited.exception), errors.PlivoRestError, "the SDK has no subclass for 429")
        self.assertIn("status code 429", str(limited.exception))
        # The SDK's exception keeps only the status; the body and Retry-After say why.
        status, headers, body = self.sandbox.call("GET", f"/v1/Account/{self.auth_id}/Verify/Session/")
        self.assertEqual((status, body["error"], headers.get("Retry-After")), (429, "too many requests", "60"))
        self.sandbox.advance("60s")
        self.assertEqual(len(self.app.sessions()), 0)

    # e. expiry --------------------------------------------------------------------

    def test_a_code_expires_when_the_clock_passes_its_lifetime(self):
        session_uuid = self.app.start_verification(PHONE)
        code = self.code_sent(session_uuid)
        self.callbacks_seen(session_uuid, 3)
        self.sandbox.advance("11m")
        check = self.app.check_code(session_uuid, code)
        self.assertFalse(check.verified)
        self.assertIsInstance(check.error, errors.ValidationError)
        self.assertEqual(check.reason, "session expired")
        callbacks = self.callbacks_seen(session_uuid, 4)
        self.assertEqual([c["SessionStatus"] for c in callbacks], ["in-progress"] * 3 + ["expired"])
        self.assertEqual(self.app.session(session_uuid).status, "expired")

    # f. accounts ------------------------------------------------------------------

    def test_accounts_do_not_see_each_other(self):
        session_uuid = self.app.start_verification(PHONE)
        other_id = account_for(self.id(), prefix="SA")
        other = SignupApp(other_id, self.token, self.receiver.url)
        with self.assertRaises(errors.ResourceNotFoundError) as missing:
            other.session(session_uuid)
        self.assertEqual(str(missing.exception), "session not found")
        self.assertEqual(len(other.sessions()), 0)
        self.assertEqual(Sandbox(other_id, self.token).outbox(session_uuid), [])
        self.assertEqual(self.app.session(session_uuid).session_uuid, session_uuid)
        self.callbacks_seen(session_uuid, 3)

    # g. what each fault looks like through the SDK ------------------------------------

    def test_a_dropped_create_is_a_connection_error_and_made_nothing(self):
        self.sandbox.arm(endpoint="create", drop=True)
        with self.assertRaises(requests.exceptions.ConnectionError):
            self.app.start_verification(PHONE)
        self.assertEqual(self.app.retried, [], "the app retries Plivo's 502 and 503, not a broken connection")
        self.assertEqual(len(self.app.sessions()), 0, "a dropped request is not performed")

    def test_a_reset_create_went_through_so_trying_again_is_a_resend(self):
        self.sandbox.arm(endpoint="create", reset=True)
        # The head and half the body arrive, then an RST: the SDK cannot tell whether it went through.
        with self.assertRaises(requests.exceptions.RequestException):
            self.app.start_verification(PHONE)
        made = [session["session_uuid"] for session in self.app.sessions()]
        self.assertEqual(len(made), 1, "a reset request was performed")
        # Trying again is safe: Plivo keeps one session per recipient, and this is its second attempt.
        session_uuid = self.app.resend(PHONE)
        self.assertEqual(session_uuid, made[0])
        self.assertEqual(self.app.session(session_uuid).count, 2)
        self.callbacks_seen(session_uuid, 6)

    def test_a_malformed_answer_reaches_the_app_as_none(self):
        session_uuid = self.app.start_verification(PHONE)
        self.sandbox.arm(endpoint="retrieve", body="malformed")
        # The SDK swallows a body that is not JSON: no exception, no object. An app must check.
        self.assertIsNone(self.app.session(session_uuid))
        self.assertEqual(self.app.session(session_uuid).session_uuid, session_uuid, "one request only")
        self.callbacks_seen(session_uuid, 3)

    def test_a_500_is_a_server_error_and_not_retried(self):
        self.sandbox.arm(endpoint="create", status=500)
        with self.assertRaises(errors.PlivoServerError) as raised:
            self.app.start_verification(PHONE)
        self.assertEqual(str(raised.exception), "internal server error")
        self.assertEqual(self.app.retried, [])
        self.assertEqual(len(self.app.sessions()), 0)

    def test_a_502_is_retried_once_like_a_503(self):
        self.sandbox.arm(endpoint="create", status=502)
        session_uuid = self.app.start_verification(PHONE)
        self.assertEqual([http_status(e) for e in self.app.retried], [502])
        self.code_sent(session_uuid)
        self.callbacks_seen(session_uuid, 3)

    def test_a_401_on_validate_is_an_authentication_error_not_a_wrong_code(self):
        session_uuid = self.app.start_verification(PHONE)
        code = self.code_sent(session_uuid)
        self.sandbox.arm(endpoint="validate", status=401)
        with self.assertRaises(errors.AuthenticationError):
            self.app.check_code(session_uuid, code)
        self.assertTrue(self.app.check_code(session_uuid, code).verified, "the refused try did not count")
        self.callbacks_seen(session_uuid, 4)

    def test_a_delay_past_the_clients_timeout_is_a_read_timeout(self):
        impatient = SignupApp(self.auth_id, self.token, self.receiver.url, timeout=1)
        self.sandbox.arm(endpoint="list", delay="3s")
        started = time.monotonic()
        with self.assertRaises(requests.exceptions.ReadTimeout):
            impatient.sessions()
        self.assertLess(time.monotonic() - started, 2.5, "the client's own timeout, not the server's delay")
        self.assertEqual(self.sandbox.faults(), [], "used up by the request that timed out")
        self.assertEqual(len(impatient.sessions()), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
