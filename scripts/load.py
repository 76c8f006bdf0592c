#!/usr/bin/env python3
"""A load run against `vsh-sandbox serve`: REQUESTS requests over CONNECTIONS keep-alive
connections, every answer checked, and the server's peak memory read from /proc.

Run by scripts/load (which builds the release binary). Starts
`vsh-sandbox serve --host 127.0.0.1 --port 0 --otp 123456 --quiet` with a random token.
Each connection repeats one session's whole life: create (202), retrieve (200), list
(200), validate with the right code (200), until the run's count is reached; so the mix
is a quarter of each. An answer counts as an error when the connection fails, the status
is not the expected one, the body is not JSON or lacks its key field, or its
Content-Length is wrong. Prints one line of figures (and --json writes them); exit 1 on
any error, a dead server, or a run over --timeout seconds.

Peak memory is the kernel's high-water mark of the server's resident set (VmHWM in
/proc/PID/status), read after the run, next to its size after start-up.

Options: --sandbox PATH (required), --requests N (20000), --connections N (64),
--timeout SECONDS (300), --json FILE.
"""

import argparse
import asyncio
import base64
import json
import os
import secrets
import subprocess
import sys
import time

ACCOUNT = "MA2025RK4E639VJFZAGV"
SESSIONS = f"/v1/Account/{ACCOUNT}/Verify/Session/"


def memory(pid):
    """(VmRSS, VmHWM) of a process in KiB, from /proc/PID/status."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


class Run:
    def __init__(self, host, port, token, total):
        self.host = host
        self.port = port
        self.auth = "Basic " + base64.b64encode(f"{ACCOUNT}:{token}".encode()).decode()
        self.left = total
        self.done = 0
        self.errors = []
        self.statuses = {}
        self.latencies = []

    def take(self):
        """One more request to send, if the run's count is not reached."""
        if self.left <= 0:
            return False
        self.left -= 1
        return True

    def error(self, what):
        if len(self.errors) < 20:
            self.errors.append(what)
        else:
            self.errors.append(None)

    async def request(self, reader, writer, method, target, body=None):
        lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: {self.auth}"]
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        started = time.perf_counter()
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ")[1])
        headers = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "-1"))
        if length < 0:
            raise ValueError(f"{method} {target}: no Content-Length")
        data = await reader.readexactly(length)
        self.latencies.append(time.perf_counter() - started)
        self.done += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return status, json.loads(data), headers

    async def expect(self, reader, writer, what, expected_status, key, method, target, body=None):
        status, answer, headers = await self.request(reader, writer, method, target, body)
        if status != expected_status or not isinstance(answer, dict) or key not in answer:
            self.error(f"{what}: {status} {json.dumps(answer)[:200]}")
            return None
        if headers.get("connection") == "close":
            self.error(f"{what}: Connection: close on a keep-alive connection")
        return answer

    async def connection(self, index):
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        except OSError as failure:
            self.error(f"connection {index}: {failure}")
            return
        try:
            number = 0
            while self.take():
                recipient = f"+1415{index:03d}{number % 10000:04d}"
                number += 1
                created = await self.expect(reader, writer, "create", 202, "session_uuid", "POST", SESSIONS,
                                            {"recipient": recipient, "brand_name": "load"})
                if created is None or not self.take():
                    continue
                uuid = created["session_uuid"]
                await self.expect(reader, writer, "retrieve", 200, "status", "GET", f"{SESSIONS}{uuid}/")
                if not self.take():
                    break
                await self.expect(reader, writer, "list", 200, "sessions", "GET", f"{SESSIONS}?limit=5&status=in-progress")
                if not self.take():
                    break
                await self.expect(reader, writer, "validate", 200, "message", "POST", f"{SESSIONS}{uuid}/", {"otp": "123456"})
        except (OSError, asyncio.IncompleteReadError, ValueError, json.JSONDecodeError) as failure:
            self.error(f"connection {index}: {type(failure).__name__}: {failure}")
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass


async def drive(run, connections, timeout):
    await asyncio.wait_for(asyncio.gather(*(run.connection(index) for index in range(connections))), timeout)


def main():
    parser = argparse.ArgumentParser(description="A load run against vsh-sandbox serve.")
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json")
    args = parser.parse_args()

    token = "load-" + secrets.token_hex(8)
    server = subprocess.Popen(
        # The load lists on one account far more than Plivo's 20 a minute: limits off.
        [args.sandbox, "serve", "--host", "127.0.0.1", "--port", "0", "--token", token, "--otp", "123456", "--quiet",
         "--rate-limits", "off"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if "listening on " not in line:
            print(f"load: FAILED: the server did not start: {server.stderr.read()[-500:]}", file=sys.stderr)
            return 1
        url = line.split("listening on ", 1)[1].split()[0]
        host, port = url.removeprefix("http://").rsplit(":", 1)
        rss_start, _ = memory(server.pid)
        run = Run(host, int(port), token, args.requests)
        started = time.perf_counter()
        try:
            asyncio.run(drive(run, args.connections, args.timeout))
        except asyncio.TimeoutError:
            run.error(f"the run did not finish within {args.timeout:.0f} s")
        elapsed = time.perf_counter() - started
        if server.poll() is not None:
            run.error(f"the server died (exit status {server.returncode})")
            peak = None
        else:
            rss_end, peak = memory(server.pid)
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    latencies = sorted(run.latencies)
    def percentile(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0
    figures = {
        "requests": run.done, "connections": args.connections, "errors": len(run.errors),
        "statuses": {str(k): v for k, v in sorted(run.statuses.items())},
        "seconds": round(elapsed, 2), "requests_per_second": round(run.done / elapsed) if elapsed else 0,
        "latency_ms_p50": round(percentile(0.50), 2), "latency_ms_p99": round(percentile(0.99), 2),
        "latency_ms_max": round(latencies[-1] * 1000, 2) if latencies else 0,
        "rss_start_kib": rss_start, "peak_rss_kib": peak, "sessions": run.statuses.get(202, 0),
    }
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=2)
    peak_text = f"{peak / 1024:.1f} MiB" if peak else "?"
    print(f"load: {run.done} requests over {args.connections} connections in {elapsed:.2f} s "
          f"({figures['requests_per_second']}/s; p50 {figures['latency_ms_p50']} ms, p99 {figures['latency_ms_p99']} ms), "
          f"statuses {figures['statuses']}, {len(run.errors)} errors; "
          f"server RSS {rss_start / 1024:.1f} MiB after start, peak {peak_text} (VmHWM)")
    shown = [error for error in run.errors if error]
    for error in shown[:10]:
        print(f"load: error: {error}", file=sys.stderr)
    if run.errors or run.done != args.requests:
        print(f"load: FAILED: {len(run.errors)} errors, {run.done} of {args.requests} requests answered", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
