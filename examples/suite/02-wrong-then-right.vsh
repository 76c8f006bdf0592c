#!/usr/bin/env vsh
# The shared signup for a UK number; a wrong code first, then the right one.

include "flows/signup.vsh" recipient=+442071838750

validate 000000
assert status == 400
assert body.error == "incorrect otp"

session get
assert body.status == "in-progress"
assert body.destination_country_iso2 == "GB"

validate $otp
assert status == 200
assert body.session_uuid == $signup_session
