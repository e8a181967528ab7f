"""Build a plugin manager for one practice: decide which plugins load, in which order.

:func:`build_plugin_set` is a factory: every runtime (and every test) gets its own
``pluggy.PluginManager``; there is no module-level manager. It takes the installed candidates
and the practice's stored choices, and refuses, with a status naming them, the plugins that
cannot load: an incompatible hook API version, a missing or circular requirement (a plugin id,
or ``role:<role>``: whichever enabled plugin provides the role), two enabled
providers of one domain role, a hook implementation that matches no specification.

A plugin may publish hook specifications of its own (``PluginInfo.hookspecs``) for other
plugins to implement. The loading order: every installed plugin's published specifications
(disabled ones' too) are added to the manager, after the core's and before any plugin is
registered, so an implementation is checked against its specification whatever the order of
loading and whether the publisher is enabled or not. A hook whose publisher is not installed
at all matches nothing: marked ``@hookimpl(optionalhook=True)`` it waits unused; unmarked,
it is an unknown hook like any misspelt one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import importlib
import inspect
from types import ModuleType

import attrs
import pluggy

from .._markers import PROJECT_NAME, SUPPORTED_API_VERSIONS
from ..hookspecs import SPEC_MODULES
from ..records.plugin import required_role
from .discovery import Candidate, LoadFailure
from .facade import Hooks

CORE_PLUGIN_ID = "core"


@attrs.frozen
class StoredChoice:
    """A practice's stored choice for one plugin (``core_plugin_state``)."""

    enabled: bool
    migrated: bool = False


@attrs.frozen
class PluginStatus:
    """One row of ``medoffice plugins list``.

    ``status`` is one of ``enabled``, ``disabled``, ``failed``, ``incompatible``,
    ``refused`` (a requirement or role conflict) and ``migration pending``; ``reason`` says why
    for every status but the first two.
    """

    id: str
    title: str
    version: str
    distribution: str
    api_version: int | None
    provides: str | None
    requires: tuple[str, ...]
    status: str
    reason: str = ""
    hooks: tuple[str, ...] = ()
    publishes: tuple[str, ...] = ()
    """The hooks it publishes for other plugins (``PluginInfo.hookspecs``), whatever its status."""

    @property
    def active(self) -> bool:
        return self.status == "enabled"


@attrs.define
class PluginSet:
    """The outcome of loading: the manager, the typed facade and every plugin's status."""

    pm: pluggy.PluginManager
    hooks: Hooks
    statuses: list[PluginStatus]
    candidates: dict[str, Candidate]
    conflicts: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    """Each domain role that more than one enabled plugin provides, with their ids: all of
    them are refused until the practice disables all but one."""

    def conflict_lines(self, way_out: Callable[[str], str]) -> list[str]:
        """One line per conflicting role: its plugins, then ``way_out(plugin id)`` for each."""
        lines = []
        for role, pids in sorted(self.conflicts.items()):
            names = " and ".join(repr(p) for p in pids)
            lines.append(f"plugins {names} both provide the {role} role and a practice uses one; "
                         f"choose with {' or '.join(way_out(p) for p in pids)}")
        return lines

    def status(self, plugin_id: str) -> PluginStatus | None:
        return next((s for s in self.statuses if s.id == plugin_id), None)

    @property
    def active_ids(self) -> list[str]:
        """The loaded plugins, in load (dependency) order."""
        return [name for name, _ in self.pm.list_name_plugin() if name != CORE_PLUGIN_ID]


def new_plugin_manager(published: Sequence[Any] = ()) -> pluggy.PluginManager:
    """A fresh manager that knows the core's hook specifications, then the ``published``
    modules of plugins' specifications, and no implementation."""
    pm = pluggy.PluginManager(PROJECT_NAME)
    for module in (*SPEC_MODULES, *published):
        pm.add_hookspecs(module)
    return pm


def spec_names(module: Any) -> list[str]:
    """The hook specifications a module declares (functions marked ``@hookspec``)."""
    return sorted(name for name, value in vars(module).items()
                  if inspect.isfunction(value) and hasattr(value, f"{PROJECT_NAME}_spec"))


CORE_SPECS = frozenset(name for module in SPEC_MODULES for name in spec_names(module))


