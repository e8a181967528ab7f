"""Policies to acknowledge: everyone's screen. The signed-in staff member's policies not yet
acknowledged, the text of the one highlighted below them, and ``a`` to acknowledge it.

``a`` acknowledges the version whose text is on screen (``version=`` is passed, so a
version published meanwhile is refused, never signed unread). Keys typed ahead keep their
order: ``down a`` acknowledges the second policy once its text has arrived, not the first.
The list follows other terminals (the ``staff.policies`` topic)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable as TextualDataTable
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen, message_of, run_call


def _mine(ctx) -> list[Any]:
    from ..policies import unsigned

    return unsigned(ctx, mine=True)


def _read(ctx, title: str) -> Any:
    from ..policies import read

    return read(ctx, title)


def _acknowledge(ctx, title: str, version: int) -> Any:
    """The acknowledgment, or the refusal as a value: a refused acknowledgment (a newer
    version came) is the screen's to say, not a failed load that would drop the next key
    typed. The savepoint undoes anything the refusal left, so nothing is written."""
    from medoffice.core.errors import MedofficeError

    from ..policies import acknowledge

    try:
        with ctx.session.begin_nested():
            return acknowledge(ctx, title, version=version)
    except MedofficeError as refusal:
        return refusal


class PoliciesToAcknowledgeScreen(LiveListScreen):
    """The signed-in staff member's policies to acknowledge.

    Args:
        host: the staff plugin's host.
    """

    CSS_PATH = "hr_screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", "Acknowledge", id="staff.policies.acknowledge"),
        Binding("r", "reload", "Reload", id="staff.policies.reload"),
    ]

    TOPICS = ("staff.policies",)
    LIST = "#policies"

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.shown: Any = None
        """The policy text on screen (:class:`~medoffice.plugins.staff.policies.PolicyText`)."""
        self.pending: str | None = None
        """``a`` was pressed on this policy before its text arrived: acknowledge it on arrival."""
        self.signing = False
        self.signed: list[Any] = []
        """The acknowledgments made on this screen, in order."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading your policies…", id="hr-title", markup=False)
        yield DataTable(id="policies", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="policy-text-box"):
            yield Static("", id="policy-text", markup=False)
        yield Static("", id="hr-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Policies to acknowledge"
        table = self.query_one("#policies", DataTable)
        for label, width in (("Policy", 34), ("Version", 7), ("Due", 10), ("Status", 8)):
            table.add_column(label, width=width)

    def _say(self, text: str) -> None:
        self.query_one("#hr-status", Static).update(text)

    def list_call(self) -> tuple[Any, ...]:
        return (_mine,)

    def loaded(self, rows: list[Any]) -> None:
        if not self.is_attached:
            return
        self.rows = rows
        table = self.query_one("#policies", DataTable)
        wanted = self.highlighted()
        table.clear()
        for row in rows:
            table.add_row(row.policy, str(row.version), str(row.due_on), row.status.upper(), key=row.policy)
        titles = [r.policy for r in rows]
        if wanted in titles:
            table.move_cursor(row=titles.index(wanted))
        overdue = sum(1 for r in rows if r.status == "overdue")
        self.query_one("#hr-title", Static).update(
            f"{len(rows)} to acknowledge, {overdue} overdue  ·  a acknowledges the text shown" if rows
            else "Nothing to acknowledge: you have signed every policy of your role")
        if not rows:
            self.shown = None
            self.query_one("#policy-text", Static).update("")
        else:
            self.read(self.highlighted())

    def highlighted(self) -> str | None:
        """The title of the policy under the cursor."""
        row = super().highlighted()
        return row.policy if row is not None else None

    def on_data_table_row_highlighted(self, event: TextualDataTable.RowHighlighted) -> None:
        if self.rows and event.row_key is not None and event.row_key.value is not None:
            if self.shown is None or self.shown.title != event.row_key.value:
                self.read(event.row_key.value)

    def read(self, title: str | None) -> None:
        if title is not None:
            run_call(self, self.host, _read, title, write=False, done=self.show_text)

    def show_text(self, text: Any) -> None:
        if not self.is_attached or text.title != self.highlighted():
            return  # an answer for a row the cursor has left
        self.shown = text
        head = f"{text.title} ({text.category}), version {text.version} of {text.published_on}"
        body = text.body if text.body else f"The policy is the document at: {text.file_ref}"
        self.query_one("#policy-text", Static).update(head + ("\nChanges: " + text.note if text.note else "")
                                                      + "\n\n" + body)
        self.query_one("#policy-text-box", VerticalScroll).scroll_home(animate=False)
        if self.pending == text.title:
            self.pending = None
            self.sign(text)

    def action_acknowledge(self) -> None:
        wanted = self.highlighted()
        if wanted is None or self.signing:
            return
        if self.shown is None or self.shown.title != wanted:
            self.pending = wanted  # its text is on its way: acknowledge what arrives
            return
        self.sign(self.shown)

    def sign(self, text: Any) -> None:
        self.signing = True
        run_call(self, self.host, _acknowledge, text.title, text.version, done=self.signed_one,
                 failed=self.sign_failed)

    def sign_failed(self, error: BaseException) -> None:
        self.signing = False
        self._say(message_of(error))

    def signed_one(self, record: Any) -> None:
        self.signing = False
        if isinstance(record, BaseException):
            self.sign_failed(record)
            self.load()
            return
        self.signed.append(record)
        self._say(f"Acknowledged {record.policy}, version {record.version}")
        self.shown = None
        self.load()

    def action_reload(self) -> None:
        self.load()


__all__ = ["PoliciesToAcknowledgeScreen"]
