"""The staff role is real: approved time off and an expired required credential keep a
person off the rota, and the staff service tells other plugins who may work.

The world's clock stands on Monday 2026-01-05 (America/New_York); Cleo Clerk is the
receptionist. A manager's override of a credential block (``medoffice credentials
override``) lets her be put on shifts until its day, and each shift it lets through is
audited.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from medoffice.core import Conflict
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.staff import credentials, rota, time_off

pytestmark = pytest.mark.medoffice_plugins("staff")


def bls_expired_on(practice, staff_id, day="2026-01-06"):
    with practice.operation("manager") as ctx:
        return credentials.add(ctx, staff_id, {"kind": "BLS card", "issuer": "AHA", "expires_on": day,
                                               "required_for_work": "yes"})


def shift(practice, staff_id, day, user="manager"):
    with practice.operation(user) as ctx:
        return rota.add_shift(ctx, staff_id, "Main", day, "08:00", "16:30")


def days_on_the_rota(practice, first="2026-01-05", last="2026-01-18"):
    with practice.operation("admin", write=False) as ctx:
        return [str(s.day) for s in rota.list_shifts(ctx, first, last)]


def override_uses(practice):
    with practice.operation("admin", write=False) as ctx:
        return [json.loads(r.summary)["shift_start"][:10] for r in ctx.session.query(AuditRow).filter(
            AuditRow.action == "hr.credential.override_used").order_by(AuditRow.seq)]


class TestCredentialBlock:
    def test_an_expired_required_credential_refuses_the_shift_and_nothing_is_written(self, medoffice_practice,
                                                                                       world):
        """The card counts through its expiry day: Tuesday's shift is fine, Wednesday's is not."""
        card = bls_expired_on(medoffice_practice, world.clerk)
        shift(medoffice_practice, world.clerk, "2026-01-06")
        with pytest.raises(Conflict, match=rf"^cannot add the shift: Cleo Clerk's AHA BLS card \(credential "
                                           rf"{card.id}\) expired on 2026-01-06 and is required for work \(renew "
                                           rf"it, or a manager may override: medoffice credentials override "
                                           rf"{card.id}\)$") as refused:
            shift(medoffice_practice, world.clerk, "2026-01-07")
        assert refused.value.code == "credential_expired"
        assert days_on_the_rota(medoffice_practice) == ["2026-01-06"]

    def test_a_card_not_required_for_work_or_retired_does_not_block(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            credentials.add(ctx, world.clerk, {"kind": "CPR", "expires_on": "2026-01-01"})
            required = credentials.add(ctx, world.clerk, {"kind": "BLS card", "expires_on": "2026-01-01",
                                                          "required_for_work": "yes"})
            credentials.retire(ctx, required.id)
        assert shift(medoffice_practice, world.clerk, "2026-01-07").day == dt.date(2026, 1, 7)

    def test_a_managers_override_lets_her_work_until_its_day_and_each_shift_is_audited(self, medoffice_practice,
                                                                                        world):
        card = bls_expired_on(medoffice_practice, world.clerk, "2026-01-01")
        with medoffice_practice.operation("manager") as ctx:
            credentials.override(ctx, card.id, reason="renewal class on Friday", until="2026-01-09")
        shift(medoffice_practice, world.clerk, "2026-01-07")
        shift(medoffice_practice, world.clerk, "2026-01-09")
        with pytest.raises(Conflict, match="BLS card"):
            shift(medoffice_practice, world.clerk, "2026-01-12")
        assert days_on_the_rota(medoffice_practice) == ["2026-01-07", "2026-01-09"]
        assert override_uses(medoffice_practice) == ["2026-01-07", "2026-01-09"]

    def test_copying_a_week_leaves_out_the_days_she_may_not_work(self, medoffice_practice, world):
        """Her card expires on Sunday the 11th: the copy into the next week is refused whole,
        or, skipping conflicts, copies nothing of hers and says why."""
        for day in ("2026-01-05", "2026-01-06"):
            shift(medoffice_practice, world.clerk, day)
        bls_expired_on(medoffice_practice, world.clerk, "2026-01-11")
        with pytest.raises(Conflict, match=r"cannot copy the week of 2026-01-05: 2 shift\(s\) conflict: .*BLS card"):
            with medoffice_practice.operation("manager") as ctx:
                rota.copy_week(ctx, "2026-01-05")
        with medoffice_practice.operation("manager") as ctx:
            result = rota.copy_week(ctx, "2026-01-05", skip_conflicts=True)
        assert result.copied == () and len(result.skipped) == 2 and "required for work" in result.skipped[0]
        assert days_on_the_rota(medoffice_practice) == ["2026-01-05", "2026-01-06"]

    def test_from_the_shell_it_is_one_line_and_exit_1(self, medoffice_practice, cli_world):
        card = bls_expired_on(medoffice_practice, cli_world.clerk, "2026-01-01")
        result = medoffice_practice.cli("rota", "shifts", "add", "--staff", str(cli_world.clerk), "--location",
                                        "Main", "--day", "2030-03-11", "--start", "08:00", "--end", "12:00",
                                        user="manager")
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.startswith("error: cannot add the shift: Cleo Clerk's AHA BLS card") \
            and f"medoffice credentials override {card.id})" in result.stderr
        assert result.stderr.count("\n") == 1


class TestTheStaffService:
    def test_approved_leave_makes_someone_unavailable_and_a_request_does_not(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            approved = time_off.request(ctx, "2026-01-08", "2026-01-09", staff_id=world.clerk)
            time_off.approve(ctx, approved.id)
            time_off.request(ctx, "2026-01-12", staff_id=world.adams)
        at = dt.datetime(2026, 1, 7, 14, tzinfo=dt.timezone.utc)  # 09:00 in New York
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            service = ctx.role_service("staff")
            assert service.is_available(ctx, world.clerk, at, at + dt.timedelta(hours=8))
            assert not service.is_available(ctx, world.clerk, at, at + dt.timedelta(days=1))
            assert service.is_available(ctx, world.adams, at + dt.timedelta(days=5), at + dt.timedelta(days=5, hours=1))
            assert service.days_off(ctx, [world.clerk, world.adams], dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == {
                world.clerk: [(dt.date(2026, 1, 8), dt.date(2026, 1, 9))]}
            assert service.days_off(ctx, [], dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == {}

    def test_a_cancelled_leave_gives_the_days_back(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            asked = time_off.request(ctx, "2026-01-08", staff_id=world.clerk)
            time_off.approve(ctx, asked.id)
            time_off.cancel(ctx, asked.id, "plans changed")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert ctx.role_service("staff").days_off(ctx, [world.clerk], dt.date(2026, 1, 8),
                                                       dt.date(2026, 1, 8)) == {}
        assert shift(medoffice_practice, world.clerk, "2026-01-08").day == dt.date(2026, 1, 8)
