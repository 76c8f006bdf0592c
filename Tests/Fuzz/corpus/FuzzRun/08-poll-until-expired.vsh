#!/usr/bin/env vsh
# Waiting on the API instead of sleeping a fixed time: `poll` asks again until a
# condition holds. The code goes to a number whose SMS arrives 2 minutes late
# (the sandbox's test number +1 NXX 555 0192); the customer never types it, so
# the session expires 10 minutes after it was created. On the sandbox and in
# replay the waits are virtual (instant); on live they are real.

session create recipient=+14155550192 channel=sms brand_name="Acme"
assert status == 202

# The SMS has been sent, not yet delivered.
session get
assert body.attempt_details[0].status == "sent"

# Ask every 30 seconds, for at most 5 minutes, until the handset has it.
poll every 30s timeout 5m until body.attempt_details[0].status == "delivered" {
    session get
}
assert body.status == "in-progress"

# Then every minute, for at most 15 minutes, until the code has lapsed.
poll every 1m timeout 15m until body.status == "expired" {
    session get
    let checks = $iteration
}
# It did wait: 9 checks on the sandbox (2 minutes to deliver, 8 more to expire).
assert $checks > 1

# Too late: the right code is refused.
validate $otp
assert status == 400
assert body.error == "session expired"
