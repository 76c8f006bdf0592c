auth
