"""The errors the core and its plugins raise for the user's eyes.

Every error that is the user's to fix (bad input, a missing permission, a record that does
not exist, a slot already taken) is a :class:`MedofficeError`: the CLI prints its message as
one line and exits 1, the TUI shows it next to the field or in a notification. Anything else
is a bug and is reported as one.
"""

from __future__ import annotations


class MedofficeError(Exception):
    """A domain error: a one-line message the user can act on."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(MedofficeError):
    """Input that cannot be accepted. ``field`` names the offending field, when there is one,
    so a form can show the message next to it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.errors: dict[str, str] = {field: message} if field else {}

    @classmethod
    def of_fields(cls, errors: dict[str, str]) -> ValidationError:
        """One error for a whole form: the message lists every field; ``errors`` maps each
        field to its own message, for a form to show beside the field."""
        message = "; ".join(errors.values())
        error = cls(message, field=next(iter(errors)) if len(errors) == 1 else None)
        error.errors = dict(errors)
        return error


class NotFound(MedofficeError):
    """A record the user asked for does not exist."""


class Conflict(MedofficeError):
    """The change clashes with data already there (a duplicate, a slot taken)."""


class PermissionDenied(MedofficeError):
    """The signed-in user's roles do not grant the permission an operation needs."""

    def __init__(self, username: str, permission: str) -> None:
        super().__init__(f"user {username!r} lacks the permission {permission!r}")
        self.username = username
        self.permission = permission


class AuthenticationError(MedofficeError):
    """Sign-in failed. The message never says whether the user name or the password was wrong."""


class PluginError(MedofficeError):
    """A plugin failed: it could not load, or one of its hooks raised during an operation.

    The message always names the plugin, so the practice knows whom to call.
    """

    def __init__(self, plugin_id: str, message: str) -> None:
        super().__init__(f"plugin {plugin_id!r}: {message}")
        self.plugin_id = plugin_id


class ConfigurationError(MedofficeError):
    """The practice's configuration or database is not usable as it is."""
