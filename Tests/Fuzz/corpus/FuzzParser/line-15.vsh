assert body.error matches /^incorrect (otp|code)$/
