validate "000000"
