"""medoffice's test kit for the core and for plugin authors.

It is a pytest plugin, active wherever medoffice is installed: a plugin's tests ask for the
fixtures by name (``medoffice_practice``, ``medoffice_cli``, ``medoffice_pilot``,
``conformance``…; see :mod:`medoffice.testing.fixtures`) and need no conftest. This module
exports the types those fixtures return and the conformance check::

    from medoffice.testing import check_plugin

    def test_conforms(medoffice_practice):
        check_plugin(medoffice_practice, "patient-alerts")
"""

from ._cli import CliResult
from ._practice import PRACTICE, USERS, Practice, password_of
from ._tui import burst, wait_for
from .conformance import check_plugin, check_screens, plugin_problems

__all__ = [
    "PRACTICE",
    "USERS",
    "CliResult",
    "Practice",
    "burst",
    "check_plugin",
    "check_screens",
    "password_of",
    "plugin_problems",
    "wait_for",
]
