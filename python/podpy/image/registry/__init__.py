"""The Docker Registry HTTP API v2 (OCI distribution) client: auth, TLS, manifests, name resolution."""
