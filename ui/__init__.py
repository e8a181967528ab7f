"""The UI kit: the Textual widgets, dialogs and helpers plugin screens are built from.

Layers run ``medoffice.core`` <- ``medoffice.ui`` <- ``medoffice.plugins.*`` <-
``medoffice.tui``: the kit imports the core and Textual, never a plugin nor the shell, so a
plugin's screen imports it as freely as the core. Import from here, not from
``textual.widgets``, what the kit has (docs/plugins.md, "The UI kit"):

- :class:`Footer` and :class:`DataTable`: Textual's, made to behave as the product needs
  (a footer that rebuilds only when its keys change and fits 80 columns; a table that shows
  text as typed, never as markup, and redraws rows measured late). The shell used to patch
  Textual's own classes for every screen; the kit's subclasses do it for the screens that
  use them, and leave Textual as it is.
- :func:`run_call`, :func:`may`, :func:`message_of`: a service call off the UI thread with
  its error in one line; what the signed-in user may do.
- :class:`PatientPicker` and :class:`PatientSearch`: "which patient?", as a modal or as
  search-as-you-type in a field of the screen's own.
- :class:`LiveListScreen`: a screen around one list, read through the host and read again
  when another terminal changes its topics.
- :class:`ReasonDialog`, :class:`ChoiceDialog`, :class:`FormDialog` (with :class:`Field`),
  :class:`NoticeDialog`: small modal questions and forms.

The private Textual names the kit and the shell depend on live in one module,
:mod:`medoffice.ui._textual_private`, checked against the installed Textual by a test.
Importing this package imports Textual; ``medoffice.core`` never does.
"""

from __future__ import annotations

from medoffice.core._lazy import lazy_names

# Each name loads with its module on first use: the sign-in screen takes the footer alone,
# before the practice (and SQLAlchemy) is loaded (docs/performance.md, "Terminal UI").
__getattr__ = lazy_names(__name__, {
    "may": "calls", "message_of": "calls", "run_call": "calls",
    "DataTable": "data_table", "fit": "data_table",
    "ChoiceDialog": "dialogs", "ReasonDialog": "dialogs",
    "Footer": "footer",
    "Call": "forms", "Field": "forms", "FormDialog": "forms", "FormSelect": "forms", "NoticeDialog": "forms",
    "field_error": "forms",
    "LiveListScreen": "live",
    "PatientPicker": "patients", "PatientSearch": "patients",
}, globals())


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Call", "ChoiceDialog", "DataTable", "Field", "Footer", "FormDialog", "FormSelect", "LiveListScreen",
    "NoticeDialog", "PatientPicker", "PatientSearch", "ReasonDialog", "field_error", "fit", "may", "message_of",
    "run_call",
]
