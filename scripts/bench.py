#!/usr/bin/env python3
"""vsh's benchmark suite: whole-process timings beside a reference measured in
the same invocation, so the ratios hold whatever the machine is doing.

Run through scripts/bench, which builds the release binaries (vsh and
vsh-sandbox) and installs wrk and nginx first.

Benchmarks (`--only NAME[,NAME]`, repeatable, runs a subset):
  startup     `vsh --version` beside /bin/true
  quickstart  examples/01-quickstart.vsh on the embedded sandbox
  examples    every example in one run
  parser      `vsh check` of a generated 200k-line script beside `wc -l`
  loop        a 100k-iteration `repeat` of validate + assert, beside the same script with 10
  flows       200 create+validate flows, `vsh run --transport live` against
              `vsh-sandbox serve`, beside the same flows through Plivo's Python SDK
  wrk         `vsh-sandbox serve` answering GET session under wrk, beside nginx
              serving the same JSON body as a static file
  inbox       the same GET with three inbox event streams connected, beside nginx;
              and creates under wrk with the three streams against none
  load        scripts/load.py: 20,000 checked requests (create, retrieve, list,
              validate) over 64 connections; errors and the server's peak RSS"""

import argparse
import base64
import importlib.util
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import time
import urllib.request

# Loading scripts/sdk-compat.py must leave no __pycache__ in the work tree.
sys.dont_write_bytecode = True

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = ("startup", "quickstart", "examples", "parser", "loop", "replay", "flows", "wrk", "inbox", "callbacks", "load")
REPLAYED = 1000

# The sandbox server's side of the live benchmarks.
AUTH_ID = "MA2025RK4E639VJFZAGV"
TOKEN = "sandbox"
OTP = "12345678"
FLOWS = 200


def say(message):
    """Progress on stderr, so stdout holds only the table."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run_checked(command, stdin=None, cwd=ROOT, env=None):
    """Wall time of one run of `command`; exits the bench if it fails."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdin=stdin, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} exited {result.returncode}: {result.stderr.decode(errors='replace')[-800:]}")
    return elapsed


def median_seconds(command, runs, stdin=None, cwd=ROOT, env=None):
    """Median wall time of `runs` runs of `command` (after one warm-up run)."""
    times = [run_checked(command, stdin, cwd, env) for _ in range(runs + 1)]
    return statistics.median(times[1:])


def interleaved_medians(commands, runs, env=None):
    """Median wall time of each command, runs alternating between them (after
    one warm-up round), so drift on the machine or in a server's state weighs
    on all of them alike."""
    times = [[] for _ in commands]
    for i in range(runs + 1):
        for j, command in enumerate(commands):
            elapsed = run_checked(command, env=env)
            if i > 0:
                times[j].append(elapsed)
    return [statistics.median(t) for t in times]


def generated_script(lines):
    """A realistic script of `lines` lines, cycling through every command form."""
    body = [
        'session create recipient=+14155550100 channel=sms brand_name="Acme Inc" code_length=6',
        "assert status == 202",
        "assert body.session_uuid is uuid",
        "# a comment line",
        "validate 000000",
        "assert status == 400",
        'assert body.error == "incorrect otp"',
        "validate $otp",
        'assert body.message matches /validated/',
        "session get",
        'assert body.sessions[0].status != "expired"',
        "let first = body.session_uuid",
        "session list status=verified limit=5 offset=0",
        'print "session $first done"',
        "sleep 11m",
        "",
        # The blocks of the language (a quarter of the lines are in one).
        "repeat 3 {",
        "    validate 000000",
        "    assert status == 400",
        "}",
        'for recipient in ["+14155550100", "+442071838750"] {',
        "    session create recipient=$recipient channel=sms",
        "    assert status == 202",
        "}",
        'if $transport == "live" {',
        '    print "live"',
        "} else {",
        "    sleep 1m",
        "}",
        'poll every 30s timeout 15m until body.status == "expired" {',
        "    session get",
        "}",
    ]
    out = []
    # Whole repetitions of the body only, so no block is cut: the count may pass `lines` a little.
    while len(out) < lines:
        out.extend(body)
    return "\n".join(out) + "\n"


