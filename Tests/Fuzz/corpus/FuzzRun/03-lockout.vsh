#!/usr/bin/env vsh
# Brute-force guard: after 10 wrong codes, even the right code is refused.

session create recipient=+14155550111
assert status == 202

# Ten wrong codes, each refused. (The sandbox never issues 000000.)
repeat 10 {
    validate 000000
    assert status == 400
}
assert body.error == "incorrect otp"

# The eleventh attempt: the right code, too late.
validate $otp
assert status == 400
assert body.error == "maximum validation attempts exceeded"

session get
assert body.status != "verified"
