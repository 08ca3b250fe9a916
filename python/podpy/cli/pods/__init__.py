"""`podpy pod …` verbs: one module per verb."""