def loop_script(iterations):
    """One session, then `iterations` wrong codes, each asserted: 2 statements an iteration."""
    return ("session create recipient=+14155550100\n"
            f"repeat {iterations} {{\n    validate 000000\n    assert status == 400\n}}\n")


def row(figure, value, reference, goal, ok):
    met = "" if ok is None else ("yes" if ok else "NO")
    return f"| {figure} | {value} | {reference} | {goal} | {met} |"


# Servers ----------------------------------------------------------------------


def sandbox_server(binary):
    """`vsh-sandbox serve --otp … --quiet` on a free port (scripts/sdk-compat.py's Server)."""
    compat = sdk_compat()
    try:
        return compat.Server(binary, ["--otp", OTP, "--quiet"])
    except compat.ServerStartError as error:
        sys.exit(f"bench: {error}")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class NginxServer:
    """nginx as a child of the bench (no daemon, no master process, one worker),
    serving `body` at `path` from a config and files in a temporary folder."""

    def __init__(self, body, path):
        self.tmp = tempfile.TemporaryDirectory(prefix="vsh-bench-nginx-")
        self.process = None
        d = self.tmp.name
        with open(os.path.join(d, "body.json"), "wb") as f:
            f.write(body)
        self.port = free_port()
        # As the sandbox runs --quiet, nginx writes no access log either; every
        # path nginx would write to is in the temporary folder.
        config = f"""
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    server {{
        listen 127.0.0.1:{self.port};
        root {d};
        location = {path} {{
            default_type application/json;
            try_files /body.json =404;
        }}
    }}
}}
"""
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(config)
        self.process = subprocess.Popen(["nginx", "-p", d, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_for_port(self.port, self.process):
            detail = self.process.stderr.read().decode(errors="replace") if self.process.poll() is not None else "no answer"
            self.stop()
            sys.exit(f"bench: nginx did not start on 127.0.0.1:{self.port}: {detail.strip()[-300:]}")
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process is not None:
            sdk_compat().stop_process(self.process)
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def basic_auth():
    return "Basic " + base64.b64encode(f"{AUTH_ID}:{TOKEN}".encode()).decode()


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, method=method, data=data)
    request.add_header("Authorization", basic_auth())
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


# The Python SDK reference --------------------------------------------------------


_sdk_compat = None


def sdk_compat():
    """scripts/sdk-compat.py as a module: its venv helpers, Server and stop_process are reused."""
    global _sdk_compat
    if _sdk_compat is None:
        spec = importlib.util.spec_from_file_location("sdk_compat", os.path.join(ROOT, "scripts", "sdk-compat.py"))
        _sdk_compat = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_sdk_compat)
        _sdk_compat.say = say  # its progress lines go to stderr too
    return _sdk_compat


def sdk_python(venv):
    """The venv's python with plivo installed, made the way scripts/sdk-compat.py
    makes it; None when plivo cannot be installed."""
    try:
        compat = sdk_compat()
        compat.ensure_venv(venv)
        python = compat.venv_python(venv)
        if compat.has_module(python, "plivo") or compat.pip_install(python, "plivo"):
            return python
    except SystemExit as exit:  # sdk-compat's fail(): no venv module, venv creation failed
        say(f"no venv for the SDK reference ({exit})")
    except Exception as error:
        say(f"no venv for the SDK reference: {type(error).__name__}: {error}")
    return None


SDK_FLOWS = '''
import sys
import plivo
import plivo.rest.client

base_url, auth_id, auth_token, otp, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
plivo.rest.client.PLIVO_API_BASE_URI = base_url + "/v1/Account"
sessions = plivo.RestClient(auth_id, auth_token).verify_session
for i in range(count):
    created = sessions.create(recipient="+1212%07d" % i)  # never a test number (555 01xx)
    assert created.message == "Session initiated", created.message
    validated = sessions.validate(session_uuid=created.session_uuid, otp=otp)
    assert validated.message == "session validated successfully.", validated.message
'''


