"""SpecGenerator: what the user asked for, validated, then turned into an OCI runtime spec."""
