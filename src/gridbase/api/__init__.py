"""HTTP edge: thin routers that parse, authenticate, call one handler and answer."""
