"""`podpy manifest` verbs."""
