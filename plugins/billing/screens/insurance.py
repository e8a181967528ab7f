"""A patient's insurance at the desk: the active policies, and a form to add one, correct one
or end one, opened with ``i`` from the card's Billing panel.

The form asks what the card in the patient's hand says: the payer (any part of its name: the
payers that match show as it is typed), the member ID, the group, the copay, primary or
secondary, and whose policy it is. When the patient is not the subscriber (a child on a
parent's plan), the subscriber's name, birth date and sex are asked too, as the 837P claim
needs them. Every field is checked by the same service ``medoffice billing policies add|edit``
uses; an error shows under its field, and nothing is saved.

A patient with no policy yet (a walk-in just registered) goes straight to the form: ``i``, the
payer, Enter, the member ID, Ctrl+S.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import ContentSwitcher, Header, Input, Label, Static

from medoffice.core import Context, ValidationError
from medoffice.core.records import PatientRecord
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, message_of, run_call

from ..vocabulary import POLICY_RANKS, RELATIONSHIPS
from ._shared import money

SUBSCRIBER = ("subscriber_first_name", "subscriber_last_name", "subscriber_date_of_birth", "subscriber_sex")
FIELDS = ("payer", "member_id", "group_number", "copay", "rank", "relationship", *SUBSCRIBER)
LABELS = {
    "payer": ("Payer", "type part of the name"), "member_id": ("Member ID", "as on the card"),
    "group_number": ("Group", "optional"), "copay": ("Copay", "e.g. 25.00 (blank: none)"),
    "rank": ("Rank", "primary or secondary"), "relationship": ("Patient is", "self, spouse, child or other"),
    "subscriber_first_name": ("Subscriber first", "the policy holder's first name"),
    "subscriber_last_name": ("Subscriber last", "the policy holder's last name"),
    "subscriber_date_of_birth": ("Subscriber born", "YYYY-MM-DD"),
    "subscriber_sex": ("Subscriber sex", "female, male or unknown (f/m/u)"),
}
SUGGESTIONS = {"rank": POLICY_RANKS, "relationship": tuple(RELATIONSHIPS), "subscriber_sex": ("female", "male", "unknown")}


@attrs.frozen
class Insurance:
    """What the screen shows: the patient's active policies, and the payers to pick from."""

    policies: tuple[Any, ...]
    payers: tuple[str, ...]


def load_insurance(ctx: Context, mrn: str) -> Insurance:
    """The active policies (primary first) and the payers' names, in one unit of work."""
    from .. import policies

    return Insurance(tuple(policies.list_policies(ctx, mrn)), tuple(policies.payer_names(ctx)))


def save_policy(ctx: Context, mrn: str, policy_id: int | None, values: dict[str, str]) -> Any:
    """Add (``policy_id`` None) or change a policy from the form's values."""
    from .. import policies

    data = {name: value for name, value in values.items() if name != "payer"}
    if data.get("relationship", "").strip().lower() == "self":
        for name in SUBSCRIBER:
            data.pop(name, None)
    if policy_id is None:
        return policies.add_policy(ctx, mrn, values["payer"], {k: v for k, v in data.items() if v != ""})
    return policies.update_policy(ctx, policy_id, data, payer=values["payer"])


def end_policy(ctx: Context, policy_id: int) -> Any:
    from .. import policies

    return policies.end_policy(ctx, policy_id)


def matching(payers: tuple[str, ...], typed: str) -> list[str]:
    """The payers whose name contains what was typed (all of them when nothing is)."""
    wanted = " ".join(typed.split()).lower()
    return [name for name in payers if wanted in name.lower()]


def policy_line(policy: Any) -> str:
    """``Acme Health (primary), member ACM123``: the policy in the desk's words."""
    return f"{policy.payer} ({policy.rank}), member {policy.member_id}"


