"""What a plugin names things (a panel's title, a palette action and its help line) shows as
the plugin wrote it. Textual reads a ``str`` title or palette line as console markup: a
plugin's "[link=https://…]Alerts[/link]" became a clickable link, "[bold red]" a style, and
a stray "[/]" an error that closed the palette."""

from __future__ import annotations

from textual.content import Content

from medoffice.tui.commands import MedofficeCommands, PaletteEntry
from medoffice.tui.screens.plugin_host import PluginErrorPanel, build_plugin_widget

HOSTILE = "[link=https://evil.example]Alerts[/link] [bold red]now[/]"


def shown(title) -> Content:
    """What Textual draws for a prompt or help line (as its command palette does)."""
    return Content.from_markup(title)


def test_a_plugin_panels_title_is_drawn_as_written():
    panel = build_plugin_widget("alerts", "textual.widgets.Static", HOSTILE)
    assert panel._border_title.plain == HOSTILE
    assert not [span for span in panel._border_title.spans if "link" in str(span.style)]


def test_a_failed_plugin_panels_title_is_drawn_as_written():
    panel = PluginErrorPanel("alerts", HOSTILE, "boom")
    assert panel._border_title.plain == HOSTILE


async def test_palette_lines_from_a_plugin_are_drawn_as_written(monkeypatch):
    entry = PaletteEntry(HOSTILE, "from [link=https://evil.example]alerts[/link] [/]", lambda: None)
    monkeypatch.setattr(MedofficeCommands, "_entries", lambda self: [entry])
    provider = MedofficeCommands.__new__(MedofficeCommands)
    provider.__dict__["_match_style"] = None
    discovered = [hit async for hit in provider.discover()]
    assert [(shown(h.prompt).plain, shown(h.help).plain) for h in discovered] == [(HOSTILE, entry.help)]
