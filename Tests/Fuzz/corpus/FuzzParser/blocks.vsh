session create recipient=+14155550100
repeat 10 {
    validate 000000
    assert status == 400
}
for r in ["+14155550101", "+442071838750"] {
    session create recipient=$r channel=sms
    assert status == 202
    print "$iteration $r $transport"
}
poll every 30s timeout 15m until body.status == "expired" {
    session get
}
if $transport == "live" {
    print "live"
} else if status == 200 {
    print "ok"
} else {
    print "else"
}
