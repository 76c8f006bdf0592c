#!/usr/bin/env python3
"""vsh's benchmark suite: whole-process timings beside a reference measured in
the same invocation, so the ratios hold whatever the machine is doing.

Run through scripts/bench, which builds the release binary first."""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median_seconds(command, runs, stdin=None, cwd=ROOT):
    """Median wall time of `runs` runs of `command` (after one warm-up run)."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"bench: {' '.join(command)} exited {result.returncode}: {result.stderr.decode()[:500]}")
        if i > 0:
            times.append(elapsed)
    return statistics.median(times)


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
    ]
    out = []
    while len(out) < lines:
        out.extend(body)
    return "\n".join(out[:lines]) + "\n"


def row(figure, value, reference, goal, ok):
    return f"| {figure} | {value} | {reference} | {goal} | {'yes' if ok else 'NO'} |"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vsh", required=True)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    runs = 15 if args.quick else 51
    vsh = args.vsh

    rows = []
    true_s = median_seconds(["/bin/true"], runs)

    version_s = median_seconds([vsh, "--version"], runs)
    rows.append(row("`vsh --version` startup", f"{version_s*1000:.1f} ms",
                    f"`/bin/true` {true_s*1000:.1f} ms ({version_s/true_s:.1f}x)",
                    "< 15 ms", version_s < 0.015))

    quick_s = median_seconds([vsh, "run", "examples/01-quickstart.vsh"], runs)
    rows.append(row("quickstart example, embedded sandbox", f"{quick_s*1000:.1f} ms",
                    f"`vsh --version` {version_s*1000:.1f} ms",
                    "< 15 ms (issue 2), < 20 ms (issue 6)", quick_s < 0.015))

    all_s = median_seconds([vsh, "run", "examples/"], max(5, runs // 3))
    rows.append(row("all examples, embedded sandbox", f"{all_s*1000:.1f} ms", "", "", True))

    lines = 200_000
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big.vsh")
        with open(path, "w") as f:
            f.write(generated_script(lines))
        parse_runs = max(5, runs // 5)
        check_s = median_seconds([vsh, "check", path], parse_runs)
        wc_s = median_seconds(["wc", "-l", path], parse_runs)
        rate = lines / check_s
        rows.append(row(f"parser: `vsh check` of a {lines//1000}k-line script", f"{rate/1e6:.2f} M lines/s ({check_s*1000:.0f} ms)",
                        f"`wc -l` {wc_s*1000:.1f} ms ({check_s/wc_s:.0f}x)", ">= 1 M lines/s", rate >= 1e6))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"runs per figure: {runs} (median, after one warm-up run)")
    print()
    print("| figure | vsh | reference (same run) | goal | met |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(r)


if __name__ == "__main__":
    main()
