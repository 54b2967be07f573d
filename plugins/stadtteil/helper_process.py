"""A second process for work that can run beside the site engine's build.

Engine-agnostic. One helper process, forked from the build, runs jobs in the order they are handed
in: a forked child starts at once and already holds everything loaded (data, images, rules), so
nothing is imported or pickled twice. Where fork is missing (Windows), with one core, or where the
caller says forking is unsafe (the engine's adapter knows: `mkdocs serve` runs a web server thread,
and a fork could copy a lock that thread holds), ``submit`` returns None and the caller does the work
itself; a job whose helper failed is done by the caller too (``result_or``), and once the helper has
died every later job is (``submit`` returns None), so every job has the same fallback.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable

# Work that needs the build's loaded state: registered before the fork, so the child inherits it.
_INHERITED: dict[str, Callable[..., Any]] = {}


def _run_inherited(key: str, args: tuple) -> Any:
    return _INHERITED[key](*args)


_PR_SET_PDEATHSIG = 1


def _end_with(parent: int) -> None:
    """Pool initializer: the helper ends with the build, however the build ends (``kill -9``
    included; a forked child would otherwise wait for work forever)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    # The build may have died between the fork and prctl: then no signal will ever come.
    if os.getppid() != parent:
        os._exit(1)


class Helper:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and "fork" in multiprocessing.get_all_start_methods()
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def share(self, key: str, work: Callable[..., Any]) -> None:
        """Make ``work`` (which may use anything loaded so far) callable in the helper by ``key``."""
        if self._pool is not None:
            raise RuntimeError("share() after the helper has started: the child would not have it")
        _INHERITED[key] = work

    def submit(self, work: Callable[..., Any], *args: Any) -> Future | None:
        """Runs a module-level function with picklable arguments in the helper; None: run it yourself."""
        if not self.enabled:
            return None
        try:
            if self._pool is None:
                # Forked from this (the build's main) thread: the death signal follows the forking thread.
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                                 initializer=_end_with, initargs=(os.getpid(),))
            return self._pool.submit(work, *args)
        except (RuntimeError, OSError):
            # The helper died (BrokenProcessPool: a job it ran killed it, or the kernel did) or could not
            # be forked: this job and every later one run here (tests/test_helper_process.py).
            self.enabled = False
            return None

    def call(self, key: str, *args: Any) -> Future | None:
        """Runs shared work (see ``share``) in the helper; None: run it yourself."""
        return self.submit(_run_inherited, key, args)

    @staticmethod
    def result_or(future: Future | None, here: Callable[[], Any]) -> Any:
        """The helper's result, or ``here()`` when there was no helper or it failed (a helper that
        died raises BrokenProcessPool; work that fails here too raises what it raises, with its own
        traceback and message)."""
        if future is not None:
            try:
                return future.result()
            except Exception:  # noqa: BLE001
                pass
        return here()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        _INHERITED.clear()