def peak_rss_mb(command, cwd=ROOT):
    """Wall time and peak resident memory (MB) of one run, from wait4's rusage."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(command)} exited {os.waitstatus_to_exitcode(status)}: {stderr[-800:]}")
    return elapsed, usage.ru_maxrss / 1024


def bench_replay(args, rows):
    """1000 example-sized scripts, each with its cassette, replayed in one run."""
    examples = sorted(name[:-4] for name in os.listdir(os.path.join(ROOT, "examples")) if name.endswith(".vsh"))
    runs = 3 if args.quick else 7
    with tempfile.TemporaryDirectory(prefix="vsh-bench-") as tmp:
        files = []
        for i in range(REPLAYED):
            name = examples[i % len(examples)]
            for suffix in (".vsh", ".har"):
                target = os.path.join(tmp, f"{i:04d}-{name}{suffix}")
                shutil.copyfile(os.path.join(ROOT, "examples", name + suffix), target)
                files.append(target)
        command = [args.vsh, "run", "--transport", "replay", "--strict", "--quiet", "--jobs", "2", tmp]
        say(f"replay: {REPLAYED} scripts with their cassettes, --jobs 2, {runs} runs")
        measured = [peak_rss_mb(command) for _ in range(runs + 1)][1:]
        cat_s = median_seconds(["cat", *files], runs)
    seconds = statistics.median(m[0] for m in measured)
    peak = max(m[1] for m in measured)
    rows.append(row(f"{REPLAYED} recorded scripts replayed, `--jobs 2`",
                    f"{seconds*1000:.0f} ms, {peak:.0f} MB peak", f"`cat` of the same files {cat_s*1000:.1f} ms",
                    "< 2 s, < 200 MB", seconds < 2 and peak < 200))


def vsh_flows_script(count):
    lines = []
    for i in range(count):
        lines += [f"session create recipient=+1212{i:07d}", "assert status == 202", "validate $otp", "assert status == 200"]
    return "\n".join(lines) + "\n"


# Benchmarks ------------------------------------------------------------------------


def bench_flows(args, rows):
    runs = 3 if args.quick else 5
    python = sdk_python(os.path.abspath(args.venv))
    with tempfile.TemporaryDirectory(prefix="vsh-bench-") as tmp:
        script = os.path.join(tmp, "flows.vsh")
        with open(script, "w") as f:
            f.write(vsh_flows_script(FLOWS))
        sdk_script = os.path.join(tmp, "sdk_flows.py")
        with open(sdk_script, "w") as f:
            f.write(SDK_FLOWS)
        env = dict(os.environ, PLIVO_AUTH_ID=AUTH_ID, PLIVO_AUTH_TOKEN=TOKEN, VSH_OTP=OTP)
        for name in ("PLIVO_BASE_URL", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(name, None)
        with sandbox_server(args.sandbox) as server:
            vsh = [args.vsh, "run", "--transport", "live", "--base-url", server.url, "--max-sessions", str(FLOWS), script]
            commands = [vsh]
            if python:
                commands.append([python, sdk_script, server.url, AUTH_ID, TOKEN, OTP, str(FLOWS)])
            say(f"flows: {FLOWS} create+validate flows, {runs} runs each, against {server.url}")
            medians = interleaved_medians(commands, runs, env=env)
    vsh_s = medians[0]
    per_flow = vsh_s / FLOWS * 1e6
    figure = f"{FLOWS} create+validate flows, live transport → `vsh-sandbox serve` (whole process)"
    value = f"{vsh_s*1000:.0f} ms ({per_flow:.0f} µs a flow)"
    if python:
        sdk_s = medians[1]
        ratio = sdk_s / vsh_s
        rows.append(row(figure, value, f"Python SDK {sdk_s*1000:.0f} ms ({ratio:.2f}x)", "≥ 3x faster than the Python SDK", ratio >= 3))
    else:
        rows.append(row(figure, value, "reference unavailable (cannot install plivo)", "≥ 3x faster than the Python SDK", None))


WRK_RATE = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.M)


def wrk(url, duration, threads=2, connections=32):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
               "-H", f"Authorization: {basic_auth()}", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} exited {result.returncode}: {result.stderr.strip()[-300:]}")
    match = WRK_RATE.search(result.stdout)
    if not match:
        sys.exit(f"bench: no Requests/sec in wrk's output:\n{result.stdout}")
    problems = [line.strip() for line in result.stdout.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    if problems:
        sys.exit(f"bench: wrk against {url}: {'; '.join(problems)}")
    return float(match.group(1))


def bench_wrk(args, rows):
    get_beside_nginx(args, rows, streams=0)


def get_beside_nginx(args, rows, streams):
    """GET session under wrk, alternated with nginx serving the same body as a static file,
    with `streams` inbox event streams held open meanwhile (none for the plain row)."""
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} not found (scripts/bench installs it with apt)")
    runs = 1 if args.quick else 3
    duration = 5
    with sandbox_server(args.sandbox) as server:
        base = f"/v1/Account/{AUTH_ID}/Verify/Session/"
        status, created = http("POST", server.url + base, {"recipient": "+14155550100"})
        uuid = json.loads(created)["session_uuid"]
        path = f"{base}{uuid}/"
        status, body = http("GET", server.url + path)
        if status != 200:
            sys.exit(f"bench: GET {path} answered {status}")
        with NginxServer(body, path) as nginx, EventStreams(server.url, streams):
            status, same = http("GET", nginx.url + path)
            if same != body:
                sys.exit("bench: nginx does not serve the sandbox's body")
            say(f"wrk: -t2 -c32 -d{duration}s, {runs} runs each (after a 1 s warm-up), {len(body)}-byte body, "
                f"{streams} event streams open")
            sandbox_rates, nginx_rates = [], []
            wrk(server.url + path, 1)
            wrk(nginx.url + path, 1)
            for _ in range(runs):
                sandbox_rates.append(wrk(server.url + path, duration))
                nginx_rates.append(wrk(nginx.url + path, duration))
    sandbox_rate = statistics.median(sandbox_rates)
    nginx_rate = statistics.median(nginx_rates)
    ratio = sandbox_rate / nginx_rate
    connected = f", {streams} inbox event streams connected" if streams else ""
    rows.append(row(f"`vsh-sandbox serve`: GET session under `wrk -t2 -c32 -d{duration}s`{connected}",
                    f"{sandbox_rate:,.0f} req/s",
                    f"nginx, same {len(body)}-byte body as a static file: {nginx_rate:,.0f} req/s ({ratio:.2f}x)",
                    "≥ 0.5x nginx", ratio >= 0.5))


class EventStreams:
    """`count` readers of `GET /__sandbox/events`, as the inbox page's EventSource holds one:
    each a thread that reads the stream and counts the events it gets. Closed on exit."""

    def __init__(self, url, count=3):
        import threading
        host, port = url.split("//", 1)[1].rsplit(":", 1)
        self.sockets, self.counts, self.threads = [], [0] * count, []
        for index in range(count):
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(b"GET /__sandbox/events HTTP/1.1\r\nHost: " + host.encode() +
                         b"\r\nAccept: text/event-stream\r\n\r\n")
            head = b""
            while b"retry: 1000" not in head:
                chunk = sock.recv(4096)
                if not chunk:
                    sys.exit("bench: an event stream closed before it started")
                head += chunk
            if not head.startswith(b"HTTP/1.1 200"):
                sys.exit(f"bench: the event stream answered {head[:60]!r}")
            sock.settimeout(None)
            self.sockets.append(sock)
            thread = threading.Thread(target=self._read, args=(index, sock), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _read(self, index, sock):
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                self.counts[index] += chunk.count(b"\nevent: ")
        except OSError:
            return

    @property
    def events(self):
        return sum(self.counts)

    def close(self):
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        for thread in self.threads:
            thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def bench_inbox(args, rows):
    """The API's GET beside nginx with three inbox streams connected (what three people
    watching the page hold open); then creates, each an event every stream reads, with the
    three streams against none, in the same run."""
    get_beside_nginx(args, rows, streams=3)
    runs = 1 if args.quick else 3
    duration = 5
    base = f"/v1/Account/{AUTH_ID}/Verify/Session/"
    say(f"inbox: creates under wrk -t2 -c32 -d{duration}s, with 3 event streams and without, alternated")
    bare, watched, delivered = [], [], 0
    # A fresh server for each run: wrk's recipients repeat from run to run (its seed is
    # the second it starts in), and a repeated one is a resend, then a 429.
    for _ in range(runs):
        with sandbox_server(args.sandbox) as server:
            bare.append(wrk_script(server.url + base, duration, WRK_CREATE.replace("%s", "")))
        with sandbox_server(args.sandbox) as server, EventStreams(server.url) as streams:
            watched.append(wrk_script(server.url + base, duration, WRK_CREATE.replace("%s", "")))
            time.sleep(0.5)
            delivered += streams.events
    bare_rate, watched_rate = statistics.median(bare), statistics.median(watched)
    ratio = watched_rate / bare_rate
    rows.append(row(f"`vsh-sandbox serve`: create under `wrk -t2 -c32 -d{duration}s`, 3 inbox event streams following",
                    f"{watched_rate:,.0f} req/s ({delivered:,} events read by the streams)",
                    f"no stream open: {bare_rate:,.0f} req/s ({ratio:.2f}x)", "", None))


class CallbackReceiver:
    """A loopback webhook receiver that answers 200 to every callback and counts them."""

    def __init__(self):
        import http.server
        import threading
        receiver = self
        self.count = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.count += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


WRK_CREATE = """
-- A create for a new recipient each time (a repeated one would be a resend, and the
-- sixth a 429): +1212 and seven digits, never a test number.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  math.randomseed(os.time() * 16 + id)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local recipient = string.format("+1212%07d", math.random(0, 9999999))
  return wrk.format(nil, nil, nil, '{"recipient": "' .. recipient .. '"%s}')
