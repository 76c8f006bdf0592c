assert not (status >= 400 or status < 200)
