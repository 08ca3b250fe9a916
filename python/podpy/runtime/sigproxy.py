"""Podman's --sig-proxy: signals the attached CLI gets go to the container's process.

The handlers go in before the container starts, so a signal sent while it is starting is not lost
(nor does it kill the CLI): it waits until the process's pid is known, then goes on.
"""

from __future__ import annotations

import os
import signal
import threading

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from signal import _HANDLER
    from types import TracebackType

# Every signal but those meant for the CLI itself (SIGCHLD, SIGPIPE, SIGURG, SIGWINCH) and those nobody
# can catch; faults (SIGSEGV, …) are the CLI's own, never a user's request.
_NOT_PROXIED = frozenset({signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD, signal.SIGPIPE, signal.SIGURG,
                          signal.SIGWINCH, signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL,
                          signal.SIGTRAP, signal.SIGSYS})
PROXY_SIGNALS: tuple[int, ...] = tuple(s for s in sorted(signal.valid_signals()) if s not in _NOT_PROXIED)


class SignalProxy:
    """A context: while inside, the proxied signals are held until :meth:`target` names the pid, then sent."""

    def __init__(self, enabled: bool = True, signals: Iterable[int] = PROXY_SIGNALS) -> None:
        self.enabled = enabled and threading.current_thread() is threading.main_thread()
        self.signals = tuple(signals)
        self.pid = 0
        self.pending: list[int] = []
        self.previous: dict[int, _HANDLER] = {}

    def __enter__(self) -> SignalProxy:
        if self.enabled:
            for sig in self.signals:
                self.previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        self.previous.clear()

    def target(self, pid: int) -> None:
        """Send the held signals and the later ones to ``pid`` (the container's process)."""
        self.pid = pid
        pending, self.pending = self.pending, []
        for sig in pending:
            self._send(sig)

    def _handle(self, signum: int, _frame: object) -> None:
        if self.pid > 0:
            self._send(signum)
        else:
            self.pending.append(signum)

    def _send(self, sig: int) -> None:
        try:
            os.kill(self.pid, sig)
        except OSError:
            pass
