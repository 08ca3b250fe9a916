"""Leaf definitions shared by every layer: states, exit codes, defaults, name rules."""
