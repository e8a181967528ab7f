"""The scheduling plugin's TUI: the day board, the booking flow, the patient card's
appointments panel and the palette actions.

Nothing here is imported until the user opens one of them: the plugin's hooks name these
classes by import path. Every screen reaches the database through the
:class:`~medoffice.core.ui.ScreenHost` (``host.call`` in a thread worker), calling the same
services as ``medoffice appointments …``.
"""
