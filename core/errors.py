"""The errors the core and its plugins raise for the user's eyes.

Every error that is the user's to fix (bad input, a missing permission, a record that does
not exist, a slot already taken) is a :class:`MedofficeError`: the CLI prints its message as
one line and exits 1, the TUI shows it next to the field or in a notification. Anything else
is a bug and is reported as one.

Each kind has a stable ``code`` (``"not_found"``, ``"slot_taken"``, …): code that must tell
kinds apart asks ``isinstance`` or ``code``, never the message, which is for people and may
be reworded. A plugin may give an instance its own code (``Conflict(…, code="shift_overlaps")``).
"""

from __future__ import annotations


class MedofficeError(Exception):
    """A domain error: a one-line message the user can act on."""

    exit_code = 1
    code = "error"
    """A stable name of the kind, for code to branch on (the message is for people)."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ValidationError(MedofficeError):
    """Input that cannot be accepted. ``field`` names the offending field, when there is one,
    so a form can show the message next to it."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
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

    code = "not_found"


class Conflict(MedofficeError):
    """The change clashes with data already there (a duplicate, a slot taken)."""

    code = "conflict"


class SlotTaken(Conflict):
    """The time asked for is held already (a provider, room, patient or piece of equipment
    booked then), or was taken by another terminal while this one booked. A booking screen
    tells it from other refusals to offer the times free now."""

    code = "slot_taken"


class PermissionDenied(MedofficeError):
    """The signed-in user's roles do not grant the permission an operation needs."""

    code = "permission_denied"

    def __init__(self, username: str, permission: str) -> None:
        super().__init__(f"user {username!r} lacks the permission {permission!r}")
        self.username = username
        self.permission = permission


class AuthenticationError(MedofficeError):
    """Sign-in failed. The message never says whether the user name or the password was wrong."""

    code = "authentication_failed"


class PluginError(MedofficeError):
    """A plugin failed: it could not load, or one of its hooks raised during an operation.

    The message always names the plugin, so the practice knows whom to call.
    """

    code = "plugin_failed"

    def __init__(self, plugin_id: str, message: str) -> None:
        super().__init__(f"plugin {plugin_id!r}: {message}")
        self.plugin_id = plugin_id


class ConfigurationError(MedofficeError):
    """The practice's configuration or database is not usable as it is."""

    code = "configuration"
