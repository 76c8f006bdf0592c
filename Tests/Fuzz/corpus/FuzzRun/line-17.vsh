assert header Content-Type == "application/json"
