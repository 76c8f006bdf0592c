session use $session
