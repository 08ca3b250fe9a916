"""One layer blob on its way from the registry into the extractor, without a full temporary copy.

The download starts as soon as a download slot is free. Until the extractor opens the
layer, the bytes that arrive are spilled to an anonymous temp file; from then on they go
into a pipe whose read end the extractor reads (``/proc/self/fd/N``), the spilled part
first. A layer the extractor is already reading therefore streams straight through, while
the layers waiting for a core keep downloading in parallel. A broken connection is
resumed with an HTTP Range request from the byte reached; the extractor never notices.
"""

from __future__ import annotations

import fcntl
import http.client
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from podpy.errors import PodpyError, RegistryError
from podpy.image.registry.client import RegistryClient, Reply, _describe, status_error
from podpy.image.registry.manifests import Descriptor
from podpy.storage.layers import LayerSource

_CHUNK = 1 << 20
_PIPE_SIZE = 1 << 20


class _Stopped(Exception):
    """The extractor closed the pipe, or the pull was cancelled."""


class BlobFeed:
    def __init__(self, client: RegistryClient, repo: str, desc: Descriptor, diff_id: str, *, spill_dir: str,
                 slots: threading.Semaphore, on_bytes: Callable[[str, int], None] | None = None) -> None:
        self.client = client
        self.repo = repo
        self.desc = desc
        self.diff_id = diff_id
        self.spill_dir = spill_dir
        self.slots = slots
        self.on_bytes = on_bytes
        self.failure: PodpyError | None = None
        self._cond = threading.Condition()
        self._w: int | None = None
        self._spill: IO[bytes] | None = None
        self._spilled = 0
        self._drained = True
        self._cancelled = False
        self._resp: http.client.HTTPResponse | None = None
        self._thread = threading.Thread(target=self._run, name=f"podpy-pull-{desc.digest[7:19]}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()
            resp = self._resp
        if resp is not None:
            conn = getattr(resp, "_podpy_conn", None)
            sock = conn.sock if conn is not None else None
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def join(self) -> None:
        self._thread.join()
        if self._spill is not None:
            self._spill.close()

    @contextmanager
    def source(self) -> Iterator[LayerSource]:
        """The layer as the extractor opens it: a pipe fed by the download."""
        if self.failure is not None:
            raise self.failure
        r, w = os.pipe2(os.O_CLOEXEC)
        try:
            fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        except OSError:
            pass
        with self._cond:
            self._w = w
            self._cond.notify_all()
        try:
            yield LayerSource(f"/proc/self/fd/{r}", self.desc.digest, self.diff_id)
        except BaseException as e:
            if self.failure is not None:
                raise self.failure from e
            raise
        finally:
            os.close(r)  # a feeder still writing gets EPIPE
        if self.failure is not None:
            raise self.failure

    # --- the download thread --------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self.slots.acquire(timeout=0.2):
                if self._cancelled:
                    raise _Stopped
            try:
                self._download()
            finally:
                self.slots.release()
            with self._cond:
                while self._w is None and not self._cancelled:
                    self._cond.wait()
            if self._cancelled and self._w is None:
                raise _Stopped
            self._drain()
        except _Stopped:
            pass
        except PodpyError as e:
            self.failure = e
        except Exception as e:  # noqa: BLE001 - reported as the layer's failure, never lost in a thread
            self.failure = RegistryError(f"reading blob {self.desc.digest}: {_describe(e)}")
        finally:
            with self._cond:
                w, self._w = self._w, -1
            if w is not None and w >= 0:
                os.close(w)

    def _open(self, offset: int) -> http.client.HTTPResponse:
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        got = self.client.request("GET", f"/v2/{self.repo}/blobs/{self.desc.digest}", repo=self.repo,
                                  headers=headers, stream=True)
        if isinstance(got, Reply):
            raise status_error(got.status, got.body, f"reading blob {self.desc.digest}")
        return got

    def _download(self) -> None:
        size = self.desc.size
        offset = 0
        failures = 0
        buf = bytearray(_CHUNK)
        view = memoryview(buf)
        while True:
            if self._cancelled:
                raise _Stopped
            try:
                resp = self._open(offset)
                with self._cond:
                    self._resp = resp
                try:
                    length = resp.getheader("Content-Length")
                    start = offset if resp.status == 206 else 0
                    if length is not None and length.isdigit() and start + int(length) != size:
                        raise RegistryError(f"reading blob {self.desc.digest}: the registry sends "
                                            f"{start + int(length)} bytes, the manifest says {size}")
                    if offset and resp.status == 200:
                        self._skip(resp, offset)  # the server ignored the Range: read past what we have
                    while True:
                        n = resp.readinto(view)
                        if not n:
                            break
                        if offset + n > size:
                            raise RegistryError(f"reading blob {self.desc.digest}: more data than the "
                                                f"{size} bytes the manifest says")
                        self._deliver(view[:n])
                        offset += n
                        if self.on_bytes is not None:
                            self.on_bytes(self.desc.digest, n)
                finally:
                    with self._cond:
                        self._resp = None
                    resp.close()
                    conn = getattr(resp, "_podpy_conn", None)
                    if conn is not None:
                        conn.close()
                if offset == size:
                    return
                raise http.client.IncompleteRead(b"", size - offset)
            except (OSError, http.client.HTTPException) as e:
                if self._cancelled:
                    raise _Stopped from e
                if failures >= self.client.opts.retries:
                    raise RegistryError(f"reading blob {self.desc.digest}: {_describe(e)} "
                                        f"(after {offset} of {size} bytes)") from e
                failures += 1
                delay = self.client.opts.retry_delay or float(1 << min(failures - 1, 5))
                if self.client.opts.on_retry is not None:
                    self.client.opts.on_retry(f"Failed, retrying in {delay:g}s ... ({failures}/"
                                              f"{self.client.opts.retries}). Error: reading blob "
                                              f"{self.desc.digest}: {_describe(e)}")
                time.sleep(delay)

    @staticmethod
    def _skip(resp: http.client.HTTPResponse, count: int) -> None:
        while count:
            chunk = resp.read(min(count, _CHUNK))
            if not chunk:
                raise http.client.IncompleteRead(b"", count)
            count -= len(chunk)

    def _deliver(self, data: memoryview) -> None:
        with self._cond:
            w = self._w
            if self._cancelled:
                raise _Stopped
        if w is None:
            if self._spill is None:
                os.makedirs(self.spill_dir, mode=0o700, exist_ok=True)
                self._spill = tempfile.TemporaryFile(dir=self.spill_dir, prefix="podpy-pull-")  # noqa: SIM115 - closed in join()
            self._spill.write(data)
            self._spilled += len(data)
            self._drained = False
            return
        if not self._drained:
            self._drain()
        self._write(w, data)

    def _drain(self) -> None:
        """Send what was spilled into the pipe (once the extractor has it open)."""
        w = self._w
        assert w is not None and w >= 0
        if self._spill is not None and not self._drained:
            self._spill.flush()
            offset = 0
            fd = self._spill.fileno()
            while offset < self._spilled:
                try:
                    sent = os.sendfile(w, fd, offset, min(self._spilled - offset, _CHUNK))
                except BrokenPipeError as e:
                    raise _Stopped from e
                if sent == 0:
                    raise RegistryError(f"reading blob {self.desc.digest}: spilled data vanished")
                offset += sent
            self._spill.close()
            self._spill = None
        self._drained = True

    @staticmethod
    def _write(w: int, data: memoryview) -> None:
        while data:
            try:
                n = os.write(w, data)
            except BrokenPipeError as e:
                raise _Stopped from e
            data = data[n:]
