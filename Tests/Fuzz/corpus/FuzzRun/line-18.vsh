print "status: $status" ${x}
