"""Column types every plugin uses for money and time.

Money is a ``Decimal`` in Python and an integer number of cents in the database: SQLite has no
decimal type (``NUMERIC`` is stored as a float there), and integers add up exactly on every
backend. Times are time-zone-aware datetimes stored in UTC; SQLite hands back naive values,
which are read back as UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> int:
    """Round half up to the cent and return whole cents. Refuses floats outright."""
    if isinstance(amount, float):
        raise TypeError("money must be a Decimal, never a float")
    return int((Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


class Cents(TypeDecorator[Decimal]):
    """A ``Decimal`` amount stored as a BIGINT number of cents."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else to_cents(value)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else from_cents(int(value))


SQLITE_DATETIME_FORMAT = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
"""SQLAlchemy's default text for a datetime on SQLite (``sqlite.DATETIME``'s storage format):
``isoformat(" ", "microseconds")`` of a naive datetime writes the same characters (the year
padded to four digits), in one C call instead of a ``%`` of a dict of seven attributes."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime, stored in UTC; naive values are refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing a naive datetime: store times as aware UTC datetimes")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)

    def bind_processor(self, dialect: Any) -> Any:
        """On SQLite, an aware datetime straight to the stored text: the checks of
        :meth:`process_bind_param` and SQLite's own formatting in one function (a
        registration binds two times, its audit entry one, a booking five)."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        impl = self.impl_instance.dialect_impl(dialect)
        text_of = impl.bind_processor(dialect)
        utc = dt.timezone.utc
        if getattr(impl, "_storage_format", None) == SQLITE_DATETIME_FORMAT:
            def process(value: Any) -> str | None:  # the same text, formatted by datetime itself
                if value is None:
                    return None
                zone = value.tzinfo
                if zone is utc:  # the text before its "+00:00" (cheaper than a replace)
                    return value.isoformat(" ", "microseconds")[:26]
                if zone is None:
                    raise ValueError("refusing a naive datetime: store times as aware UTC datetimes")
                return value.astimezone(utc).replace(tzinfo=None).isoformat(" ", "microseconds")

            return process

        def generic(value: Any) -> str | None:
            if value is None:
                return None
            zone = value.tzinfo
            if zone is None:
                raise ValueError("refusing a naive datetime: store times as aware UTC datetimes")
            return text_of((value if zone is utc else value.astimezone(utc)).replace(tzinfo=None))

        return generic

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """On SQLite, the stored text straight to an aware UTC datetime in one step (one call
        per value instead of SQLAlchemy's parse and then :meth:`process_result_value`: lists
        of appointments read thousands of these)."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse, utc = dt.datetime.fromisoformat, dt.timezone.utc

        def process(value: Any) -> dt.datetime | None:
            if value is None:
                return None
            moment = parse(value) if isinstance(value, str) else value
            return moment.replace(tzinfo=utc) if moment.tzinfo is None else moment.astimezone(utc)

        return process
