# Shared setup, included by the scenarios beside this folder:
#     include "flows/signup.vsh" recipient=+14155550100
# A customer signs up with their phone number and a code is sent to it.
# Afterwards the includer has $session (and $signup_session) for that customer.
# Not run on its own by `vsh run examples/`: only through its includers.

session create recipient=$recipient channel=sms brand_name="Acme"
assert status == 202
assert body.message == "Session initiated"
let signup_session = $session
