# a comment


print 1 # trailing
