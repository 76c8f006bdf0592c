#!/usr/bin/env python3
"""Drives a program through a pseudo-terminal, as a person at a keyboard would.

Usage: pty_drive.py STEPS_JSON -- PROGRAM [ARGS...]
STEPS_JSON is a list of steps; each step is {"send": TEXT} (keystrokes: "\t" is Tab,
"\x03" Ctrl-C, "\x04" Ctrl-D, "\x1b[A" Up) optionally with "wait": TEXT (wait until
the transcript holds TEXT after the keystrokes, 10 s at most) or "pause": SECONDS; or
{"kill": SIGNAL} (a number: sends that signal to the program, as `kill -9` would).
Prints one JSON object: {"transcript": …, "status": exit code or null, "timed_out": …};
a program ended by a signal has the signal's number negated as its status (-9).
The environment is passed on; TERM is set to xterm and the window to 100x40.
"""
import fcntl
import json
import os
import pty
import select
import struct
import sys
import termios
import time


def main():
    split = sys.argv.index("--")
    steps = json.loads(sys.argv[1])
    argv = sys.argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    transcript = bytearray()

    def read_for(seconds, until=None):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if until is not None and until.encode() in transcript:
                return True
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return until is None
                if not chunk:
                    return until is None
                transcript.extend(chunk)
        return until is None or until.encode() in transcript

    timed_out = False
    read_for(10, until="> ")
    for step in steps:
        if "kill" in step:
            os.kill(pid, int(step["kill"]))
        if "send" in step:
            os.write(fd, step["send"].encode())
        if "wait" in step:
            if not read_for(10, until=step["wait"]):
                timed_out = True
                break
        read_for(float(step.get("pause", 0.3)))
    status = None
    deadline = time.time() + 10
    while time.time() < deadline:
        read_for(0.1)
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
            break
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    print(json.dumps({"transcript": transcript.decode(errors="replace"), "status": status, "timed_out": timed_out}))


if __name__ == "__main__":
    main()
