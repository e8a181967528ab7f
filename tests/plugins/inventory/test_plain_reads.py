"""The stock readings run plain statements (no ORM session in a read-only unit of work) and
give what the ORM reading gave: values to the cent, expired flags by the practice's day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from medoffice.core.storage import from_cents
from medoffice.plugins.inventory import stock
from medoffice.plugins.inventory.common import cents_of, expiry_day, today, value_of

pytestmark = pytest.mark.medoffice_plugins("inventory")


def test_whole_cents_are_the_decimal_value_to_the_cent():
    for units in (*range(-40, 41), 999_999, -999_999):
        for cents in (0, 1, 5, 99, 150, 1_234, 50_000, 9_999_999):
            for size in (1, 2, 3, 7, 10, 12, 100, 1_000):
                assert from_cents(cents_of(units, cents, size)) == value_of(units, from_cents(cents), size)


class _Clock:
    """Just what :func:`expiry_day` and :func:`today` ask of a context; counts the zone's uses."""

    def __init__(self, now: dt.datetime, zone: str) -> None:
        self._now, self._zone, self.asked = now, ZoneInfo(zone), 0

    def now(self) -> dt.datetime:
        return self._now

    def local(self, moment: dt.datetime) -> dt.datetime:
        self.asked += 1
        return moment.astimezone(self._zone)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "America/New_York", "UTC", "Asia/Kolkata"])
def test_the_expiry_day_flags_as_the_practice_s_today_and_asks_the_zone_only_near_it(zone):
    for hour in (0, 5, 11, 12, 13, 23):
        now = dt.datetime(2026, 3, 1, hour, 30, tzinfo=dt.timezone.utc)
        for offset in range(-6, 7):
            expires = now.date() + dt.timedelta(days=offset)
            ctx = _Clock(now, zone)
            day = expiry_day(ctx, [None, expires])
            assert (expires < day) == (expires < today(_Clock(now, zone))), (zone, hour, offset)
            assert (ctx.asked > 0) == (abs(offset) <= 1)


def test_item_stock_and_stock_levels_read_without_an_orm_session(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "FLU", 4, "opening stock", lot="OLD", expires="2026-01-04")
        stock.adjust(ctx, "FLU", 2, "opening stock", lot="NEW", expires="2026-03-01")
        stock.adjust(ctx, "GLV-M", 7, "opening stock")
    with medoffice_practice.operation("manager", write=False) as ctx:
        ctx.timezone  # the practice's set-up, loaded once (through the session) and kept
    with medoffice_practice.operation("manager", write=False) as ctx:
        flu = stock.item_stock(ctx, "flu")
        levels = {r.sku: r for r in stock.stock_levels(ctx)}
        assert ctx.made_session is None
    assert flu.item.sku == "FLU" and flu.item.tracks_lots is True and flu.item.active is True
    assert isinstance(flu.item.pack_price, Decimal)
    assert [(r.lot, r.expires_on, r.on_hand, r.expired) for r in flu.rows] == [
        ("OLD", dt.date(2026, 1, 4), 4, True), ("NEW", dt.date(2026, 3, 1), 2, False)]
    assert sum(r.value for r in flu.rows) == levels["FLU"].value
    assert (levels["FLU"].on_hand, levels["FLU"].expired) == (2, 4)
    assert levels["GLV-M"].on_hand == 7
