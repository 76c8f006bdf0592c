let o = "9223372036854775800"
session list offset=$o
