// placeholder: the sandbox HTTP server (issue 3)
