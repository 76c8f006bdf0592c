sleep 11m
