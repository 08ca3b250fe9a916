"""Whether this process ends through `podpy.cli.main.entry`, which leaves with `os._exit`.

Then nothing needs tearing down at the end of a command: in particular the database connection
is left open, because closing the last connection to a WAL database checkpoints it (an fsync,
2-20 ms here); left open, a later writer's automatic checkpoint does that work once for many
commands. Code that runs podpy in-process (tests, a future API service) never sets this.
"""

from __future__ import annotations

ends_with_os_exit = False