def published_specs(candidates: Sequence[Candidate]) -> tuple[list[Any], dict[str, str], dict[str, str]]:
    """The spec modules installed plugins publish, in plugin id order.

    Returns:
        The modules to add (one module published by two plugins, as a second provider of a
        role re-publishing the first's, counts once); each publishing plugin whose specs
        cannot be used, with why (it then fails to load); and hook name -> its publisher.
    """
    modules: list[Any] = []
    problems: dict[str, str] = {}
    owners: dict[str, str] = {}
    module_of: dict[str, Any] = {}
    for cand in sorted(candidates, key=lambda c: c.info.id):
        pid, found, mine = cand.info.id, [], {}
        for dotted in cand.info.hookspecs:
            try:
                module = importlib.import_module(dotted)
            except Exception as exc:
                problems[pid] = f"its hook specifications {dotted!r} do not import: {type(exc).__name__}: {exc}"
                break
            names = spec_names(module)
            if not names:
                problems[pid] = f"{dotted!r} declares no hook specification (functions marked @hookspec)"
                break
            clash = next((n for n in names if not n.startswith(f"{PROJECT_NAME}_") or n in CORE_SPECS
                          or (n in module_of and module_of[n] is not module)), None)
            if clash is not None:
                reason = (f"does not start with '{PROJECT_NAME}_'" if not clash.startswith(f"{PROJECT_NAME}_")
                          else "is the core's" if clash in CORE_SPECS else f"is already published by {owners[clash]!r}")
                problems[pid] = f"publishes hook {clash}, which {reason}"
                break
            found.append(module)
            mine.update({n: module for n in names})
        if pid in problems:
            continue
        for name, module in mine.items():
            module_of.setdefault(name, module)
            owners.setdefault(name, pid)
        modules += [m for m in found if all(m is not known for known in modules)]
    return modules, problems, owners


def is_enabled(candidate: Candidate, choices: Mapping[str, StoredChoice], candidates: Sequence[Candidate]) -> bool:
    """The practice's choice, else the plugin's default, except that a default never
    enables a second provider of a domain role somebody explicitly enabled."""
    info = candidate.info
    if info.id in choices:
        return choices[info.id].enabled
    if not info.enabled_by_default:
        return False
    if info.provides is None:
        return True
    return not any(
        other.info.provides == info.provides and choices.get(other.info.id, StoredChoice(False)).enabled
        for other in candidates
        if other.info.id != info.id
    )


def _missing_reason(requirement: str, refused: dict[str, str], providers: dict[str, list[str]]) -> str:
    """Why ``requirement`` is not met, with the way out for a role nobody provides."""
    role = required_role(requirement)
    if role is None:
        if requirement in refused:
            return f"{requirement!r} ({refused[requirement]})"
        return f"{requirement!r} (not installed or not enabled)"
    installed = providers.get(role, [])
    refused_ones = [f"{pid!r} is refused: {refused[pid]}" for pid in installed if pid in refused]
    if refused_ones:
        return f"a {role} provider ({'; '.join(refused_ones)})"
    if not installed:
        return f"a {role} provider (none is installed)"
    ways = " or ".join(f"'medoffice plugins enable {pid}'" for pid in installed)
    return f"a {role} provider (none is enabled; enable one with {ways})"


def _resolve(cand: Candidate, wanted: dict[str, Candidate]) -> tuple[list[str], list[str]]:
    """The loaded plugins ``cand`` must come after, and the requirements nothing meets.

    A plugin id must itself be wanted; ``role:<role>`` is met by the wanted plugin that
    provides the role (a provider requiring its own role needs nothing more).
    """
    after: list[str] = []
    missing: list[str] = []
    for requirement in cand.info.requires:
        role = required_role(requirement)
        if role is None:
            (after if requirement in wanted else missing).append(requirement)
            continue
        provider = next((pid for pid, c in sorted(wanted.items()) if c.info.provides == role), None)
        if provider is None:
            missing.append(requirement)
        elif provider != cand.info.id:
            after.append(provider)
    return after, missing


