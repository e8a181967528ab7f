"""A biller sends an exported 837P batch to the clearinghouse and collects its 277 and 835
files, through a connector: billing's own file drop, or a plugin's (billing publishes
``medoffice_billing_clearinghouse`` for them).

The world: Ann's visit is claimed and exported as batch 1 (see _claims_world).
"""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import select

from medoffice.core import hookimpl
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.billing import clearinghouse, file_drop
from medoffice.plugins.billing.hookspecs import ClearinghouseFile
from medoffice.plugins.billing.x12 import batches

from ._claims_world import claim_sent, encounter, make_billable

pytestmark = pytest.mark.medoffice_plugins("billing")

ANSWER_277 = ("ISA*00*          *00*          *ZZ*CLEARING       *ZZ*PRACTICE       *260105*1200*^*00501*000000007*0*P*:~"
              "GS*HN*CLEARING*PRACTICE*20260105*1200*7*X*005010X214~ST*277*0001*005010X214~SE*2*0001~GE*1*7~"
              "IEA*1*000000007~")
ANSWER_835 = "ISA*00*~GS*HP*~ST*835*0001~SE*2*0001~"


class Portal:
    """A clearinghouse's web service, in memory, offered by a connector plugin."""

    name = "portal"

    def __init__(self) -> None:
        self.uploaded: list[tuple[str, str]] = []
        self.waiting = [ClearinghouseFile("ack.277", ANSWER_277)]
        self.acknowledged: list[str] = []

    def submit(self, ctx, file_name, text):
        self.uploaded.append((file_name, text))
        return f"upload #{len(self.uploaded)}"

    def fetch(self, ctx):
        return list(self.waiting)

    def acknowledge(self, ctx, names):
        self.acknowledged += names
        self.waiting = [f for f in self.waiting if f.name not in names]


class PortalPlugin:
    from medoffice.core import PluginInfo

    plugin_info = PluginInfo(id="portal", title="Portal", api_version=1)

    def __init__(self) -> None:
        self.portal = Portal()

    @hookimpl(optionalhook=True)  # billing's hook: the plugin may be installed without billing
    def medoffice_billing_clearinghouse(self, ctx):
        return self.portal


@pytest.fixture
def portal_plugin():
    return PortalPlugin()


@pytest.fixture
def medoffice_extra_plugins(request):
    return [request.getfixturevalue("portal_plugin")] if "portal" in request.node.name else []


@pytest.fixture
def batch(medoffice_practice, world) -> int:
    make_billable(medoffice_practice, world)
    claim_sent(medoffice_practice, encounter(medoffice_practice, world, world.ann))
    with medoffice_practice.operation("billing", write=False) as ctx:
        (only,) = batches.list_batches(ctx)
    return only.id


@pytest.fixture
def folders(tmp_path):
    outbox, inbox, kept = tmp_path / "outbox", tmp_path / "inbox", tmp_path / "kept"
    for folder in (outbox, inbox, kept):
        folder.mkdir()
    return outbox, inbox, kept


def act(practice, function, *args, user="billing", **options):
    with practice.operation(user) as ctx:
        return function(ctx, *args, **options)


def audited(practice, action) -> list[dict]:
    with practice.operation("admin", write=False) as ctx:
        rows = ctx.session.execute(select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.seq)).scalars()
        return [json.loads(r.summary) for r in rows]


def batch_text(practice, batch_id) -> str:
    return act(practice, batches.batch_file, batch_id).text


