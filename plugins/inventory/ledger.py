"""The stock ledger's one writer: every change of stock is a movement row, and the running
balance of its item, location and lot changes with it, in the same unit of work.

A withdrawal never takes a balance below zero by accident: it is one conditional ``UPDATE``
(``on_hand + quantity >= 0``), so two desks taking the last unit at once, on either database,
see one succeed and one refused, whatever the order they read in. Only a manager's
``below_zero`` withdrawal skips the condition, and the movement says so.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from medoffice.core import Conflict, Context

from .models import Balance, Lot, Movement


def balance_row(ctx: Context, item_id: int, location_id: int, lot_id: int | None) -> Balance:
    """The balance of an item at a location in a lot, made (at zero) if it is new.

    ``INSERT … ON CONFLICT DO NOTHING`` then a read: two units of work making the same
    balance at once do not clash on the unique constraint.
    """
    key = lot_id or 0
    dialect = ctx.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    ctx.session.execute(insert(Balance).values(item_id=item_id, location_id=location_id, lot_id=lot_id,
                                               lot_key=key, on_hand=0).on_conflict_do_nothing())
    return ctx.session.execute(select(Balance).where(Balance.item_id == item_id, Balance.location_id == location_id,
                                                     Balance.lot_key == key)).scalar_one()


def post(ctx: Context, kind: str, *, item_id: int, location_id: int, lot_id: int | None, quantity: int,
         reason: str | None = None, reference: str | None = None, below_zero: bool = False,
         receipt_id: int | None = None, count_id: int | None = None, appointment_id: int | None = None,
         short_message: str | None = None) -> Movement:
    """Write one movement and move its balance by ``quantity`` (signed units of issue).

    Raises:
        Conflict: a withdrawal larger than the balance (``short_message``, or a plain one),
            unless ``below_zero``.
    """
    balance = balance_row(ctx, item_id, location_id, lot_id)
    return post_to(ctx, balance, kind, quantity, reason=reason, reference=reference, below_zero=below_zero,
                   receipt_id=receipt_id, count_id=count_id, appointment_id=appointment_id,
                   short_message=short_message)


def post_to(ctx: Context, balance: Balance, kind: str, quantity: int, *, reason: str | None = None,
            reference: str | None = None, below_zero: bool = False, receipt_id: int | None = None,
            count_id: int | None = None, appointment_id: int | None = None,
            short_message: str | None = None) -> Movement:
    """:func:`post` to a balance row the caller already holds (from :func:`fefo_balances`):
    one conditional ``UPDATE`` and the movement, without looking the balance up again (a
    visit's kit is drawn on the way to completing the visit, and must stay cheap)."""
    item_id, location_id, lot_id = balance.item_id, balance.location_id, balance.lot_id
    statement = update(Balance).where(Balance.id == balance.id).values(on_hand=Balance.on_hand + quantity)
    if quantity < 0 and not below_zero:
        statement = statement.where(Balance.on_hand + quantity >= 0)
    result = ctx.session.execute(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(short_message or "not enough stock on hand for that")
    ctx.session.expire(balance)
    row = Movement(at=ctx.now(), kind=kind, item_id=item_id, location_id=location_id, lot_id=lot_id,
                   quantity=quantity, reason=reason, reference=reference, by=ctx.user.username,
                   below_zero=below_zero and quantity < 0, receipt_id=receipt_id, count_id=count_id,
                   appointment_id=appointment_id)
    ctx.session.add(row)
    return row


def fefo_balances(ctx: Context, item_id: int, location_id: int, *, today: dt.date,
                  include_expired: bool = False) -> list[tuple[Balance, Lot | None]]:
    """The item's balances above zero at the location, first expiry first (lots without an
    expiry, then stock in no lot, last), locked for this unit of work on PostgreSQL.

    Expired lots are left out unless ``include_expired`` (waste, returns and moves may take
    them; use never does).
    """
    query = (select(Balance, Lot).outerjoin(Lot, Lot.id == Balance.lot_id)
             .where(Balance.item_id == item_id, Balance.location_id == location_id, Balance.on_hand > 0)
             .order_by(Lot.expires_on.is_(None), Lot.expires_on, Balance.lot_id.is_(None), Balance.lot_id)
             .with_for_update(of=Balance).execution_options(populate_existing=True))
    rows = [(balance, lot) for balance, lot in ctx.session.execute(query).all()]
    if include_expired:
        return rows
    return [(b, lot) for b, lot in rows if lot is None or lot.expires_on is None or lot.expires_on >= today]
