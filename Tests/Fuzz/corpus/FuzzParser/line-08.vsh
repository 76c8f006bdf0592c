validate $otp
