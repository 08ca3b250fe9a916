"""podpy: a daemonless, Podman-compatible container engine."""

__version__ = "0.1.0"