class InsuranceScreen(Screen[bool]):
    """A patient's policies; ``a`` adds one, Enter corrects the one selected, ``x`` ends it.
    Dismisses with True when anything was saved (the card then reloads its panel).

    Args:
        host: the billing plugin's host.
        patient: whose insurance it is.
        adding: open on the form for a new policy at once, before anything is read (the
            card knows the patient has none): what the desk types straight after ``i`` lands
            in the payer field, and a part of a payer's name is resolved when saving.
    """

    CSS_PATH = "insurance.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="billing.insurance.back"),
        Binding("a", "add", "Add policy", id="billing.insurance.add"),
        Binding("x", "end", "End policy", id="billing.insurance.end"),
        Binding("ctrl+s", "save", "Save", id="billing.insurance.save"),
        Binding("y", "confirm_end", "Yes, end it", show=False),
    ]

    def __init__(self, host: ScreenHost, patient: PatientRecord, *, adding: bool = False) -> None:
        super().__init__()
        self.host = host
        self.patient = patient
        self.adding = adding
        self.step = "loading"
        self.data: Insurance | None = None
        self.editing: Any = None
        self.ending: Any = None
        self.changed = False
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Insurance of {self.patient.display_name}", id="insurance-title", markup=False)
        with ContentSwitcher(initial="form" if self.adding else "list", id="insurance-steps"):
            with Vertical(id="list"):
                yield DataTable(id="policies", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="form"):
                for name in FIELDS:
                    label, placeholder = LABELS[name]
                    with Horizontal(classes="field", id=f"row-{name}"):
                        yield Label(label, classes="label")
                        suggestions = SUGGESTIONS.get(name)
                        yield Input(id=name, placeholder=placeholder,
                                    suggester=SuggestFromList(suggestions, case_sensitive=False)
                                    if suggestions else None)
                    yield Static("", id=f"{name}-error", classes="error", markup=False)
        yield Static("Loading the insurance…", id="insurance-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Insurance"
        self.query_one("#policies", DataTable).add_columns("Rank", "Payer", "Member", "Group", "Subscriber", "Copay")
        for name in FIELDS:
            self._error(name, "")
        if self.adding:
            self._new_policy(has_primary=False)
        self.load()

    def load(self, then_say: str = "") -> None:
        """Read the policies and payers; with none on file, open the form to add one."""
        def done(found: Insurance) -> None:
            self.data = found
            table = self.query_one("#policies", DataTable)
            table.clear()
            for policy in found.policies:
                holder = ("self" if policy.relationship == "self" else
                          f"{policy.subscriber.first_name} {policy.subscriber.last_name} ({policy.relationship})")
                table.add_row(policy.rank, policy.payer, policy.member_id, policy.group_number or "", holder,
                              money(policy.copay) if policy.copay else "", key=str(policy.id))
            if self.step == "form":  # the desk is typing a policy: leave the form as it is
                self._payer_typed_again()
                return
            if not found.policies and self.step == "loading":  # first read: nothing to list
                self.action_add()
                return
            self._go("list")
            table.focus()
            self.say(then_say or ("No insurance on file: a adds a policy." if not found.policies
                                  else "Enter: correct the policy   a: add one   x: end it   Escape: back"))

        run_call(self, self.host, load_insurance, self.patient.mrn, write=False, done=done,
                 failed=lambda error: self.say(message_of(error)), notify=False)

    # -- the form ----------------------------------------------------------------------------

    def action_add(self) -> None:
        """A new policy: primary unless the patient has one, the patient as the subscriber."""
        if self.data is None:
            return
        self._new_policy(has_primary=any(p.rank == "primary" for p in self.data.policies))

    def _new_policy(self, *, has_primary: bool) -> None:
        self.editing = None
        self._fill({"rank": "secondary" if has_primary else "primary", "relationship": "self"})
        self.say("Payer: type part of its name, Enter to take the match.   Ctrl+S: save   Escape: back")

    @on(DataTable.RowSelected, "#policies")
    def _edit_selected(self, event: DataTable.RowSelected) -> None:
        policy = self._policy(event.row_key.value)
        if policy is None:
            return
        self.editing = policy
        subscriber = {} if policy.relationship == "self" else {
            "subscriber_first_name": policy.subscriber.first_name, "subscriber_last_name": policy.subscriber.last_name,
            "subscriber_date_of_birth": str(policy.subscriber.date_of_birth or ""),
            "subscriber_sex": policy.subscriber.sex}
        self._fill({"payer": policy.payer, "member_id": policy.member_id, "group_number": policy.group_number or "",
                    "copay": f"{policy.copay:.2f}" if policy.copay else "", "rank": policy.rank,
                    "relationship": policy.relationship, **subscriber})
        self.say(f"Correct {policy_line(policy)}.   Ctrl+S: save   Escape: back")

    def _fill(self, values: dict[str, str]) -> None:
        for name in FIELDS:
            self.query_one(f"#{name}", Input).value = values.get(name, "")
            self._error(name, "")
        self._show_subscriber()
        self._go("form")
        self.query_one("#payer", Input).focus()

    @on(Input.Changed, "#payer")
    def _payer_typed(self, event: Input.Changed) -> None:
        self._show_matches(event.value)

    def _payer_typed_again(self) -> None:
        """The payers have arrived after the desk started typing: show what matches now."""
        self._show_matches(self.query_one("#payer", Input).value)

    def _show_matches(self, typed: str) -> None:
        if self.data is None or self.step != "form":
            return
        found = matching(self.data.payers, typed)
        if not typed.strip() or found == [typed]:
            self._error("payer", "")
        elif not found:
            self._error("payer", "No payer matches: " + (", ".join(self.data.payers) or "none yet; a biller adds them"))
        elif len(found) == 1:
            self._error("payer", f"→ {found[0]}")
        else:
            self._error("payer", "Matches: " + ", ".join(found[:6]) + (" …" if len(found) > 6 else ""))

    def _error(self, name: str, message: str) -> None:
        """The line under a field: shown only when it says something."""
        line = self.query_one(f"#{name}-error", Static)
        line.update(message)
        line.display = bool(message)

    @on(Input.Changed, "#relationship")
    def _relationship_typed(self) -> None:
        self._show_subscriber()

    def _show_subscriber(self) -> None:
        """The subscriber's fields only when the patient is not the subscriber."""
        typed = self.query_one("#relationship", Input).value.strip().lower()
        shown = bool(typed) and typed != "self"
        for name in SUBSCRIBER:
            self.query_one(f"#row-{name}").display = shown

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter: on the payer, take the one match; then the next field; on the last, save."""
        if self.step != "form":
            return
        name = event.input.id
        if name == "payer" and self.data is not None:
            found = matching(self.data.payers, event.value)
            if len(found) == 1 and event.value.strip():
                event.input.value = found[0]
        visible = [n for n in FIELDS if self.query_one(f"#row-{n}").display]
        index = visible.index(name) if name in visible else len(visible)
        if index + 1 < len(visible):
            self.query_one(f"#{visible[index + 1]}", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        """Save the policy as typed: a new one, or the corrections."""
        if self.step != "form" or self.busy:
            return
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in FIELDS}
        for name in FIELDS:
            self._error(name, "")
        self.busy = True
        self.say("Saving…")

        def failed(error: BaseException) -> None:
            self.busy = False
            errors = error.errors if isinstance(error, ValidationError) else {}
            shown = [name for name in FIELDS if name in errors]
            for name in shown:
                self._error(name, errors[name])
            self.say("Not saved: fix what is marked." if shown else f"Not saved: {message_of(error)}")
            if shown:
                self.query_one(f"#{shown[0]}", Input).focus()

        def done(policy: Any) -> None:
            self.busy = False
            self.changed = True
            self._go("list")
            self.load(then_say=f"Saved: {policy_line(policy)}.")

        policy_id = self.editing.id if self.editing is not None else None
        run_call(self, self.host, save_policy, self.patient.mrn, policy_id, values, done=done, failed=failed,
                 notify=False)

    # -- ending a policy ---------------------------------------------------------------------

    def action_end(self) -> None:
        """Ask before ending the selected policy (it stops being billed from today)."""
        table = self.query_one("#policies", DataTable)
        if self.step != "list" or not table.row_count:
            return
        policy = self._policy(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        if policy is not None:
            self.ending = policy
            self.say(f"End {policy_line(policy)} today? y: yes, end it   any other key: no")

    def action_confirm_end(self) -> None:
        policy, self.ending = self.ending, None
        if policy is None:
            return

        def done(ended: Any) -> None:
            self.changed = True
            self.load(then_say=f"Ended {policy_line(ended)} on {ended.effective_to}.")

        run_call(self, self.host, end_policy, policy.id, done=done,
                 failed=lambda error: self.say(f"Not ended: {message_of(error)}"), notify=False)

    def on_key(self, event: events.Key) -> None:
        """Any key but ``y`` answers no to "end it?"."""
        if self.ending is not None and event.key != "y":
            self.ending = None
            self.say("Not ended.")

    # -- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add", "end"):
            return self.step == "list"
        if action == "save":
            return self.step == "form"
        if action == "confirm_end":
            return self.ending is not None
        return True

    def action_back(self) -> None:
        """From the form, back to the list (or close, when there is nothing to list)."""
        if self.step == "form" and self.data is not None and self.data.policies:
            self._go("list")
            self.query_one("#policies", DataTable).focus()
            self.say("Not saved.")
            return
        self.dismiss(self.changed)

    def _policy(self, key: str | None) -> Any:
        return next((p for p in (self.data.policies if self.data else ()) if str(p.id) == key), None)

    def _go(self, step: str) -> None:
        self.step = step
        self.query_one("#insurance-steps", ContentSwitcher).current = step
        self.refresh_bindings()

    def say(self, message: str) -> None:
        """One line under the screen."""
        if self.is_attached:
            self.query_one("#insurance-message", Static).update(message)


__all__ = ["Insurance", "InsuranceScreen", "load_insurance", "matching", "save_policy"]
