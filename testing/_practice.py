"""An isolated practice for one test: its database, plugins, users, and ways to act on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import _templates
from ._cli import CliResult, run_cli

if TYPE_CHECKING:
    from medoffice.core.context import Context
    from medoffice.core.loader import Candidate, LoadFailure
    from medoffice.core.records import UserRecord
    from medoffice.core.runtime import Runtime

T = TypeVar("T")

PRACTICE = {"name": "Test Practice", "timezone": "America/New_York"}
"""The practice every test gets."""

USERS: Mapping[str, tuple[str, str]] = {
    "admin": ("Administrator", "admin"),
    "frontdesk": ("Front Desk", "front_desk"),
    "billing": ("Billing Clerk", "billing"),
    "manager": ("Office Manager", "manager"),
}
"""User name -> (full name, role). Each user's password is ``<user name>-password``."""


def password_of(username: str) -> str:
    """The password the kit gave ``username``."""
    return f"{username}-password"


def as_candidates(plugins: Iterable[Any]) -> list[Candidate]:
    """Wrap in-memory plugin objects (modules or instances with ``plugin_info``) as candidates."""
    from medoffice.core.loader import Candidate
    from medoffice.core.loader.discovery import candidate_from_module

    return [p if isinstance(p, Candidate) else candidate_from_module(p) for p in plugins]


def with_requirements(wanted: Iterable[str], candidates: Sequence[Candidate]) -> set[str]:
    """``wanted`` and, transitively, every installed plugin they require. A role requirement
    (``role:scheduling``) is met by a wanted provider of the role, else by the installed one
    enabled by default (the first by id)."""
    from medoffice.core.records.plugin import required_role

    by_id = {c.info.id: c for c in candidates}
    found: set[str] = set()
    pending = list(wanted)
    roles: set[str] = set()
    while pending or roles:
        if not pending:  # every id is placed: meet the roles nobody wanted provides
            role = roles.pop()
            if not any(by_id[pid].info.provides == role for pid in found if pid in by_id):
                providers = sorted((not c.info.enabled_by_default, c.info.id) for c in candidates
                                   if c.info.provides == role)
                pending.extend(pid for _, pid in providers[:1])
            continue
        pid = pending.pop()
        if pid in found:
            continue
        found.add(pid)
        for requirement in by_id[pid].info.requires if pid in by_id else ():
            role = required_role(requirement)
            if role is None:
                pending.append(requirement)
            else:
                roles.add(role)
    return found


