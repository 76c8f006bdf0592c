session create recipient=+14155550100
validate $otp
assert body.message matches /^(\w+\s?)+$/