def _dependency_order(wanted: dict[str, Candidate], refused: dict[str, str],
                      providers: dict[str, list[str]] | None = None) -> list[Candidate]:
    """Order plugins so that each comes after what it requires; refuse cycles and missing ones.

    Args:
        providers: each role's installed providers, to say which to enable when none is.
    """
    providers = providers or {}
    changed = True
    while changed:  # a plugin whose requirement is refused is refused too
        changed = False
        for pid, cand in list(wanted.items()):
            missing = _resolve(cand, wanted)[1]
            if missing:
                refused[pid] = "requires " + ", ".join(_missing_reason(r, refused, providers) for r in missing)
                del wanted[pid]
                changed = True
    after = {pid: _resolve(cand, wanted)[0] for pid, cand in wanted.items()}
    ordered: list[Candidate] = []
    placed: set[str] = set()
    pending = dict(sorted(wanted.items()))
    while pending:
        ready = [pid for pid in pending if all(r in placed for r in after[pid])]
        if not ready:
            cycle = ", ".join(sorted(pending))
            for pid in pending:
                refused[pid] = f"circular requirement among {cycle}"
            break
        for pid in ready:
            ordered.append(pending.pop(pid))
            placed.add(pid)
    return ordered


def _role_conflicts(wanted: dict[str, Candidate], refused: dict[str, str]) -> dict[str, tuple[str, ...]]:
    conflicts: dict[str, tuple[str, ...]] = {}
    by_role: dict[str, list[str]] = {}
    for pid, cand in wanted.items():
        if cand.info.provides:
            by_role.setdefault(cand.info.provides, []).append(pid)
    for role, pids in by_role.items():
        if len(pids) > 1:
            names = " and ".join(repr(p) for p in sorted(pids))
            conflicts[role] = tuple(sorted(pids))
            for pid in pids:
                refused[pid] = f"{names} both provide the {role} role; disable all but one"
                del wanted[pid]
    return conflicts


def _unknown_hooks(pm: pluggy.PluginManager, name: str) -> list[str]:
    """Hooks the plugin implements that no specification knows, leaving out the ones marked
    ``optionalhook`` (a hook of a plugin that may not be installed)."""
    unknown = []
    plugin = pm.get_plugin(name)
    for caller in pm.get_hookcallers(plugin) or []:
        if not caller.has_spec() and any(impl.plugin is plugin and not impl.optionalhook
                                         for impl in caller.get_hookimpls()):
            unknown.append(caller.name)
    return unknown


_CHECKED: dict[tuple[Any, ...], str | None] = {}
"""What :func:`_registration_problem` found, per plugin module, id, published specifications
and hook functions: a process opens a practice many times (each command a TUI runs, each
test), and checking a plugin costs a fresh plugin manager (milliseconds of pluggy reading
every specification again) while its answer changes only with what the key holds."""


def _registration_key(cand: Candidate, published: Sequence[Any]) -> tuple[Any, ...] | None:
    """The key of :data:`_CHECKED` for ``cand``, or None when its hooks are not held by a module
    (an object made by hand, whose attributes may change unseen: checked every time)."""
    module = cand.module
    if not isinstance(module, ModuleType):
        return None
    marker = f"{PROJECT_NAME}_impl"
    hooks = tuple((name, value) for name, value in vars(module).items() if hasattr(value, marker))
    return (module, cand.info.id, tuple(published), hooks)


def _registration_problem(cand: Candidate, published: Sequence[Any] = ()) -> str | None:
    """Why the plugin's hook implementations do not match the specifications, if they don't."""
    key = _registration_key(cand, published)
    if key is None:
        return _check_registration(cand, published)
    try:
        return _CHECKED[key]
    except KeyError:
        problem = _CHECKED[key] = _check_registration(cand, published)
        return problem


def _check_registration(cand: Candidate, published: Sequence[Any]) -> str | None:
    scratch = new_plugin_manager(published)
    try:
        scratch.register(cand.module, name=cand.info.id)
    except Exception as exc:  # pluggy validation: wrong arguments for a hook
        return "its hooks do not match their specifications: " + " ".join(str(exc).split())
    unknown = _unknown_hooks(scratch, cand.info.id)
    if not unknown:
        return None
    return ("implements unknown hooks: " + ", ".join(unknown)
            + " (a hook another plugin publishes, when that plugin may be absent, is marked"
              " @hookimpl(optionalhook=True))")


