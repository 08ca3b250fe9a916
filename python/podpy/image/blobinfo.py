"""What pushes learnt about blobs (containers/image's blob-info cache, in one small JSON file).

For an uncompressed layer (its diffID) and a compression, the digest and size of the compressed
blob podpy made; for a compressed digest, the registry repositories known to hold it. A push
consults it before compressing anything: the blob may already be at the destination (HEAD) or
mountable from another repository of the same registry. The file is only a cache — a lost update
(two pushes at once) or a missing file costs a recompression, never correctness: every reuse is
checked against the registry.
"""

from __future__ import annotations

import json
import os
import threading

from podpy.util.atomic import atomic_write

_MAX_LOCATIONS = 16


class BlobInfoCache:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._compressed: dict[str, list[object]] = {}  # "<diffID> <compression>" -> [digest, size]
        self._locations: dict[str, list[str]] = {}  # digest -> ["registry/repo", ...], newest first
        self._dirty = False
        try:
            with open(path, "rb") as f:
                data = json.load(f)
        except (OSError, ValueError):
            return
        if isinstance(data, dict):
            compressed, locations = data.get("compressed"), data.get("locations")
            if isinstance(compressed, dict):
                self._compressed = compressed
            if isinstance(locations, dict):
                self._locations = locations

    def compressed(self, diff_id: str, compression: str) -> tuple[str, int] | None:
        with self._lock:
            found = self._compressed.get(f"{diff_id} {compression}")
        if isinstance(found, list) and len(found) == 2 and isinstance(found[0], str) and isinstance(found[1], int):
            return found[0], found[1]
        return None

    def record_compressed(self, diff_id: str, compression: str, digest: str, size: int) -> None:
        with self._lock:
            key = f"{diff_id} {compression}"
            if self._compressed.get(key) != [digest, size]:
                self._compressed[key] = [digest, size]
                self._dirty = True

    def locations(self, digest: str, registry: str) -> list[str]:
        """Repositories of ``registry`` known to hold ``digest`` (paths without the host)."""
        prefix = registry + "/"
        with self._lock:
            found = list(self._locations.get(digest) or [])
        return [loc[len(prefix):] for loc in found if isinstance(loc, str) and loc.startswith(prefix)]

    def record_location(self, digest: str, registry: str, repo: str) -> None:
        where = f"{registry}/{repo}"
        with self._lock:
            known = self._locations.setdefault(digest, [])
            if known[:1] == [where]:
                return
            if where in known:
                known.remove(where)
            known.insert(0, where)
            del known[_MAX_LOCATIONS:]
            self._dirty = True

    def save(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            data = json.dumps({"compressed": self._compressed, "locations": self._locations},
                              separators=(",", ":")).encode()
            self._dirty = False
        try:
            os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
            atomic_write(self.path, data, mode=0o600, fsync=False)
        except OSError:
            pass  # a cache that cannot be written is only slower next time
