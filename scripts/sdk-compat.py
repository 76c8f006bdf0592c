#!/usr/bin/env python3
"""Plivo's Python SDK against `vsh sandbox serve`: create, get, list, validate.

Run by scripts/sdk-compat (which builds vsh-sandbox if needed). Two stages:

1. With any python3: make the venv .build/sdk-venv, `pip install plivo` into it
   (skipped when it is already there), then run this file again with the venv's
   python. If plivo cannot be installed (PyPI unreachable, no network), print
   "skipped: cannot install plivo" and exit 0: that is the only skip.
2. In the venv: start `vsh-sandbox serve --port 0` with a random token, point the
   SDK at it and drive every Verify call through the SDK's public API. Exit 0 when
   every check holds, 1 with the failing check otherwise. The server is always stopped.

How the SDK is pointed at the sandbox (read from plivo/rest/client.py, 4.x): the
module constant PLIVO_API_BASE_URI is "https://api.plivo.com/v1/Account", and every
non-voice request first does `self.base_uri = PLIVO_API_BASE_URI` (a module-global
read at call time), then builds "/".join([base_uri, auth_id, *path]) + "/". So
setting `plivo.rest.client.PLIVO_API_BASE_URI = "http://127.0.0.1:PORT/v1/Account"`
(with /v1/Account, without a trailing slash) redirects it; setting
`client.base_uri` alone would be overwritten on the next request.

Options: --sandbox PATH (the vsh-sandbox binary; default: newest of
.build/{release,debug}/vsh-sandbox), --venv DIR (default .build/sdk-venv),
--no-openapi (skip validating docs/openapi.yaml with openapi-spec-validator and
checking the server's answers against its schemas).
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTH_ID = "MA2025RK4E639VJFZAGV"
PREFIX = "sdk-compat:"


def show(path):
    """A path as the user would type it: relative inside the repository, absolute outside."""
    relative = os.path.relpath(path, ROOT)
    return path if relative.startswith("..") else relative


def say(message):
    print(f"{PREFIX} {message}", flush=True)


def fail(message):
    print(f"{PREFIX} FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


# Stage 1: the venv ------------------------------------------------------------


def venv_python(venv):
    return os.path.join(venv, "bin", "python")


def ensure_venv(venv):
    if os.path.exists(venv_python(venv)):
        return
    try:
        import ensurepip  # noqa: F401  (python3-venv on Debian provides it)
        import venv as _venv  # noqa: F401
    except ImportError:
        fail("python3 has no venv module; install python3-venv (scripts/sdk-compat does it with apt)")
    say(f"creating the venv {show(venv)}")
    result = subprocess.run([sys.executable, "-m", "venv", venv], capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"python3 -m venv failed: {result.stderr.strip() or result.stdout.strip()}")


def has_module(python, module):
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def pip_install(python, package):
    """True when installed; False (with pip's last line said) when pip could not."""
    result = subprocess.run(
        [python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "--timeout", "20", "--retries", "1", package],
        capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        say(f"pip install {package} failed: {lines[-1] if lines else 'exit status %d' % result.returncode}")
        return False
    return True


def stage_one(args):
    ensure_venv(args.venv)
    python = venv_python(args.venv)
    if has_module(python, "plivo"):
        say("plivo already installed in the venv")
    else:
        say("installing plivo into the venv")
        if not pip_install(python, "plivo"):
            # The one case that is not a failure: nothing to test against without the SDK.
            print(f"{PREFIX} skipped: cannot install plivo (is PyPI reachable?)", flush=True)
            sys.exit(0)
    os.execv(python, [python, os.path.abspath(__file__), "--in-venv", *sys.argv[1:]])


# Stage 2: the SDK against the server -------------------------------------------


def find_sandbox(explicit):
    if explicit:
        if not os.access(explicit, os.X_OK):
            fail(f"{explicit} is not an executable")
        binary = os.path.abspath(explicit)
    else:
        candidates = [os.path.join(ROOT, ".build", kind, "vsh-sandbox") for kind in ("release", "debug")]
        found = [path for path in candidates if os.access(path, os.X_OK)]
        if not found:
            fail("no vsh-sandbox binary in .build/release or .build/debug; build it: swift build --product vsh-sandbox")
        binary = max(found, key=os.path.getmtime)
    probe = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True)
    if probe.returncode != 0 or "--port" not in probe.stdout:
        fail(f"{show(binary)} is not the sandbox server (an old build?); rebuild: swift build --product vsh-sandbox")
    return binary


def stop_process(process, grace=10):
    """SIGTERM, then SIGKILL if it has not exited after `grace` seconds; the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class ServerStartError(Exception):
    pass


class Server:
    """`vsh-sandbox serve --host 127.0.0.1 --port 0 ARGUMENTS`, its URL read from the
    line it prints once it listens, its log kept in `log`. Always stop it (`with`)."""

    def __init__(self, binary, arguments):
        self.log = []
        self.process = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", "0", *arguments],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.url = self._wait_for_url(timeout=30)

    def _drain_stderr(self):
        for line in self.process.stderr:
            self.log.append(line.rstrip("\n"))

    def _wait_for_url(self, timeout):
        result = {}
        reader = threading.Thread(target=lambda: result.setdefault("line", self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        line = result.get("line", "")
        marker = "listening on "
        if marker not in line:
            self.stop()
            detail = "; ".join(self.log[-3:]) or f"exit status {self.process.returncode}"
            raise ServerStartError(f"vsh-sandbox did not start within {timeout}s ({detail})")
        return line.split(marker, 1)[1].split()[0]

    def stop(self):
        return stop_process(self.process)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Checks:
    def __init__(self):
        self.count = 0

    def expect(self, condition, what, detail=""):
        self.count += 1
        if not condition:
            raise AssertionError(f"{what}{': ' + str(detail) if detail != '' else ''}")
        say(f"ok   {what}")


def outbox_code(url, session_uuid):
    with urllib.request.urlopen(f"{url}/__sandbox/outbox?session_uuid={session_uuid}", timeout=5) as response:
        messages = json.load(response)["messages"]
    return messages[-1]["code"] if messages else None


def drive(url, token, checks):
    import plivo
    import plivo.exceptions as errors
    import plivo.rest.client as rest_client

    rest_client.PLIVO_API_BASE_URI = f"{url}/v1/Account"
    client = plivo.RestClient(auth_id=AUTH_ID, auth_token=token)
    sessions = client.verify_session

    created = sessions.create(recipient="+14155550100", channel="sms", brand_name="vsh", code_length=6, locale="en")
    checks.expect(created.message == "Session initiated", "create: message", created.message)
    uuid = created.session_uuid
    checks.expect(isinstance(uuid, str) and len(uuid) == 36, "create: session_uuid", uuid)
    checks.expect(isinstance(created.api_id, str) and len(created.api_id) == 36, "create: api_id")

    code = outbox_code(url, uuid)
    checks.expect(code is not None and len(code) == 6 and code.isdigit(), "outbox: the code that was sent")

    got = sessions.get(uuid)
    checks.expect(got.session_uuid == uuid, "get: session_uuid")
    checks.expect(got.status == "in-progress", "get: status in-progress", got.status)
    checks.expect(got.recipient == "14155550100", "get: recipient without +", got.recipient)
    checks.expect(got.channel == "sms" and got.count == 1, "get: channel and count")
    checks.expect(got.attempt_details[0].status == "delivered", "get: attempt_details")
    checks.expect(got.charges.total_charge == "0.0050", "get: charges", got.charges.total_charge)

    second = sessions.create(recipient="+14155550101").session_uuid
    listed = sessions.list(status="in-progress", limit=1)
    checks.expect(len(listed) == 1 and listed.sessions[0].session_uuid == second, "list: newest first, limit 1")
    checks.expect(listed.meta.limit == 1 and listed.meta.offset == 0 and listed.meta.previous is None, "list: meta")
    checks.expect(listed.meta.next == f"/v1/Account/{AUTH_ID}/Verify/Session/?status=in-progress&limit=1&offset=1",
                  "list: meta.next", listed.meta.next)
    page_two = sessions.list(status="in-progress", limit=1, offset=1)
    checks.expect([s.session_uuid for s in page_two] == [uuid], "list: second page")
    by_recipient = sessions.list(recipient="14155550101")
    checks.expect([s.session_uuid for s in by_recipient] == [second], "list: recipient filter")

    try:
        sessions.validate(session_uuid=uuid, otp="000000")
        checks.expect(False, "validate wrong code raises ValidationError", "no exception")
    except errors.ValidationError as error:
        checks.expect(str(error) == "incorrect otp", "validate wrong code: ValidationError('incorrect otp')", error)

    validated = sessions.validate(session_uuid=uuid, otp=code)
    checks.expect(validated.message == "session validated successfully.", "validate right code", validated.message)
    checks.expect(sessions.get(uuid).status == "verified", "get after validate: verified")
    verified = sessions.list(status="verified")
    checks.expect([s.session_uuid for s in verified] == [uuid], "list: status=verified")

    try:
        sessions.validate(session_uuid=uuid, otp=code)
        checks.expect(False, "validate twice raises ValidationError", "no exception")
    except errors.ValidationError as error:
        checks.expect(str(error) == "session already verified", "validate twice: ValidationError", error)

    try:
        sessions.get("8e712097-8090-4644-81e7-8f4265d8354e")
        checks.expect(False, "get unknown raises ResourceNotFoundError", "no exception")
    except errors.ResourceNotFoundError as error:
        checks.expect(str(error) == "session not found", "get unknown: ResourceNotFoundError", error)

    try:
        sessions.create(recipient="+14155550100", channel="sms", code_length=3)
        checks.expect(False, "create with code_length 3 raises ValidationError", "no exception")
    except errors.ValidationError as error:
        checks.expect(str(error) == "code_length must be an integer from 4 to 8", "create invalid: ValidationError", error)

    wrong_token = plivo.RestClient(auth_id=AUTH_ID, auth_token=token + "-wrong")
    try:
        wrong_token.verify_session.get(uuid)
        checks.expect(False, "wrong token raises AuthenticationError", "no exception")
    except errors.AuthenticationError as error:
        checks.expect(str(error) == "authentication failed", "wrong token: AuthenticationError", error)
    from importlib.metadata import version
    return version("plivo")


def openapi_available():
    if has_module(sys.executable, "openapi_spec_validator"):
        return True
    say("installing openapi-spec-validator into the venv")
    if pip_install(sys.executable, "openapi-spec-validator"):
        return True
    say("skipped: docs/openapi.yaml not validated (cannot install openapi-spec-validator)")
    return False


def validate_openapi(url, token, checks):
    """docs/openapi.yaml is valid OpenAPI 3, and the server's answers match its schemas."""
    spec_path = os.path.join(ROOT, "docs", "openapi.yaml")
    result = subprocess.run([sys.executable, "-m", "openapi_spec_validator", spec_path], capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    checks.expect(result.returncode == 0, "docs/openapi.yaml is a valid OpenAPI document", output.splitlines()[-1] if output else "")

    import base64
    import urllib.error
    import yaml
    from openapi_schema_validator import OAS30Validator

    spec = yaml.safe_load(open(spec_path))
    auth = "Basic " + base64.b64encode(f"{AUTH_ID}:{token}".encode()).decode()

    def call(method, path, body=None, authorized=True, content_type="application/json"):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url + path, method=method, data=data)
        if authorized:
            request.add_header("Authorization", auth)
        if body is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def conforms(template, method, status, body):
        response = spec["paths"][template][method]["responses"][str(status)]
        if "$ref" in response:
            node = spec
            for part in response["$ref"][2:].split("/"):
                node = node[part]
            response = node
        schema = dict(response["content"]["application/json"]["schema"], components=spec["components"])
        errors = [error.message for error in OAS30Validator(schema).iter_errors(body)]
        checks.expect(not errors, f"openapi: {method.upper()} {template} {status} matches its schema", "; ".join(errors[:2]))

    sessions = "/v1/Account/{auth_id}/Verify/Session/"
    one = "/v1/Account/{auth_id}/Verify/Session/{session_uuid}/"
    base = f"/v1/Account/{AUTH_ID}/Verify/Session/"
    status, created = call("POST", base, {"recipient": "+14155550100"})
    conforms(sessions, "post", status, created)
    uuid = created["session_uuid"]
    conforms(sessions, "post", *call("POST", base, {"recipient": "12"}))
    conforms(sessions, "post", *call("POST", base, {"recipient": "+14155550100"}, authorized=False))
    conforms(sessions, "post", *call("POST", base, {"recipient": "+14155550100"}, content_type="text/plain"))
    conforms(sessions, "get", *call("GET", base + "?limit=2"))
    conforms(sessions, "get", *call("GET", base + "?limit=0"))
    conforms(one, "get", *call("GET", f"{base}{uuid}/"))
    conforms(one, "get", *call("GET", f"{base}8e712097-8090-4644-81e7-8f4265d8354e/"))
    conforms(one, "post", *call("POST", f"{base}{uuid}/", {"otp": "000000"}))
    conforms("/__sandbox/outbox", "get", *call("GET", "/__sandbox/outbox", authorized=False))
    conforms("/__sandbox/clock", "get", *call("GET", "/__sandbox/clock", authorized=False))
    conforms("/__sandbox/clock", "post", *call("POST", "/__sandbox/clock", {"advance": "soon"}))
    conforms("/__sandbox/clock", "post", *call("POST", "/__sandbox/clock", {"advance": "1m"}, authorized=False))


def stage_two(args):
    binary = find_sandbox(args.sandbox)
    token = "sdk-" + secrets.token_hex(8)
    say(f"starting {show(binary)} serve --port 0")
    try:
        server = Server(binary, ["--token", token])
    except ServerStartError as error:
        fail(str(error))
    say(f"server at {server.url}")
    checks = Checks()
    failure = None
    version = "?"
    try:
        version = drive(server.url, token, checks)
        if not args.no_openapi and openapi_available():
            validate_openapi(server.url, token, checks)
    except AssertionError as error:
        failure = str(error)
    except Exception as error:  # a crash of the SDK or the server is a failure too
        failure = f"{type(error).__name__}: {error}"
    finally:
        status = server.stop()
    if failure is None and status != 0:
        failure = f"vsh-sandbox exited {status} on SIGTERM, expected 0"
    leaked = [line for line in server.log if token in line or "authorization" in line.lower()]
    if failure is None and leaked:
        failure = f"the server log shows credentials: {leaked[0]}"
    if failure is not None:
        tail = "\n".join(server.log[-5:])
        fail(f"{failure}\n  last server log lines:\n{tail}")
    say(f"server log: {len(server.log)} lines, no credentials in them")
    say(f"OK: {checks.count} checks passed with plivo {version} (Python SDK) against {server.url}")


def main():
    parser = argparse.ArgumentParser(description="Plivo's Python SDK against vsh sandbox serve.")
    parser.add_argument("--sandbox", help="the vsh-sandbox binary")
    parser.add_argument("--venv", default=os.path.join(ROOT, ".build", "sdk-venv"))
    parser.add_argument("--no-openapi", action="store_true", help="do not validate docs/openapi.yaml")
    parser.add_argument("--in-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.venv = os.path.abspath(args.venv)
    if args.in_venv:
        stage_two(args)
    else:
        stage_one(args)


if __name__ == "__main__":
    main()
