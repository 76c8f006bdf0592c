#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into Tests/Fuzz/corpus/<target>/.

Run from anywhere: python3 Tests/Fuzz/make-seeds.py. The output is committed; run it
again after changing the examples or the input format of FuzzSandbox (see its main.swift).
"""
import glob
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")

def write(target, name, data):
    path = os.path.join(CORPUS, target, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

for target in ["FuzzParser", "FuzzRun", "FuzzHAR", "FuzzJSON", "FuzzSandbox"]:
    shutil.rmtree(os.path.join(CORPUS, target), ignore_errors=True)
    os.makedirs(os.path.join(CORPUS, target))

# FuzzParser: the examples, and one line of each command and expression form.
for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.vsh"))):
    shutil.copy(path, os.path.join(CORPUS, "FuzzParser", os.path.basename(path)))
lines = [
    'auth MA2025RK4E639VJFZAGV $PLIVO_AUTH_TOKEN',
    'auth',
    'session create recipient=+14155550100 channel=sms brand_name="Acme" code_length=6 dtmf=1 url=https://example.com/cb method=POST locale=en',
    'session create recipient=$phone channel=voice code_length=8 \\\n  brand_name="Acme ${phone}"',
    'session get 8e712097-8090-4644-81e7-8f4265d8354e',
    'session list status=verified limit=20 offset=40 subaccount=SA2025RK4E639VJFZAGV session_time__gte="2026-01-01 00:00:00"',
    'session list offset=9223372036854775800',
    'session use $session',
    'validate $otp',
    'validate "000000"',
    'let x = body.sessions[0].session_uuid',
    'let n = 9007199254740993',
    'let big = 1e400',
    'assert status == 202 and body.message != null',
    'assert not (status >= 400 or status < 200)',
    'assert body.error matches /^incorrect (otp|code)$/',
    'assert body.message matches /^(\\w+\\s?)+$/',
    'assert header Content-Type == "application/json"',
    'print "status: $status" ${x}',
    'sleep 11m',
    'sleep 999999999d',
    'sleep 1.5s',
    '# a comment\n\n\r\nprint 1 # trailing',
]
for i, line in enumerate(lines):
    write("FuzzParser", f"line-{i:02d}.vsh", line + "\n")

# FuzzRun: the same scripts, less the lines known to crash or hang a run (issue 10), which
# the fuzzer is to find by itself (their inputs are under Tests/Fuzz/regressions/FuzzRun).
known = ["999999999d", "9223372036854775800", "(\\w+\\s?)+"]
for name in os.listdir(os.path.join(CORPUS, "FuzzParser")):
    with open(os.path.join(CORPUS, "FuzzParser", name)) as f:
        text = f.read()
    if not any(k in text for k in known):
        write("FuzzRun", name, text)

# FuzzHAR: the example cassettes, and each trimmed to its first entry.
for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.har"))):
    name = os.path.basename(path)
    shutil.copy(path, os.path.join(CORPUS, "FuzzHAR", name))
    with open(path) as f:
        har = json.load(f)
    har["log"]["entries"] = har["log"]["entries"][:1]
    write("FuzzHAR", name.replace(".har", "-first.har"), json.dumps(har, separators=(",", ":")))
write("FuzzHAR", "empty-log.har", '{"log":{"version":"1.2","creator":{"name":"vsh","version":"0.1.0"},"entries":[]}}')
write("FuzzHAR", "vsh-fields.har", '{"log":{"version":"1.2","_vsh":{"script":"a.vsh","base_url":"https://p.example/plivo"},"entries":[]}}')

# FuzzJSON: every request and response body of the examples, and a few edge cases.
seen = set()
for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.har"))):
    with open(path) as f:
        har = json.load(f)
    for entry in har["log"]["entries"]:
        for text in [entry["request"].get("postData", {}).get("text"), entry["response"]["content"].get("text")]:
            if text and text not in seen:
                seen.add(text)
                write("FuzzJSON", f"body-{len(seen):03d}.json", text)
edge = [
    '{}', '[]', 'null', 'true', '-0', '0.1', '1e308', '-1.5E-7', '9007199254740993', '123456789012345678901234567890',
    '"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/"', '[[[[[[[[[[]]]]]]]]]]', '\ufeff{"bom":true}',
    '{"k":"v","n":[1,2.5,-3e2,null,false]}',
]
for i, text in enumerate(edge):
    write("FuzzJSON", f"edge-{i:02d}.json", text)

# FuzzSandbox: conversations in the format of FuzzSandbox/main.swift.
#   setup byte, then per request: method, auth, content-type, path bytes, target suffix\,
#   header count, (name\ value\)*, body\
GET, POST = 0, 1
AUTH = 4  # the valid Basic header
JSON = 1  # application/json
SESSIONS, SESSION, CLOCK, OUTBOX, OUTBOX_UUID = 0, 1, 4, 5, 7

def esc(text):
    return text.replace("\\", "\\\\").encode() + b"\\"

def request(method, path, suffix="", body="", auth=AUTH, ctype=JSON, headers=()):
    out = bytes([method, auth, ctype, path]) + esc(suffix) + bytes([len(headers)])
    for name, value in headers:
        out += esc(name) + esc(value)
    return out + esc(body)

create = request(POST, SESSIONS, body='{"recipient":"+14155550100","channel":"sms","brand_name":"Acme"}')
conversations = {
    "create-validate": [create, request(POST, SESSION, body='{"otp":"{otp}"}'), request(GET, SESSION)],
    "create-wrong-code": [create, request(POST, SESSION, body='{"otp":"000000"}'), request(POST, SESSION, body='{"otp":"{otp}"}')],
    "create-voice": [request(POST, SESSIONS, body='{"recipient":"+447700900123","channel":"voice","code_length":8,"dtmf":1,"url":"https://example.com/cb","method":"GET","locale":"en"}')],
    "list-filters": [create, request(GET, SESSIONS, suffix="?status=in-progress&limit=20&offset=0&session_time__gte=2026-01-01+00%3A00%3A00")],

    "clock": [create, request(POST, CLOCK, body='{"advance":"11m"}'), request(GET, SESSION)],

    "outbox": [create, request(GET, OUTBOX_UUID), request(GET, OUTBOX, suffix="?recipient=%2B14155550100")],
    "unauthenticated": [request(POST, SESSIONS, auth=0, body='{"recipient":"+14155550100"}')],
    "not-json": [request(POST, SESSIONS, ctype=3, body="recipient=+14155550100")],
    "headers": [request(GET, SESSIONS, headers=[("X-Request-Id", "1"), ("Accept", "application/json")])],
}
for name, parts in conversations.items():
    write("FuzzSandbox", name + ".bin", bytes([0]) + b"".join(parts))
