"""`podpy secret` verbs."""
