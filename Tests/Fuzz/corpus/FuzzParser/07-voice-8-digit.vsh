#!/usr/bin/env vsh
# A voice call reads out a longer code.

session create recipient=+14155550199 channel=voice code_length=8 locale=en_US
assert status == 202

assert $otp matches /^[0-9]{8}$/

session get
assert body.channel == "voice"
assert body.locale == "en_US"
assert body.attempt_details[0].channel == "voice"

validate $otp
assert status == 200

session get
assert body.status == "verified"
print "voice code $otp accepted"