def build_plugin_set(
    candidates: Iterable[Candidate],
    failures: Iterable[LoadFailure] = (),
    choices: Mapping[str, StoredChoice] | None = None,
    *,
    core_plugins: Sequence[Any] = (),
    require_migrated: bool = True,
) -> PluginSet:
    """Load the enabled plugins of one practice into a new plugin manager.

    Args:
        candidates: the installed plugins that imported (from :func:`discover`, or made by hand
            in tests).
        failures: the ones that did not, reported with status ``failed``.
        choices: the practice's stored enable/disable choices; None for a database that has
            no practice yet.
        core_plugins: the core's own hook implementations, registered first as ``core``.
        require_migrated: leave out enabled plugins whose tables were never migrated
            (status ``migration pending``); migration code passes False.
    """
    practice_exists = choices is not None
    choices = choices or {}
    candidates = sorted(candidates, key=lambda c: c.info.id)
    statuses: dict[str, PluginStatus] = {}
    refused: dict[str, str] = {}
    wanted: dict[str, Candidate] = {}

    def status_of(cand: Candidate, status: str, reason: str = "", hooks: tuple[str, ...] = ()) -> PluginStatus:
        info = cand.info
        return PluginStatus(info.id, info.title, cand.version, cand.distribution, info.api_version,
                            info.provides, info.requires, status, reason, hooks)

    for failure in failures:
        statuses[failure.id] = PluginStatus(failure.id, failure.id, failure.version, failure.distribution,
                                             None, None, (), "failed", failure.error)
    published, spec_problems, owners = published_specs(
        [c for c in candidates if c.info.id not in statuses and c.info.id != CORE_PLUGIN_ID])
    for cand in candidates:
        pid = cand.info.id
        if pid in statuses or pid == CORE_PLUGIN_ID:
            reason = "another installed plugin has the same id" if pid != CORE_PLUGIN_ID else "'core' is reserved"
            statuses[pid] = status_of(cand, "failed", reason)
            continue
        problem = spec_problems.get(pid) or _registration_problem(cand, published)
        if problem:  # hooks that match no spec: broken whatever the practice chose
            statuses[pid] = status_of(cand, "failed", problem)
            continue
        if not is_enabled(cand, choices, candidates):
            statuses[pid] = status_of(cand, "disabled")
        elif cand.info.api_version not in SUPPORTED_API_VERSIONS:
            supported = ", ".join(str(v) for v in sorted(SUPPORTED_API_VERSIONS))
            statuses[pid] = status_of(cand, "incompatible",
                                      f"written for hook API {cand.info.api_version}; this core supports {supported}")
        else:
            wanted[pid] = cand

    conflicts = _role_conflicts(wanted, refused)  # before migrations: a conflict is what to fix first
    for pid in list(wanted):
        if require_migrated and practice_exists and not choices.get(pid, StoredChoice(True)).migrated:
            statuses[pid] = status_of(wanted.pop(pid), "migration pending", "run 'medoffice db upgrade'")
    providers: dict[str, list[str]] = {}
    for cand in candidates:
        if cand.info.provides:
            providers.setdefault(cand.info.provides, []).append(cand.info.id)
    ordered = _dependency_order(wanted, refused, providers)

    pm = new_plugin_manager(published)
    for core_plugin in core_plugins:
        pm.register(core_plugin, name=CORE_PLUGIN_ID if not pm.has_plugin(CORE_PLUGIN_ID) else None)
    for cand in ordered:
        pid = cand.info.id
        pm.register(cand.module, name=pid)  # validated by _registration_problem above
        hooks = tuple(sorted(c.name for c in pm.get_hookcallers(cand.module) or []))
        statuses[pid] = status_of(cand, "enabled", hooks=hooks)
    for pid, reason in refused.items():
        statuses[pid] = status_of(next(c for c in candidates if c.info.id == pid), "refused", reason)

    for pid, status in list(statuses.items()):
        mine = tuple(sorted(hook for hook, owner in owners.items() if owner == pid))
        if mine:
            statuses[pid] = attrs.evolve(status, publishes=mine)
    by_id = {c.info.id: c for c in candidates}
    plugin_set = PluginSet(pm=pm, hooks=Hooks(pm), statuses=sorted(statuses.values(), key=lambda s: s.id),
                           candidates=by_id, conflicts=conflicts)
    return plugin_set
