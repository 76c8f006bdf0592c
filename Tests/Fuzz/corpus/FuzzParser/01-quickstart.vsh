#!/usr/bin/env vsh
# Quickstart: the whole OTP flow on the embedded sandbox.
# A customer signs up with their phone number; we send a code, they mistype
# it once, then enter the right one, and the session shows as verified.

session create recipient=+14155550100 channel=sms brand_name="Acme"
assert status == 202
assert body.message == "Session initiated"
assert body.session_uuid is uuid

# A wrong code is refused. (The sandbox never issues 000000, so this is always wrong.)
validate 000000
assert status == 400
assert body.error == "incorrect otp"

# The code the customer received: on the sandbox, read from its outbox.
validate $otp
assert status == 200
assert body.message == "session validated successfully."
assert body.session_uuid == $session

session get
assert body.status == "verified"
assert body.recipient == "14155550100"
assert body.channel == "sms"
assert body.created_at is date

session list status=verified limit=5
assert status == 200
assert body.sessions[0].session_uuid == $session
assert body.sessions[0].status == "verified"
print "verified $session"