class TestFileDrop:
    def test_a_batch_lands_whole_in_the_outbox_once(self, medoffice_practice, batch, folders):
        outbox, inbox, _ = folders
        act(medoffice_practice, file_drop.set_up, str(outbox), str(inbox), user="manager")
        sent = act(medoffice_practice, clearinghouse.submit, batch)
        (landed,) = outbox.iterdir()
        assert (sent.connector, sent.file_name, sent.destination) == ("file-drop", landed.name, str(landed))
        assert landed.read_text(encoding="ascii") == batch_text(medoffice_practice, batch)
        assert oct(landed.stat().st_mode & 0o777) == oct(0o600)
        with pytest.raises(Conflict, match="already in the outbox: the clearinghouse has not taken it yet"):
            act(medoffice_practice, clearinghouse.submit, batch)
        assert [p.name for p in outbox.iterdir()] == [landed.name]  # no scratch file left behind
        assert audited(medoffice_practice, "billing.batch.submitted") == [{"connector": "file-drop",
                                                                           "file": landed.name}]

    def test_answers_are_kept_named_by_kind_and_collected_once(self, medoffice_practice, batch, folders):
        outbox, inbox, kept = folders
        act(medoffice_practice, file_drop.set_up, str(outbox), str(inbox), user="manager")
        (inbox / "a.277").write_text(ANSWER_277)
        (inbox / "b.835").write_text(ANSWER_835)
        (inbox / ".partial").write_text("still downloading")
        os.utime(inbox / "b.835", (1, 1))  # the older file comes first
        found = act(medoffice_practice, clearinghouse.fetch, kept)
        assert [(f.name, f.kind) for f in found] == [("b.835", "835"), ("a.277", "277")]
        assert (kept / "a.277").read_text() == ANSWER_277
        assert sorted(p.name for p in inbox.iterdir()) == [".partial", "fetched"]
        assert sorted(p.name for p in (inbox / "fetched").iterdir()) == ["a.277", "b.835"]
        assert act(medoffice_practice, clearinghouse.fetch, kept) == []
        assert audited(medoffice_practice, "billing.clearinghouse.fetched")[0] == {
            "files": [{"name": "b.835", "kind": "835"}, {"name": "a.277", "kind": "277"}]}

    def test_a_name_already_kept_fetches_nothing_and_loses_nothing(self, medoffice_practice, batch, folders):
        outbox, inbox, kept = folders
        act(medoffice_practice, file_drop.set_up, str(outbox), str(inbox), user="manager")
        (inbox / "a.277").write_text(ANSWER_277)
        (kept / "a.277").write_text("an earlier answer")
        with pytest.raises(Conflict, match="exists already: nothing fetched"):
            act(medoffice_practice, clearinghouse.fetch, kept)
        assert (kept / "a.277").read_text() == "an earlier answer" and (inbox / "a.277").exists()
        assert audited(medoffice_practice, "billing.clearinghouse.fetched") == []

    def test_a_batch_whose_claims_changed_since_is_not_sent(self, medoffice_practice, world, batch, folders):
        """Ann moved after the batch was exported: its file, written again, is not the one
        recorded, and a clearinghouse must not get a file the practice has no record of."""
        from medoffice.core.services import patients

        outbox, inbox, _ = folders
        act(medoffice_practice, file_drop.set_up, str(outbox), str(inbox), user="manager")
        with medoffice_practice.operation("frontdesk") as ctx:
            patients.update(ctx, world.ann, {"address_line1": "9 New Rd"})
        with pytest.raises(Conflict, match=f"the claims of batch {batch} changed since it was exported"):
            act(medoffice_practice, clearinghouse.submit, batch)
        assert list(outbox.iterdir()) == [] and audited(medoffice_practice, "billing.batch.submitted") == []

    @pytest.mark.parametrize(("outbox", "inbox", "message"), [
        ("relative/out", "{inbox}", "outbox: 'relative/out' is not an absolute path"),
        ("{outbox}/missing", "{inbox}", "is not a folder"),
        ("{outbox}", "{outbox}", "the inbox must not be the outbox"),
        ("", "{inbox}", "outbox: give a folder"),
    ])
    def test_folders_that_cannot_work_are_refused_and_nothing_is_kept(self, medoffice_practice, batch, folders,
                                                                     outbox, inbox, message):
        out, into, _ = folders
        with pytest.raises(ValidationError, match=message):
            act(medoffice_practice, file_drop.set_up, outbox.format(outbox=out, inbox=into),
                inbox.format(outbox=out, inbox=into), user="manager")
        with pytest.raises(Conflict, match="no clearinghouse connector is set up"):
            act(medoffice_practice, clearinghouse.submit, batch)

    def test_only_a_manager_names_the_folders_and_the_front_desk_sends_nothing(self, medoffice_practice, batch,
                                                                               folders):
        outbox, inbox, _ = folders
        with pytest.raises(PermissionDenied):
            act(medoffice_practice, file_drop.set_up, str(outbox), str(inbox), user="frontdesk")
        act(medoffice_practice, file_drop.set_up, str(outbox), str(inbox), user="manager")
        with pytest.raises(PermissionDenied):
            act(medoffice_practice, clearinghouse.submit, batch, user="frontdesk")
        assert list(outbox.iterdir()) == []


