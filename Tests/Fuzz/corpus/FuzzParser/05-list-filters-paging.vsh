#!/usr/bin/env vsh
# Listing sessions: filters, a page size, and walking the pages.

session create recipient=+14155550121
assert status == 202
validate $otp
assert status == 200

session create recipient=+14155550122
assert status == 202
validate $otp
assert status == 200

session create recipient=+14155550123
assert status == 202
let pending = $session

# Only the verified ones, one per page, newest first.
session list status=verified limit=1
assert status == 200
assert body.meta.limit == 1
assert body.meta.offset == 0
assert body.meta.previous == null
assert body.meta.next contains "offset=1"
assert body.sessions[0].recipient == "14155550122"

session list status=verified limit=1 offset=1
assert body.sessions[0].recipient == "14155550121"
assert body.meta.previous contains "offset=0"

# Filter by recipient, with or without the leading +.
session list recipient=+14155550123
assert body.sessions[0].session_uuid == $pending
assert body.sessions[0].status == "in-progress"

session list status=in-progress
assert body.sessions[0].session_uuid == $pending
assert body.sessions[1] not exists

# Out-of-range paging is a client error.
session list limit=21
assert status == 400
assert body.error == "limit must be an integer from 1 to 20"
