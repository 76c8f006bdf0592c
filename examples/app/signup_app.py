"""A tiny team app that verifies phone numbers with Plivo's Verify API.

It is the app under test in examples/app/test_signup_app.py (docs/testing-your-app.md):
nothing in it knows about the sandbox. Point Plivo's SDK somewhere else (the real
api.plivo.com by default) and it runs unchanged.

* SignupApp.start_verification(phone): create a Verify session whose status
  callbacks go to the app's own webhook receiver (url=, method="POST"); a 503 (or
  502) from Plivo is retried once after a short wait.
* SignupApp.resend(phone): the same call again. Plivo treats a second create for
  the same recipient as a new attempt on the live session: same session_uuid.
* SignupApp.check_code(session_uuid, code): validate the code the user typed.
* WebhookReceiver: an http.server on 127.0.0.1 (a free port, in a thread) that
  checks every callback's X-Plivo-Signature-V2 with plivo.utils.validate_signature,
  answers 403 (and records nothing) to a bad one, records the form fields of a good
  one and answers 200.
"""

import http.server
import re
import threading
import time
import urllib.parse

import plivo
import plivo.exceptions as errors
from plivo.utils import validate_signature

# The form fields Plivo posts to a Verify session's callback url.
CALLBACK_FIELDS = (
    "AttemptSequence", "AttemptUUID", "Channel", "ChannelErrorCode", "ChannelStatus",
    "Recipient", "RequestTime", "SessionStatus", "SessionUUID",
)

# Statuses worth one retry: Plivo (or a gateway in front of it) did not take the
# request. The SDK has no class of its own for them: it raises the base
# PlivoRestError("Received status code 503 for the HTTP method \"POST\"") for
# anything it does not map (429, 502, 503), PlivoServerError for 500.
RETRYABLE_STATUSES = (502, 503)


def http_status(error):
    """The HTTP status behind an SDK exception, as far as the SDK tells it."""
    mapped = {
        errors.ValidationError: 400,
        errors.AuthenticationError: 401,
        errors.ForbiddenError: 403,
        errors.ResourceNotFoundError: 404,
        errors.PlivoServerError: 500,
    }
    for kind, status in mapped.items():
        if isinstance(error, kind):
            return status
    found = re.match(r"Received status code (\d{3}) ", str(error))
    return int(found.group(1)) if type(error) is errors.PlivoRestError and found else None


class WebhookReceiver:
    """Plivo's status callbacks for the app, signature-checked. Use as a context manager
    or call start() and stop()."""

    path = "/plivo/verify-status"

    def __init__(self, auth_token):
        self.auth_token = auth_token
        self.callbacks = []   # dicts of CALLBACK_FIELDS, in the order received
        self.signatures = []  # (nonce, signature) of each callback accepted, same order
        self.rejected = 0     # requests refused for a bad or missing signature
        self.url = None       # the callback url to register, once started
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
                receiver._handle(self, form)

            def do_GET(self):  # for a session created with method="GET"
                query = urllib.parse.urlsplit(self.path).query
                receiver._handle(self, urllib.parse.parse_qs(query, keep_blank_values=True))

            def log_message(self, *args):  # quiet
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}{self.path}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _handle(self, handler, form):
        signature = handler.headers.get("X-Plivo-Signature-V2", "")
        nonce = handler.headers.get("X-Plivo-Signature-V2-Nonce", "")
        # The uri signed is the callback url the app registered (validate_signature
        # drops any query itself).
        if not (signature and nonce and validate_signature(self.url, nonce, signature, self.auth_token)):
            with self._lock:
                self.rejected += 1
            self._answer(handler, 403, b"bad signature\n")
            return
        fields = {name: form.get(name, [""])[0] for name in CALLBACK_FIELDS}
        with self._lock:
            self.callbacks.append(fields)
            self.signatures.append((nonce, signature))
        self._answer(handler, 200, b"ok\n")

    @staticmethod
    def _answer(handler, status, body):
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def received(self, session_uuid=None):
        """A copy of the callbacks so far, optionally of one session."""
        with self._lock:
            return [c for c in self.callbacks if session_uuid is None or c["SessionUUID"] == session_uuid]


class CodeCheck:
    """What check_code found: verified, or why not (the SDK's exception and its text)."""

    def __init__(self, verified, reason=None, error=None):
        self.verified = verified
        self.reason = reason
        self.error = error

    def __repr__(self):
        return f"CodeCheck(verified={self.verified!r}, reason={self.reason!r})"


class SignupApp:
    def __init__(self, auth_id, auth_token, webhook_url, retry_wait=0.5, brand_name="Signup", timeout=5):
        self.client = plivo.RestClient(auth_id, auth_token, timeout=timeout)
        self.webhook_url = webhook_url
        self.retry_wait = retry_wait
        self.brand_name = brand_name
        self.retried = []   # the SDK exceptions that made the app retry, in order

    def start_verification(self, phone, channel="sms"):
        """Send a code to `phone`; the session_uuid. Retries once on 502/503."""
        def create():
            return self.client.verify_session.create(
                recipient=phone, channel=channel, url=self.webhook_url, method="POST",
                brand_name=self.brand_name)
        return self._once_more_if_unavailable(create).session_uuid

    def resend(self, phone, channel="sms"):
        """Another code attempt for the same phone: Plivo keeps the same session."""
        return self.start_verification(phone, channel)

    def check_code(self, session_uuid, code):
        try:
            self.client.verify_session.validate(session_uuid=session_uuid, otp=code)
            return CodeCheck(True)
        except errors.ValidationError as error:  # 400: incorrect otp, session expired, ...
            return CodeCheck(False, str(error), error)

    def session(self, session_uuid):
        return self.client.verify_session.get(session_uuid)

    def sessions(self, **filters):
        return self.client.verify_session.list(**filters)

    def _once_more_if_unavailable(self, call):
        try:
            return call()
        except errors.PlivoRestError as error:
            if http_status(error) not in RETRYABLE_STATUSES:
                raise
            self.retried.append(error)
            time.sleep(self.retry_wait)
            return call()