class TestConnectorPlugins:
    def test_hook_billing_clearinghouse_a_portal_plugin_sends_and_collects(self, medoffice_practice, batch,
                                                                            portal_plugin, tmp_path):
        sent = act(medoffice_practice, clearinghouse.submit, batch)
        assert (sent.connector, sent.destination) == ("portal", "upload #1")
        ((name, text),) = portal_plugin.portal.uploaded
        assert text == batch_text(medoffice_practice, batch) and text.startswith("ISA*")
        found = act(medoffice_practice, clearinghouse.fetch, tmp_path)
        assert [(f.name, f.kind) for f in found] == [("ack.277", "277")]
        assert portal_plugin.portal.acknowledged == ["ack.277"]

    def test_two_connectors_portal_and_file_drop_need_a_choice(self, medoffice_practice, batch, folders,
                                                                portal_plugin):
        outbox, inbox, _ = folders
        act(medoffice_practice, file_drop.set_up, str(outbox), str(inbox), user="manager")
        with medoffice_practice.operation("billing", write=False) as ctx:
            assert [(c.name, c.plugin) for c in clearinghouse.list_connectors(ctx)] == [
                ("file-drop", "billing"), ("portal", "portal")]
        with pytest.raises(ValidationError, match=r"several clearinghouse connectors are set up \(file-drop, portal\)"):
            act(medoffice_practice, clearinghouse.submit, batch)
        with pytest.raises(NotFound, match="no clearinghouse connector 'fax'"):
            act(medoffice_practice, clearinghouse.submit, batch, via="fax")
        assert act(medoffice_practice, clearinghouse.submit, batch, via="portal").destination == "upload #1"
        assert list(outbox.iterdir()) == []

    def test_a_portal_answer_with_a_path_for_a_name_is_refused(self, medoffice_practice, batch, portal_plugin,
                                                                folders):
        kept = folders[2]
        portal_plugin.portal.waiting = [ClearinghouseFile("../evil.835", ANSWER_835)]
        with pytest.raises(Conflict, match="which is not a file name"):
            act(medoffice_practice, clearinghouse.fetch, kept)
        assert list(kept.iterdir()) == [] and not (kept.parent / "evil.835").exists()
        assert portal_plugin.portal.acknowledged == []


class TestCommands:
    def test_the_file_drop_from_the_shell(self, medoffice_practice, batch, folders):
        outbox, inbox, kept = folders
        set_up = medoffice_practice.cli("billing", "clearinghouse", "file-drop", "--outbox", str(outbox),
                                        "--inbox", str(inbox), user="manager")
        assert set_up.exit_code == 0, set_up.stderr
        listed = medoffice_practice.cli("billing", "clearinghouse", "list", "--json", user="billing")
        assert json.loads(listed.stdout) == [{"name": "file-drop", "plugin": "billing"}]
        sent = medoffice_practice.cli("billing", "clearinghouse", "submit", str(batch), user="billing")
        assert sent.exit_code == 0 and "sent by file-drop" in sent.stdout
        again = medoffice_practice.cli("billing", "clearinghouse", "submit", str(batch), user="billing")
        assert (again.exit_code, again.stdout) == (1, "")
        assert again.stderr.count("\n") == 1 and again.stderr.startswith("error: ")
        (inbox / "a.277").write_text(ANSWER_277)
        fetched = medoffice_practice.cli("billing", "clearinghouse", "fetch", "--out", str(kept), "--json",
                                         user="billing")
        assert json.loads(fetched.stdout) == [{"name": "a.277", "kind": "277", "path": str(kept / "a.277")}]
