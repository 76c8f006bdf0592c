#!/usr/bin/env vsh
# A customer fumbles the code twice before getting it right.
# Wrong attempts are refused but do not end the session.

session create recipient=+447700900123 brand_name="Acme"
assert status == 202
let signup = $session

validate 000000
assert status == 400
assert body.error == "incorrect otp"

validate 0000000
assert status == 400
assert body.error == "incorrect otp"

session get
assert body.status == "in-progress"
assert body.destination_country_iso2 == "GB"

validate $otp
assert status == 200
assert body.session_uuid == $signup

# Once verified, the session stays verified: a second try is refused.
validate $otp
assert status == 400
assert body.error == "session already verified"
