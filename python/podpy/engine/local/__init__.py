"""The local engine: runs everything in this process (plus monitors), no daemon."""
