// placeholder: the live HTTP transport (issue 3)
