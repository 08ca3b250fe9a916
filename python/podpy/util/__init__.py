"""Leaf helpers: atomic writes, locks, paths, ids, Go templates."""
