"""`network` verbs: one module per verb."""
