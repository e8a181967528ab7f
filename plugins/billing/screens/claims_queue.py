"""The claims queue: the claims at work (draft, ready, submitted, denied), the scrubber's
findings for the selected claim, and keys to build claims for the closed encounters, scrub
the drafts and export the ready claims as one 837P batch.

Each key calls the claims service ``medoffice billing claims …`` uses (``build_claims``,
``scrub_claims``, ``export_batch``); nothing here builds, checks or writes a claim itself.
An export that the service refuses writes nothing, and its problems are listed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Label, Static

from medoffice.core import Context, MedofficeError
from medoffice.core.files import OutputFile
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, may, message_of, run_call

from ._shared import CLAIMS, money

WORKING = ("draft", "ready", "submitted", "denied")
"""The statuses the queue lists (paid claims are done)."""
STATUS_STYLES = {"draft": "yellow", "ready": "bold green", "submitted": "cyan", "denied": "bold red"}


@attrs.frozen
class Queue:
    """The claims of each working status, newest first, and the practice's today."""

    claims: dict[str, tuple[Any, ...]] = attrs.field(eq=False)
    today: dt.date


def claims_queue(ctx: Context) -> Queue:
    """The draft, ready, submitted and denied claims."""
    from ..claims import list_claims

    return Queue({status: tuple(list_claims(ctx, status=status)) for status in WORKING},
                 ctx.local(ctx.now()).date())


def build_and_scrub(ctx: Context) -> tuple[Any, list[Any]]:
    """Build the claims of every closed encounter without one, then scrub the drafts."""
    from ..claims import build_claims, scrub_claims

    built = build_claims(ctx)
    return built, scrub_claims(ctx)


def export_ready(ctx: Context, receiver_id: str, receiver_name: str, target: OutputFile) -> Any:
    """Export every ready claim as one batch (``x12.batches.Export``), its file written to
    ``target``'s temporary name in the same unit of work: a file that cannot be written
    records no batch. The caller puts the file in place once the batch is committed."""
    from ..x12.batches import export_batch

    export = export_batch(ctx, None, receiver_id=receiver_id or None, receiver_name=receiver_name or None,
                          file_name=Path(target.path).name)
    target.write(export.text, encoding="ascii")
    return export


class ExportDialog(ModalScreen[tuple[str, str, str] | None]):
    """Asks where the batch goes: the receiver (blank: the payer, when the claims all go to
    one) and the file; dismisses with ``(receiver id, receiver name, path)``.

    Args:
        count: how many claims are ready.
        path: the file offered.
    """

    CSS_PATH = "claims_queue.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Back", id="billing.export.cancel")]

    def __init__(self, count: int, path: str) -> None:
        super().__init__()
        self.count = count
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Export the {self.count} ready claim(s) as one 837P batch", classes="question")
            for name, label, value, hint in (
                    ("receiver-id", "Receiver id", "", "blank: the payer's id"),
                    ("receiver-name", "Receiver", "", "your clearinghouse"),
                    ("file", "File", self.path, "where to write it")):
                with Horizontal(classes="field"):
                    yield Label(label, classes="label")
                    yield Input(value, id=name, placeholder=hint)
            yield Static("Enter: next / export   Escape: back", id="dialog-message", markup=False)
        yield Footer()  # over the screen beneath's footer, whose keys wait until this closes

    def on_mount(self) -> None:
        self.query_one("#receiver-id", Input).focus()

    @on(Input.Submitted, "#receiver-id")
    def _to_name(self) -> None:
        self.query_one("#receiver-name", Input).focus()

    @on(Input.Submitted, "#receiver-name")
    def _to_file(self) -> None:
        self.query_one("#file", Input).focus()

    @on(Input.Submitted, "#file")
    def _export(self) -> None:
        path = self.query_one("#file", Input).value.strip()
        if not path:
            self.query_one("#dialog-message", Static).update("Name the file to write (Escape: back).")
            return
        self.dismiss((self.query_one("#receiver-id", Input).value.strip(),
                      self.query_one("#receiver-name", Input).value.strip(), path))

    def action_cancel(self) -> None:
        self.dismiss(None)


SHOW = Binding.Group("Show")
"""The footer's one label for the status filters: all, draft, ready, submitted, denied."""


