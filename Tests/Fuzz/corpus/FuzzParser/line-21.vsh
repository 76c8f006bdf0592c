sleep 1.5s
