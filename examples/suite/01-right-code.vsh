#!/usr/bin/env vsh
# The shared signup, then the customer types the code they received.

include "flows/signup.vsh" recipient=+14155550130

validate $otp
assert status == 200
assert body.session_uuid == $signup_session

session get
assert body.status == "verified"
assert body.recipient == "14155550130"

# Only on live (not on the sandbox, nor when recording or replaying): a note for whoever watches.
if $transport == "live" {
    print "live run: verified $session"
}
