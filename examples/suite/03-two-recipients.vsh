#!/usr/bin/env vsh
# The shared signup for each of two customers, each verified in turn.

for phone in ["+14155550131", "+61412345670"] {
    include "flows/signup.vsh" recipient=$phone
    validate $otp
    assert status == 200
    assert body.session_uuid == $signup_session
}
# Variables are not scoped to blocks: after the loop, the last customer's.
assert $phone == "+61412345670"

# A `for` also walks a list from an answer: the verified sessions of that customer.
session list status=verified recipient=$phone
assert body.sessions[0].session_uuid == $signup_session
for found in body.sessions {
    assert $found.recipient == "61412345670"
    assert $found.status == "verified"
}
