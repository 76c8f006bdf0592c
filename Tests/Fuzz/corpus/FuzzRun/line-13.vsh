assert status == 202 and body.message != null
