"""The practice, opened while the sign-in screen is up.

``medoffice tui`` shows the sign-in screen before the practice is opened: opening it imports
SQLAlchemy, the core's models and services, the plugins and their screens, which takes
longer than starting Textual itself. The app opens it in a thread worker while the person
types their name and password; whatever needs it (the password check, the demo practice's
hint) waits for it there, never on the UI thread (docs/performance.md, "Terminal UI").
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from textual.worker import NoActiveWorker, get_current_worker

if TYPE_CHECKING:
    from medoffice.core.runtime import Runtime

POLL_SECONDS = 0.05
"""How often a waiting worker looks whether it was cancelled (the app ending)."""


class Abandoned(Exception):
    """The worker waiting for the practice was cancelled: the app is ending."""


class PracticeLoader:
    """The practice the app works on: open already, or opened by :meth:`open` later.

    Args:
        opener: opens the practice (it may take a while and may raise the reason it cannot).
    """

    def __init__(self, opener: Callable[[], Runtime]) -> None:
        self._opener = opener
        self._result: Future[Runtime] = Future()

    @classmethod
    def opened(cls, runtime: Runtime) -> PracticeLoader:
        """A loader whose practice is ``runtime``, open already (the test kit's, a script's)."""
        loader = cls(lambda: runtime)
        loader._result.set_result(runtime)
        return loader

    @property
    def loaded(self) -> bool:
        """Whether the practice is open (or failed to open)."""
        return self._result.done()

    def open(self) -> Runtime:
        """Open the practice in the calling thread (a worker's); raises why it cannot. Call
        :meth:`ready` or :meth:`failed` once the app has taken it in."""
        return self._opener()

    def ready(self, runtime: Runtime) -> None:
        """The practice is open and the app has taken it in: every :meth:`wait` returns it."""
        self._result.set_result(runtime)

    def failed(self, error: BaseException) -> None:
        """The practice could not be opened: every :meth:`wait` raises ``error``."""
        self._result.set_exception(error)

    def wait(self) -> Runtime:
        """The open practice, once it is (in a worker: never wait on the UI thread).

        Raises:
            Abandoned: the worker waiting was cancelled (the app is ending) first.
            Exception: why it could not be opened.
        """
        while True:
            try:
                return self._result.result(timeout=POLL_SECONDS)
            except TimeoutError:
                try:
                    cancelled = get_current_worker().is_cancelled
                except NoActiveWorker:
                    cancelled = False
                if cancelled:
                    raise Abandoned("the app ended before the practice was open") from None

    @property
    def runtime(self) -> Runtime | None:
        """The open practice, or None while it is being opened (or could not be)."""
        if not self._result.done() or self._result.exception() is not None:
            return None
        return self._result.result()
