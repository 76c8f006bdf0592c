let big = 1e400
