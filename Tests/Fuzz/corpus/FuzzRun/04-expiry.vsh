#!/usr/bin/env vsh
# A code lives 10 minutes. The customer comes back after 11; time is virtual
# on the sandbox, so this runs instantly.

session create recipient=+919876543210 channel=sms
assert status == 202

sleep 9m
session get
assert body.status == "in-progress"

sleep 2m
session get
assert body.status == "expired"

validate $otp
assert status == 400
assert body.error == "session expired"

# A fresh session fixes it.
session create recipient=+919876543210
assert status == 202
validate $otp
assert status == 200