class ClaimsQueueScreen(Screen[None]):
    """Claims by status, the scrubber's findings, build, scrub and export.

    Args:
        host: the billing plugin's host.
        save_dir: where exported batches are offered to be written (default: the current folder).
    """

    CSS_PATH = "claims_queue.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "build", "Build", id="billing.claims.build", tooltip="Build claims from closed encounters"),
        Binding("c", "scrub", "Scrub", id="billing.claims.scrub"),
        Binding("e", "export", "Export", id="billing.claims.export", tooltip="Export the ready claims as an 837P"),
        Binding("a", "show('all')", "Show all", id="billing.claims.all", group=SHOW),
        Binding("d", "show('draft')", "Show drafts", id="billing.claims.draft", group=SHOW),
        Binding("r", "show('ready')", "Show ready", id="billing.claims.ready", group=SHOW),
        Binding("s", "show('submitted')", "Show submitted", id="billing.claims.submitted", group=SHOW),
        Binding("n", "show('denied')", "Show denied", id="billing.claims.denied", group=SHOW),
    ]
    """The status filters share one footer label, so that the keys fit 80 columns; the help
    screen (F1) names each."""

    def __init__(self, host: ScreenHost, *, save_dir: Path | None = None) -> None:
        super().__init__()
        self.host = host
        self.save_dir = save_dir
        self.queue: Queue | None = None
        self.showing = "all"
        self.shown: list[Any] = []
        self.problems: dict[int, tuple[str, ...]] = {}
        """Claim id -> what the last scrub here found (empty: nothing)."""
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the claims…", id="claims-title", markup=False)
        yield DataTable(id="claims", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="claim-detail"):
            yield Static("", id="claim-problems", markup=False)
        yield Static("", id="claims-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Claims queue"
        table = self.query_one("#claims", DataTable)
        for label, width in (("Claim", 8), ("Date", 10), ("Patient", 15), ("Payer", 13), ("Status", 9),
                             ("Total", 10)):
            table.add_column(label, width=width)
        self.load()

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the queue again, off the UI thread."""
        run_call(self, self.host, claims_queue, write=False, done=self.show_queue,
                 failed=lambda error: self.say(message_of(error)))

    def show_queue(self, queue: Queue) -> None:
        """Show ``queue``, filtered by the status chosen."""
        if not self.is_attached:
            return
        self.queue = queue
        selected = self.selected()
        statuses = WORKING if self.showing == "all" else (self.showing,)
        self.shown = sorted((c for s in statuses for c in queue.claims[s]), key=lambda c: c.id, reverse=True)
        table = self.query_one("#claims", DataTable)
        table.clear()
        for claim in self.shown:
            table.add_row(claim.claim_number, str(claim.date_of_service), _fit(claim.patient, 15),
                          _fit(claim.payer, 13), Text(claim.status, style=STATUS_STYLES.get(claim.status, "")),
                          Text(money(claim.total), justify="right"), key=str(claim.id))
        counts = "  ".join(f"{status} {len(queue.claims[status])}" for status in WORKING)
        self.query_one("#claims-title", Static).update(f"Claims: {counts}  ·  showing {self.showing}")
        if selected is not None:
            index = next((i for i, c in enumerate(self.shown) if c.id == selected.id), None)
            if index is not None:
                table.move_cursor(row=index, animate=False)
        self.show_claim(self.selected())
        self.refresh_bindings()

    def selected(self) -> Any | None:
        """The claim under the cursor."""
        table = self.query_one("#claims", DataTable)
        if not self.shown or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    @on(DataTable.RowHighlighted, "#claims")
    def _highlighted(self) -> None:
        self.show_claim(self.selected())

    def show_claim(self, claim: Any | None) -> None:
        """The selected claim and what the scrubber found in it."""
        box = self.query_one("#claim-problems", Static)
        if claim is None:
            box.update("No claims here. b builds claims for the closed encounters.")
            return
        text = Text()
        text.append(f"{claim.claim_number}", style="bold")
        text.append(f"  {claim.patient} ({claim.mrn})  {claim.payer}, {claim.sequence}  {money(claim.total)}")
        if claim.batch_id:
            text.append(f"  batch {claim.batch_id}")
        found = self.problems.get(claim.id)
        if found is None:
            text.append("\nNot scrubbed here yet: c scrubs the drafts." if claim.status == "draft" else "")
        elif not found:
            text.append("\nScrubbed: no problem found.", style="green")
        else:
            text.append(f"\nScrubbed: {len(found)} problem(s) to fix:", style="bold yellow")
            for problem in found:
                text.append(f"\n - {problem}")
        box.update(text)

    def say(self, message: str) -> None:
        """One line under the queue: the last action's outcome."""
        if self.is_attached:
            self.query_one("#claims-message", Static).update(message)

    # -- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("build", "scrub", "export"):
            return may(self.host, CLAIMS)
        return True

    def action_show(self, status: str) -> None:
        """Show the claims of one status (or all the working ones)."""
        self.showing = status
        if self.queue is not None:
            self.show_queue(self.queue)

    def _run(self, fn: Any, *args: Any, done: Any, doing: str, on_failure: Any = None) -> None:
        if self.busy:
            return
        self.busy = True
        self.say(doing)

        def finished(result: Any) -> None:
            self.busy = False
            done(result)
            self.load()

        def failed(error: BaseException) -> None:
            self.busy = False
            if on_failure is not None:
                on_failure()
            self.say(message_of(error))
            self.load()

        run_call(self, self.host, fn, *args, done=finished, failed=failed, notify=False)

    def _remember(self, results: list[Any]) -> None:
        for result in results:
            self.problems[result.claim_id] = tuple(result.problems)

    def action_build(self) -> None:
        """Build the claims of the closed encounters that have none, and scrub them."""
        def done(result: tuple[Any, list[Any]]) -> None:
            built, scrubbed = result
            self._remember(scrubbed)
            ready = sum(1 for r in scrubbed if not r.problems)
            aside = f"; {len(built.skipped)} encounter(s) left aside ({built.skipped[0]})" if built.skipped else ""
            self.say(f"Built {len(built.built)} claim(s); {ready} of the drafts scrubbed ready{aside}.")

        self._run(build_and_scrub, done=done, doing="Building claims…")

    def action_scrub(self) -> None:
        """Scrub the drafts (and the selected claim, if ready): every problem is listed."""
        from ..claims import scrub_claims

        ids = [c.id for c in (self.queue.claims["draft"] if self.queue else ())]
        chosen = self.selected()
        if chosen is not None and chosen.status == "ready" and chosen.id not in ids:
            ids.append(chosen.id)
        if not ids:
            self.say("No draft to scrub.")
            return

        def done(results: list[Any]) -> None:
            self._remember(results)
            bad = sum(1 for r in results if r.problems)
            self.say(f"Scrubbed {len(results)} claim(s): {len(results) - bad} ready, {bad} with problems.")

        self._run(scrub_claims, ids, done=done, doing="Scrubbing…")

    def action_export(self) -> None:
        """Export every ready claim as one batch, asking for the receiver and the file."""
        ready = len(self.queue.claims["ready"]) if self.queue else 0
        if not ready:
            self.say("No claim is ready to export (scrub the drafts first: c).")
            return
        folder = self.save_dir or Path.cwd()
        offered = folder / f"claims-{self.queue.today:%Y%m%d}.837"
        self.host.push_screen(ExportDialog(ready, str(offered)), self._export_to)

    def _export_to(self, answer: tuple[str, str, str] | None) -> None:
        if answer is None:
            return
        receiver_id, receiver_name, path = answer
        target = Path(path).expanduser()
        pending = OutputFile(target)

        def done(export: Any) -> None:
            batch = export.batch
            try:
                pending.publish()
            except MedofficeError as error:
                self.say(f"Batch {batch.id} recorded but not put in place at {target}: {message_of(error)}; "
                         f"write it again with 'medoffice billing claims export --batch {batch.id}'.")
                return
            self.say(f"Exported batch {batch.id}: {batch.claim_count} claim(s), {money(batch.total)}, "
                     f"ISA13 {batch.interchange_control_number:09d}, to {target}.")

        self._run(export_ready, receiver_id, receiver_name, pending, done=done, doing="Exporting…",
                  on_failure=pending.discard)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = ["ClaimsQueueScreen", "ExportDialog", "Queue", "build_and_scrub", "claims_queue", "export_ready"]
