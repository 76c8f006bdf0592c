session create recipient=+14155550100 channel=sms brand_name="Acme" code_length=6 dtmf=1 url=https://example.com/cb method=POST locale=en
