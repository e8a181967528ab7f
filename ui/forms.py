"""A small modal form (scheduling's rota, time-off and waitlist screens use it): a few
labelled fields, the service's complaint about each shown right under it, nothing written
until the service accepts the whole form.

The form calls one service function through the host in a worker (:meth:`FormDialog.submit`
builds the call from the fields' values). A :class:`~medoffice.core.ValidationError` puts each
field's message under that field (its ``errors`` map service field names, which
:attr:`Field.aliases` may rename); any other domain error is one line under the form. On
success the dialog dismisses with the service's result. Focus starts on the first field,
whatever its kind, and Enter moves to the next field, choices included (Space or Down opens a
choice's list), and submits from the last: Enter never saves a choice the person has not had
on screen in front of them. Ctrl+S submits from anywhere; Escape gives up (None).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from medoffice.core import MedofficeError, ValidationError
from medoffice.core.ui import ScreenHost

from .footer import Footer

log = logging.getLogger("medoffice.ui")

FORM_CSS = Path(__file__).with_name("forms.tcss")
"""The forms' styles (and the patient picker's)."""


@attrs.frozen
class Field:
    """One line of a form.

    Attributes:
        name: the key of its value (and the service's field name, unless aliased).
        label: shown left of it.
        value: the value it starts with.
        options: (label, value) pairs: a choice instead of a text field.
        placeholder: a hint in an empty text field.
        aliases: other service field names whose errors belong under this field.
    """

    name: str
    label: str
    value: str = ""
    options: tuple[tuple[str, Any], ...] | None = None
    placeholder: str = ""
    aliases: tuple[str, ...] = ()


Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
"""A service call: ``(fn, args, kwargs)``, run as ``host.call(fn, *args, **kwargs)``."""


class FormSelect(Select[Any]):
    """A choice of the form: Enter goes on to the next field, as it does from a text field;
    Space, Down or Up open the list (where Enter picks)."""

    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,space,up", "show_overlay", "Show menu", show=False),
        Binding("enter", "next_field", "Next", show=False),
    ]

    def action_next_field(self) -> None:
        form = self.screen
        if isinstance(form, FormDialog):
            form.advance(self.id or "")


class FormDialog(ModalScreen[Any]):
    """A modal form whose answer is one service call.

    Args:
        host: the plugin's host.
        title: what the form does (``Add a shift``).
        fields: its lines, in order.
        build: turns ``{name: value}`` into the service call to make.
    """

    CSS_PATH = FORM_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="ui.form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="ui.form.save"),
    ]

    def __init__(self, host: ScreenHost, title: str, fields: Sequence[Field],
                 build: Callable[[dict[str, Any]], Call]) -> None:
        super().__init__()
        self.host = host
        self.title_text = title
        self.fields = list(fields)
        self.build = build
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.title_text, classes="form-title", markup=False)
            for field in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(field.label, classes="form-label", markup=False)
                    if field.options is not None:
                        yield FormSelect(list(field.options), id=f"field-{field.name}", compact=True,
                                         allow_blank=False,
                                         value=field.value if field.value != "" else field.options[0][1])
                    else:
                        yield Input(field.value, id=f"field-{field.name}", placeholder=field.placeholder,
                                    compact=True, max_length=500)
                yield Static("", id=f"error-{field.name}", classes="form-error", markup=False)
            yield Static("", id="form-error", classes="form-error", markup=False)
            yield Static("Enter: next   Space: open a choice   Ctrl+S: save   Escape: back", classes="form-help",
                         markup=False)
        yield Footer()  # over the screen beneath's footer, whose keys wait until this closes

    def on_mount(self) -> None:
        self._clear_errors()
        self.query_one(f"#field-{self.fields[0].name}").focus()

    def values(self) -> dict[str, Any]:
        """The fields' values now: text trimmed, a choice's value as given."""
        found: dict[str, Any] = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            found[field.name] = widget.value.strip() if isinstance(widget, Input) else widget.value
        return found

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        self.advance(event.input.id or "")

    def advance(self, widget_id: str) -> None:
        """Enter on the field ``widget_id``: focus the next field, of any kind; from the last, submit."""
        names = [f.name for f in self.fields]
        name = widget_id.removeprefix("field-")
        following = names[names.index(name) + 1:] if name in names else []
        if following:
            self.query_one(f"#field-{following[0]}").focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        """Send the form to the service."""
        if self.busy:
            return
        self._clear_errors()
        try:
            call = self.build(self.values())
        except ValidationError as error:  # the form's own checks, before any call
            self.show_errors(error.errors, "" if error.errors else str(error))
            return
        self.busy = True
        self.query_one("#form-error", Static).update("Saving…")
        self.query_one("#form-error", Static).display = True
        self._run(call)

    @work(thread=True, exclusive=True, group="ui-form", exit_on_error=False)
    def _run(self, call: Call) -> None:
        fn, args, kwargs = call
        try:
            result = self.host.call(fn, *args, **kwargs)
        except ValidationError as error:
            self.app.call_from_thread(self.show_errors, dict(error.errors), "" if error.errors else str(error))
            return
        except MedofficeError as error:
            self.app.call_from_thread(self.show_errors, {}, str(error))
            return
        except Exception as error:  # a bug: logged and shown by the host, the form stays up
            log.exception("a form failed")
            self.host.notify_error(error)
            self.app.call_from_thread(self.show_errors, {}, f"unexpected {type(error).__name__}")
            return
        self.app.call_from_thread(self.dismiss, result)

    def _clear_errors(self) -> None:
        for error in self.query(".form-error").results(Static):
            error.update("")
            error.display = False

    def show_errors(self, errors: dict[str, str], message: str = "") -> None:
        """Each field's message under it; what belongs to no field (or ``message``) under the form."""
        self.busy = False
        self._clear_errors()
        owner = {alias: f.name for f in self.fields for alias in (f.name, *f.aliases)}
        rest = [message] if message else []
        focused = False
        for name, text in errors.items():
            if name in owner:
                label = self.query_one(f"#error-{owner[name]}", Static)
                label.update(text)
                label.display = True
                if not focused:
                    self.query_one(f"#field-{owner[name]}").focus()
                    focused = True
            else:
                rest.append(text)
        if rest:
            line = self.query_one("#form-error", Static)
            line.update("; ".join(rest))
            line.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)


def field_error(field: str, message: str) -> ValidationError:
    """A form's own complaint about one field (raised from a ``build`` function)."""
    return ValidationError(message, field=field)


__all__ = ["Call", "Field", "FormDialog", "FormSelect", "field_error"]


class NoticeDialog(ModalScreen[None]):
    """Shows a few lines (what an approval collides with, a series' conflicts); Enter or
    Escape closes it.

    Args:
        title: the first line, in bold.
        lines: the rest.
    """

    CSS_PATH = FORM_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="ui.notice.close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.title_text, classes="form-title", markup=False)
            yield Static("\n".join(self.lines), id="notice-text", markup=False)
            yield Static("Enter or Escape: close", classes="form-help", markup=False)
        yield Footer()  # over the screen beneath's footer, whose keys wait until this closes

    def action_close(self) -> None:
        self.dismiss(None)


__all__ += ["NoticeDialog"]
