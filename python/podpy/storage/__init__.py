"""Layers, images and container root filesystems on disk, with their records in the database."""