end
"""


def wrk_script(url, duration, script):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        path = f.name
    try:
        command = ["wrk", "-t2", "-c32", f"-d{duration}s", "--timeout", "5s", "-H", f"Authorization: {basic_auth()}",
                   "-s", path, url]
        result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
        match = WRK_RATE.search(result.stdout)
        if result.returncode != 0 or not match:
            sys.exit(f"bench: {' '.join(command)}: {result.stderr.strip()[-300:] or result.stdout[-300:]}")
        problems = [line.strip() for line in result.stdout.splitlines() if "Non-2xx" in line or "Socket errors" in line]
        if problems:
            sys.exit(f"bench: wrk against {url}: {'; '.join(problems)}")
        return float(match.group(1))
    finally:
        os.unlink(path)


def bench_callbacks(args, rows):
    """A create with `url` against one without, in the same run: delivery is off the request
    path, so the two should answer alike. Then GET under wrk with callbacks armed."""
    runs = 1 if args.quick else 3
    duration = 5
    receiver = CallbackReceiver()
    try:
        with sandbox_server(args.sandbox) as server:
            base = server.url + f"/v1/Account/{AUTH_ID}/Verify/Session/"
            # Answering as fast: one create at a time, with and without `url`, interleaved; first,
            # before wrk leaves thousands of callbacks to deliver.
            times = {False: [], True: []}
            for i in range(100 if args.quick else 400):
                hooked_create = i % 2 == 1
                body = {"recipient": "+1214%07d" % i}
                if hooked_create:
                    body["url"] = receiver.url
                start = time.perf_counter()
                http("POST", base, body)
                times[hooked_create].append(time.perf_counter() - start)
            plain_ms, hooked_ms = statistics.median(times[False]) * 1000, statistics.median(times[True]) * 1000
            rows.append(row("`vsh-sandbox serve`: one create with `url`, answered (median)",
                            f"{hooked_ms:.2f} ms", f"one create without `url`, same run: {plain_ms:.2f} ms ({hooked_ms / plain_ms:.2f}x)",
                            "≤ 1.25x without", hooked_ms <= plain_ms * 1.25))
            without = WRK_CREATE.replace("%s", "")
            with_url = WRK_CREATE.replace("%s", ', "url": "' + receiver.url + '"')
            wrk_script(base, 1, without)
            wrk_script(base, 1, with_url)
            plain, hooked = [], []
            for _ in range(runs):
                plain.append(wrk_script(base, duration, without))
                hooked.append(wrk_script(base, duration, with_url))
            plain_rate, hooked_rate = statistics.median(plain), statistics.median(hooked)
            ratio = hooked_rate / plain_rate
            rows.append(row(f"`vsh-sandbox serve`: create with `url` (callbacks sent to a loopback receiver) under `wrk -t2 -c32 -d{duration}s`",
                            f"{hooked_rate:,.0f} req/s ({receiver.count:,} callbacks received)",
                            f"create without `url`, same run: {plain_rate:,.0f} req/s ({ratio:.2f}x)",
                            "throughput: the callbacks' own work shares the cores", None))
            # The waiting outbox: from a create's answer to the waiting request's.
            import threading
            latencies = []
            for i in range(5 if args.quick else 20):
                recipient = "+1213%07d" % i
                answer = {}

                def waiting():
                    answer["status"], answer["body"] = http(
                        "GET", server.url + "/__sandbox/outbox?recipient=" + urllib.parse.quote(recipient) + "&wait=5s")
                    answer["at"] = time.perf_counter()

                thread = threading.Thread(target=waiting)
                thread.start()
                time.sleep(0.1)
                http("POST", base, {"recipient": recipient})
                created = time.perf_counter()
                thread.join(10)
                if b'"code"' not in answer.get("body", b""):
                    sys.exit(f"bench: the waiting outbox answered {answer.get('status')} without the message")
                latencies.append(answer["at"] - created)
            latency = statistics.median(latencies)
            rows.append(row("`vsh-sandbox serve`: outbox `?wait=5s`, from the create's answer to the waiting answer",
                            f"{latency*1000:.1f} ms (median of {len(latencies)})", "", "< 50 ms", latency < 0.05))
    finally:
        receiver.close()


def bench_load(args, rows):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "load.json")
        result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "load.py"), "--sandbox", args.sandbox,
                                 "--json", out], capture_output=True, text=True)
        say(result.stdout.strip() or result.stderr.strip())
        if not os.path.exists(out):
            sys.exit(f"bench: scripts/load.py failed: {result.stderr.strip()}")
        with open(out) as f:
            figures = json.load(f)
    peak = figures["peak_rss_kib"] / 1024 if figures["peak_rss_kib"] else float("nan")
    rows.append(row(f"`vsh-sandbox serve`: {figures['requests']:,} checked requests over {figures['connections']} connections (scripts/load)",
                    f"{figures['errors']} errors, {figures['requests_per_second']:,} req/s, peak RSS {peak:.1f} MiB",
                    f"RSS after start-up {figures['rss_start_kib'] / 1024:.1f} MiB; {figures['sessions']:,} sessions kept",
                    "0 errors, peak RSS < 64 MiB", figures["errors"] == 0 and result.returncode == 0 and peak < 64))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vsh", required=True, help="the vsh binary (release)")
    parser.add_argument("--sandbox", help="the vsh-sandbox binary (release); needed by flows and wrk")
    parser.add_argument("--parser-benchmark", help="the parser-benchmark binary (release); needed by parser")
    parser.add_argument("--venv", default=os.path.join(ROOT, ".build", "sdk-venv"), help="the venv for Plivo's Python SDK")
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--only", action="append", metavar="NAME[,NAME]",
                        help=f"run only these benchmarks: {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    only = set(BENCHMARKS)
    if args.only:
        only = {name.strip() for value in args.only for name in value.split(",") if name.strip()}
        unknown = only - set(BENCHMARKS)
        if unknown:
            parser.error(f"unknown benchmark {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}")
    if "parser" in only and not args.parser_benchmark:
        parser.error("parser needs --parser-benchmark PATH")
    if only & {"flows", "wrk", "inbox", "callbacks", "load"} and not args.sandbox:
        parser.error("flows, wrk, inbox, callbacks and load need --sandbox PATH (the vsh-sandbox binary)")
    runs = 15 if args.quick else 51
    vsh = args.vsh

    rows = []
    if only & {"startup", "quickstart"}:
        true_s = median_seconds(["/bin/true"], runs)
        version_s = median_seconds([vsh, "--version"], runs)
        # What a Python user pays before the first request: importing Plivo's SDK.
        python = sdk_python(os.path.abspath(args.venv))
        import_s = median_seconds([python, "-c", "import plivo"], max(5, runs // 5)) if python else None
        import_text = f", `python3 -c \"import plivo\"` {import_s*1000:.0f} ms" if import_s else ", `import plivo` unavailable"
    if "startup" in only:
        ratio = f" ({import_s/version_s:.0f}x faster than the import)" if import_s else ""
        rows.append(row("`vsh --version` startup", f"{version_s*1000:.1f} ms{ratio}",
                        f"`/bin/true` {true_s*1000:.1f} ms{import_text}",
                        "< 15 ms, ≥ 10x faster than the import",
                        version_s < 0.015 and (import_s is None or import_s / version_s >= 10)))

    if "quickstart" in only:
        quick_s = median_seconds([vsh, "run", "examples/01-quickstart.vsh"], runs)
        rows.append(row("quickstart example, embedded sandbox", f"{quick_s*1000:.1f} ms",
                        f"`/bin/true` {true_s*1000:.1f} ms{import_text}",
                        "< 20 ms", quick_s < 0.020))

    if "examples" in only:
        all_s = median_seconds([vsh, "run", "examples/"], max(5, runs // 3))
        rows.append(row("all examples, embedded sandbox", f"{all_s*1000:.1f} ms", "", "", None))

    if "parser" in only:
        lines = 200_000
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "big.vsh")
            text = generated_script(lines)
            lines = text.count("\n")
            with open(path, "w") as f:
                f.write(text)
            parse_runs = max(5, runs // 5)
            check_s = median_seconds([vsh, "check", path], parse_runs)
            wc_s = median_seconds(["wc", "-l", path], parse_runs)
            rate = lines / check_s
            # The parser itself, in-process (Parser.parse, then Checker.check): no process
            # start-up, file reading or freeing of the AST at exit.
            measured = json.loads(subprocess.run([args.parser_benchmark, path, "9"], check=True, capture_output=True, text=True).stdout)
            parse_rate = measured["parse_lines_per_second"]
            rows.append(row(f"parser, in-process: `Parser.parse` of the {lines//1000}k-line script (`Checker.check` too)",
                            f"{parse_rate/1e6:.2f} M lines/s ({measured['parse_and_check_lines_per_second']/1e6:.2f} M with the checker)",
                            "", ">= 1 M lines/s", parse_rate >= 1e6))
            rows.append(row(f"parser, whole process: `vsh check` of the {lines//1000}k-line script", f"{rate/1e6:.2f} M lines/s ({check_s*1000:.0f} ms)",
                            f"`wc -l` {wc_s*1000:.1f} ms ({check_s/wc_s:.0f}x)", "", None))

    if "loop" in only:
        iterations = 100_000
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "loop.vsh")
            with open(path, "w") as f:
                f.write(loop_script(iterations))
            small = os.path.join(tmp, "small.vsh")
            with open(small, "w") as f:
                f.write(loop_script(10))
            loop_s, small_s = interleaved_medians([[vsh, "run", path], [vsh, "run", small]], max(3, runs // 5))
            statements = 2 * iterations + 1
            rate = statements / loop_s
            rows.append(row(f"a loop of {iterations//1000}k `validate` + `assert` on the embedded sandbox, whole process",
                            f"{rate/1e3:.0f} k statements/s ({loop_s*1000:.0f} ms)",
                            f"the same script with 10 iterations {small_s*1000:.1f} ms ({loop_s/small_s:.0f}x)",
                            ">= 100 k statements/s", rate >= 100_000))

    if "replay" in only:
        bench_replay(args, rows)

    if "flows" in only:
        bench_flows(args, rows)

    if "wrk" in only:
        bench_wrk(args, rows)
    if "inbox" in only:
        bench_inbox(args, rows)

    if "callbacks" in only:
        bench_callbacks(args, rows)

    if "load" in only:
        bench_load(args, rows)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"runs per figure: {runs} (median, after one warm-up run); flows: {3 if args.quick else 5}; wrk: {1 if args.quick else 3}")
    print()
    print("| figure | vsh | reference (same run) | goal | met |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(r)


if __name__ == "__main__":
    main()
