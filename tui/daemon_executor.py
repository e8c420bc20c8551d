"""An executor whose calls run on daemon threads, for the app's thread workers.

Textual runs thread workers on the event loop's default executor. asyncio's default is a
``ThreadPoolExecutor``: its threads are not daemons, ``asyncio.run`` waits for them when the app
ends, and the interpreter joins them again at exit. A worker blocked on a server that accepted
the connection and never answers would then hold the quit for as long as its read timeout. Here
each call gets a daemon thread and ``shutdown`` does not wait: quitting leaves a hung call
behind instead of waiting for it. (Anything that must reach the disk before exit, the audit log,
is written by the worker itself with ``os.write``, or settled by ``AuditLog.settle`` on quit.)
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_names = itertools.count(1)


class DaemonExecutor(ThreadPoolExecutor):
    """A ``ThreadPoolExecutor`` by type only (asyncio's ``set_default_executor`` asks for one):
    it keeps no pool."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self._shutdown = False
        self._lock = threading.Lock()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new calls after shutdown")
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # as ThreadPoolExecutor does: the caller sees it
                future.set_exception(exc)
            else:
                future.set_result(result)

        thread = threading.Thread(target=run, name=f"gok-worker-{next(_names)}", daemon=True)
        thread.start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse new calls; never wait for running ones (``wait`` is ignored on purpose)."""
        with self._lock:
            self._shutdown = True
