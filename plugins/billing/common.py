"""Small helpers every billing service shares: ids, dates, CSV rows, error collection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, TextIO

from medoffice.core import Context, ValidationError
from medoffice.core.validation import parse_date

MAX_ERRORS_SHOWN = 10


def today(ctx: Context) -> dt.date:
    """Today in the practice's time zone."""
    return ctx.local(ctx.now()).date()


def parse_id(value: Any, *, what: str, field: str = "id") -> int:
    """A positive whole number identifying a row."""
    if isinstance(value, bool):
        raise ValidationError(f"{what} id must be a positive whole number, got {value!r}", field=field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"{what} id must be a positive whole number, got {value!r}", field=field) from None
    if number < 1:
        raise ValidationError(f"{what} id must be a positive whole number, got {value!r}", field=field)
    return number


def parse_day(value: str | dt.date | None, ctx: Context, *, field: str = "date") -> dt.date:
    """A date as ``YYYY-MM-DD``; today (the practice's) when none is given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return today(ctx)
    return parse_date(value, field=field)


def csv_rows(handle: TextIO, columns: tuple[str, ...], required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, values)`` for each non-empty row of a CSV file with a header line:
    :func:`medoffice.core.csvio.rows`, errors naming a ``row``.

    Raises:
        ValidationError: as :func:`medoffice.core.csvio.rows`.
    """
    from medoffice.core import csvio

    return csvio.rows(handle, columns, required=required, label="row")


def refuse_rows(errors: list[str], *, verb: str = "imported") -> None:
    """Raise one error naming every bad row (the first ten, and how many more)."""
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS_SHOWN} more)" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise ValidationError(f"nothing {verb}; {len(errors)} bad row(s): "
                              + "; ".join(errors[:MAX_ERRORS_SHOWN]) + more)
