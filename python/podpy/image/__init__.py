"""Images: references, local lookup, loading and saving formats, registries."""
