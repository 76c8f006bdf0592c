#!/usr/bin/env vsh
# `session use` switches to a session made elsewhere: here, one created
# earlier in the script; in practice, one your app created.

session create recipient=+61412345678 brand_name="Acme"
assert status == 202
let first = $session

session create recipient=+61412345679 brand_name="Acme"
assert status == 202
assert $session != $first

# Back to the first session: $otp follows the current session.
session use $first
validate $otp
assert status == 200
assert body.session_uuid == $first

session get $first
assert body.status == "verified"
assert body.destination_country_iso2 == "AU"

# The second one is untouched.
session list status=in-progress
assert body.sessions[0].recipient == "61412345679"
