session create recipient=$phone channel=voice code_length=8 \
  brand_name="Acme ${phone}"
