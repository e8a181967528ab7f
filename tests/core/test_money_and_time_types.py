"""Money is Decimal in Python and integer cents in the database; times are stored in UTC."""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from medoffice.core.storage import Cents, UTCDateTime, from_cents, to_cents


def test_amounts_round_half_up_to_the_cent():
    assert to_cents(Decimal("0.105")) == 11
    assert to_cents(Decimal("-0.105")) == -11
    assert from_cents(1999) == Decimal("19.99")


def test_a_float_is_refused():
    with pytest.raises(TypeError, match="float"):
        to_cents(0.1)


def _table():
    metadata = sa.MetaData()
    return metadata, sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True),
                              sa.Column("amount", Cents()), sa.Column("at", UTCDateTime()))


def test_cents_add_up_exactly_where_sqlite_numeric_would_not():
    """0.10 + 0.20 is 0.30 to the cent, stored as integers."""
    metadata, table = _table()
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"amount": Decimal("0.10")}, {"amount": Decimal("0.20")}])
        raw = conn.execute(sa.text("SELECT sum(amount), typeof(amount) FROM t")).one()
        assert raw == (30, "integer")
        assert conn.execute(sa.select(table.c.amount)).scalars().all() == [Decimal("0.10"), Decimal("0.20")]


def test_times_go_in_as_utc_and_come_back_aware():
    metadata, table = _table()
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    new_york = dt.timezone(dt.timedelta(hours=-5))
    with engine.begin() as conn:
        conn.execute(table.insert(), {"at": dt.datetime(2026, 3, 8, 9, 0, tzinfo=new_york)})
        stored = conn.execute(sa.text("SELECT at FROM t")).scalar_one()
        assert stored.startswith("2026-03-08 14:00:00")
        back = conn.execute(sa.select(table.c.at)).scalar_one()
        assert back == dt.datetime(2026, 3, 8, 14, 0, tzinfo=dt.timezone.utc)


def test_a_naive_time_is_refused():
    metadata, table = _table()
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with pytest.raises(sa.exc.StatementError, match="naive"):
        with engine.begin() as conn:
            conn.execute(table.insert(), {"at": dt.datetime(2026, 1, 1)})


def test_the_one_step_sqlite_binding_stores_what_the_generic_path_stored():
    """SQLite compares stored times as text: the one-function bind (UTCDateTime.bind_processor)
    must write exactly what the TypeDecorator's two steps wrote, for any zone and microsecond."""
    import random
    from zoneinfo import ZoneInfo

    from sqlalchemy.dialects import sqlite

    kind, dialect = UTCDateTime(), sqlite.dialect()
    one_step = kind.bind_processor(dialect)
    generic = kind.impl_instance.dialect_impl(dialect).bind_processor(dialect)
    zones = [dt.timezone.utc, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), ZoneInfo("Pacific/Chatham"),
             dt.timezone(dt.timedelta(hours=-5))]
    rng = random.Random(16)
    for _ in range(2_000):
        moment = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
            seconds=rng.randrange(0, 200 * 365 * 86_400), microseconds=rng.randrange(0, 1_000_000))
        moment = moment.astimezone(rng.choice(zones))
        assert one_step(moment) == generic(kind.process_bind_param(moment, dialect))
    for edge in (dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc),
                 dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.timezone.utc),
                 dt.datetime(2026, 3, 8, 7, 0, 0, 0, tzinfo=ZoneInfo("America/New_York"))):
        assert one_step(edge) == generic(kind.process_bind_param(edge, dialect))
    assert one_step(None) is None
    with pytest.raises(ValueError, match="naive"):
        one_step(dt.datetime(2026, 1, 1))
