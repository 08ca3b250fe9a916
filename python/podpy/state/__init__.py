"""Container (and later pod) state: the State protocol and its implementations."""