@attrs.define
class Practice:
    """An open practice made for one test (the ``medoffice_practice`` fixture).

    Attributes:
        runtime: the open practice; closed when the test ends.
        url: its database URL (a SQLite file, or a PostgreSQL URL pointed at the test's schema).
        backend: ``"sqlite"`` or ``"postgresql"``.
        candidates: every plugin it was opened with: the installed ones and the test's
            in-memory ones.
        extras: the test's in-memory plugins (``medoffice_extra_plugins``).
    """

    runtime: Runtime
    url: str
    backend: str
    candidates: tuple[Candidate, ...] = ()
    extras: tuple[Candidate, ...] = ()
    command_clock: Callable[[], dt.datetime] | None = None
    """The clock :meth:`cli` runs commands on when it is not given one (None: the real clock).
    Each command opens the practice afresh, so fixing ``runtime.clock`` does not reach it."""
    failures: tuple[LoadFailure, ...] = ()
    template_key: tuple | None = None
    """What the kit copied it from (None: made for real); :meth:`seed` builds on it."""
    _untouched: list[bool] = attrs.field(factory=lambda: [True], init=False)
    """Whether nothing has written to it through :attr:`runtime` or the audited paths yet."""

    def seed(self, build: Callable[[Practice], T], *, key: Hashable = ()) -> T:
        """Run a test folder's set-up ``build(practice)`` once per test process; copy it after.

        A fixture that fills every test's practice the same way (providers, fee schedules,
        payers, patients) calls ``practice.seed(build_world)`` first thing. The first test of
        the process runs ``build`` and the kit keeps the finished practice and what ``build``
        returned; the next tests with the same practice (same plugins, same marker) get a
        copy of it and a deep copy of the value, as if ``build`` had run for them.

        ``build`` must write the same rows whenever it runs: fix the practice's clock inside
        it (``practice.runtime.clock = lambda: NOW``) rather than use the real one, and name
        in ``key`` anything else it depends on. What it sets on the runtime outside the
        database (the clock) is not copied: set it again after ``seed`` returns. When the
        practice was already used (a user signed in, a command ran), or it is one the kit
        cannot copy, ``build`` simply runs.
        """
        from medoffice.core.config import Settings
        from medoffice.core.runtime import open_runtime

        identity = _function_identity(build)
        if self.template_key is None or identity is None or not self._is_untouched():
            return build(self)
        settings = Settings.resolve(self.url)
        seed_key = (*self.template_key, "seed", identity, key)
        template = _templates.lookup(seed_key)
        if template is None:
            base = _templates.lookup(self.template_key)
            if base is None:
                return build(self)
            return _templates.seeded(seed_key, self.url, settings, base, lambda: build(self))
        self.runtime.close()
        value = _templates.replace(self.url, settings, template)
        self.runtime = open_runtime(settings=settings, candidates=self.candidates, failures=self.failures)
        self._watch()
        return value

    def _watch(self) -> None:
        """Note the first statement that may write through the practice's runtime."""
        from sqlalchemy import event

        def note(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
            if not statement.lstrip().lower().startswith(("select", "show", "with")):
                self._untouched[0] = False

        self._untouched[0] = True
        event.listen(self.runtime.engine, "before_cursor_execute", note)

    def _is_untouched(self) -> bool:
        return self._untouched[0]

    def user(self, name: str = "admin") -> UserRecord:
        """Sign ``name`` in with the kit's password and return them with their permissions.

        Signing in is audited and announced to plugins, as in the application.
        """
        from medoffice.core.services.users import sign_in

        return sign_in(self.runtime, name, password_of(name))

    def record(self, user: str | UserRecord | None) -> UserRecord | None:
        """A user's current record (roles and permissions read now), without signing in."""
        from medoffice.core.records import UserRecord
        from medoffice.core.services.users import load_user

        if user is None or isinstance(user, UserRecord):
            return user
        return load_user(self.runtime, user)

    @contextmanager
    def operation(self, user: str | UserRecord | None = "admin", *, write: bool = True) -> Iterator[Context]:
        """One unit of work acting as ``user`` (a name, a record, or None for the system user).

        A name is looked up as the user is now, with no password check, so a test may act as
        someone after changing their password or roles. Commits when the block ends; rolls
        back everything when it raises.
        """
        with self.runtime.operation(self.record(user), write=write) as ctx:
            yield ctx

    def cli(self, *args: str, user: str | None = "admin", input: str | bytes | None = None,
            password: str | None = None, env: Mapping[str, str | None] | None = None,
            clock: Callable[[], dt.datetime] | None = None) -> CliResult:
        """Run ``medoffice --db <url> ARGS…`` as ``user`` (``MEDOFFICE_USER``/``MEDOFFICE_PASSWORD``).

        Args:
            args: the command line after ``medoffice``.
            user: who runs it; None runs it signed out.
            input: what the user types.
            password: instead of the kit's password for ``user``.
            env: more environment variables for the command.
            clock: the practice's clock for the command, such as ``self.runtime.clock`` when the
                test has fixed it; None uses :attr:`command_clock`, else the real clock.
        """
        self._untouched[0] = False  # the command writes through a runtime of its own
        if password is None and user is not None:
            password = password_of(user)
        candidates = None  # the command discovers the installed plugins itself, as it does for real
        if self.extras:
            from medoffice.core.loader import discover

            candidates = [*discover()[0], *self.extras]
        return run_cli(self.url, args, user=user, password=password, candidates=candidates, input=input, env=env,
                       clock=clock or self.command_clock)

    @contextmanager
    def another_terminal(self, *, clock: Callable[[], dt.datetime] | None = None) -> Iterator[Runtime]:
        """The practice opened again, as another computer on the clinic's network opens it:
        a runtime of its own (engine, connections, kept set-up, change feed) on the same
        database and plugins, closed when the block ends. For two-terminal stories: what one
        desk writes, the other must see (``MedofficeApp(runtime, user=…)`` puts a TUI on it).
        Open it after the practice is seeded (:meth:`seed` may put a fresh copy of the
        database in place, which a terminal opened before would not see).

        Args:
            clock: its clock; None follows this practice's (``runtime.clock``, read at each
                call, so a test that moves desk A's clock moves desk B's).
        """
        from medoffice.core.config import Settings
        from medoffice.core.runtime import open_runtime

        runtime = open_runtime(settings=Settings.resolve(self.url), candidates=list(self.candidates),
                               failures=self.failures, clock=clock or (lambda: self.runtime.clock()))
        try:
            yield runtime
        finally:
            runtime.close()

    @asynccontextmanager
    async def pilot(self, user: str | UserRecord | None = "admin", *,
                    size: tuple[int, int] = (120, 40)) -> AsyncIterator[Any]:
        """Run the TUI on this practice and yield its Textual ``Pilot`` (``pilot.app`` is the app).

        Args:
            user: start signed in as this user (a name signs in with the kit's password; a
                record is used as it is); None starts on the sign-in screen.
            size: the terminal's columns and rows.
        """
        from medoffice.tui.app import MedofficeApp

        record = self.user(user) if isinstance(user, str) else user
        app = MedofficeApp(self.runtime, user=record)
        async with app.run_test(size=size) as pilot:
            yield pilot

    def close(self) -> None:
        self.runtime.close()


def make_practice(
    url: str,
    *,
    backend: str,
    installed: Sequence[Candidate],
    failures: Sequence[LoadFailure] = (),
    extras: Sequence[Candidate] = (),
    chosen: Iterable[str] | None = None,
) -> Practice:
    """Create a practice in the empty database at ``url``.

    The first practice of a kind in this process is made for real; the next ones are copies
    of it (see :mod:`medoffice.testing._templates`).

    Args:
        url: an empty database.
        backend: its backend's name.
        installed: the plugins installed through entry points.
        failures: the installed plugins that failed to import (they show as ``failed``).
        extras: in-memory plugins; always enabled.
        chosen: ids of the installed plugins to enable (their requirements follow); the other
            installed plugins are recorded as disabled. None keeps every installed plugin's
            default, as ``medoffice init`` does.

    Raises:
        ValueError: ``chosen`` names a plugin that is not installed.
    """
    from medoffice.core.config import Settings
    from medoffice.core.runtime import open_runtime
    from medoffice.core.services import users
    from medoffice.core.setup import init_practice

    everything = [*installed, *extras]
    extra_ids = {c.info.id for c in extras}
    if chosen is None:
        forced = with_requirements(extra_ids, everything)
        at_init = everything
    else:
        chosen = list(chosen)
        known = {c.info.id for c in everything}
        unknown = [pid for pid in chosen if pid not in known]
        if unknown:
            names = ", ".join(sorted(known)) or "none"
            raise ValueError(f"medoffice_plugins names {', '.join(map(repr, unknown))}, which is not installed "
                             f"(installed: {names})")
        forced = with_requirements([*chosen, *extra_ids], everything)
        at_init = [c for c in everything if c.info.id in forced]

    settings = Settings.resolve(url)

    def add_users(ctx: Context) -> None:
        for username, (full_name, role) in USERS.items():
            if username != "admin":
                users.add_user(ctx, username, full_name, password_of(username), [role])

    key = _templates.template_key(backend, everything, failures, chosen, extras)
    template = _templates.lookup(key)
    if template is not None:
        template.copy_into(url, settings)
    else:
        with _templates.recording(key, url, settings):
            runtime = open_runtime(settings=settings, candidates=at_init,
                                   failures=failures if chosen is None else ())
            try:
                name, full_name = "admin", USERS["admin"][0]
                init_practice(runtime, PRACTICE, admin_username=name, admin_password=password_of(name),
                              admin_name=full_name, populate=add_users)
                _enable(runtime, forced)
                initial = {c.info.id for c in at_init}
                _record_disabled(runtime, [c.info.id for c in everything if c.info.id not in initial])
            finally:
                runtime.close()
    runtime = open_runtime(settings=settings, candidates=everything, failures=failures)
    made = Practice(runtime=runtime, url=url, backend=backend, candidates=tuple(everything), extras=tuple(extras),
                    failures=tuple(failures), template_key=key if _templates.lookup(key) is not None else None)
    made._watch()
    return made


def _function_identity(build: Callable[..., Any]) -> tuple | None:
    """Where a set-up function is defined: the same module-level function of the same file in
    every test. None for what cannot be told apart from another by its name (a closure, a
    ``functools.partial``, a bound method): such a set-up is not copied."""
    import inspect
    import types

    if not isinstance(build, types.FunctionType) or build.__closure__ or "<locals>" in build.__qualname__:
        return None
    try:
        where = inspect.getsourcefile(build)
    except TypeError:
        return None
    return (build.__module__, build.__qualname__, where, repr(build.__defaults__), repr(build.__kwdefaults__))


def _enable(runtime: Runtime, plugin_ids: set[str]) -> None:
    """Enable the plugins that are off by default but were asked for, requirements first."""
    from medoffice.core.services import plugin_admin

    pending = {pid for pid in plugin_ids if (s := runtime.plugins.status(pid)) and s.status == "disabled"}
    while pending:
        ready = [pid for pid in sorted(pending)
                 if all(r not in pending for r in runtime.plugins.status(pid).requires)]
        if not ready:
            return  # a cycle: the loader reports it as the plugins' status
        for pid in ready:
            with runtime.operation() as ctx:
                plugin_admin.enable(runtime, ctx, pid)
            runtime.reload_plugins()
            pending.discard(pid)


def _record_disabled(runtime: Runtime, plugin_ids: Sequence[str]) -> None:
    """Store "disabled" for installed plugins the test did not choose, as ``plugins disable`` would."""
    if not plugin_ids:
        return
    from medoffice.core.storage.models import PluginState

    with runtime.operation() as ctx:
        for pid in plugin_ids:
            ctx.session.add(PluginState(plugin_id=pid, enabled=False, migrated=False, changed_at=ctx.now()))
