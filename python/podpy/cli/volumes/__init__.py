"""`podpy volume` verbs."""
