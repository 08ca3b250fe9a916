"""The engine boundary: Options in, Reports out; local now, remote (REST) later."""
