"""Container networking: netlink, bridges, IPAM, ports, DNS, namespaces (comes with its own issue)."""
