"""staff: the rota, time off and staffing needs move here from the scheduling plugin

Until now the scheduling plugin kept the rota in ``scheduling_shift``, ``scheduling_time_off``
and ``scheduling_staffing_need`` (its migration sch0002). They are the staff domain's, so
this revision makes ``staff_shift``, ``staff_time_off`` and ``staff_staffing_need`` and, when
the old tables are there (a practice that ran the rota in the scheduling plugin), copies
every row across with its id (the audit log's ``shift``, ``time_off`` and
``staffing_need`` entries keep pointing at the same records) and drops the old tables. The
two plugins' branches are independent histories, migrated in any order: if the scheduling
branch runs later and makes the old tables again (a fresh install, sch0002), its sch0007
drops them while they are empty. A practice that has the old tables but not the staff
plugin enabled keeps them, rows and all, until it enables it.

Permissions move with the rota. The grants of ``scheduling.rota`` and
``scheduling.time_off`` become grants of ``hr.rota`` and ``hr.time_off`` (so a practice
that took the rota away from a role, or gave it to one, keeps that choice), and the roles
that read the schedule (``scheduling.read``) read the rota (``hr.rota_read``). The core
seeds only permissions it has not seen, so it never re-grants what this copied.

No person works two shifts at once: an exclusion constraint on PostgreSQL
(``staff_shift_no_overlap``), BEFORE INSERT/UPDATE triggers on SQLite aborting with
``shift overlaps``; the rota service checks first and these refuse what gets past it.

The downgrade is the reverse: when the scheduling plugin's branch is in the database, the
rows go back to the ``scheduling_*`` tables (made as its sch0002 made them) and the grants
to the old names; either way the ``staff_*`` rota tables are dropped.

Revision ID: sta0004
Revises: sta0003
"""

import sqlalchemy as sa
from alembic import op

revision = "sta0004"
down_revision = "sta0003"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
TABLES = ("shift", "time_off", "staffing_need")
PERMISSIONS = (("scheduling.rota", "hr.rota", True), ("scheduling.time_off", "hr.time_off", True),
               ("scheduling.read", "hr.rota_read", False))
"""(old name, new name, whether the old name goes): ``scheduling.read`` stays scheduling's."""

SQLITE_SHIFT_OVERLAP = """
SELECT RAISE(ABORT, 'shift overlaps')
WHERE EXISTS (
    SELECT 1 FROM {table} AS s
    WHERE s.staff_id = NEW.staff_id
      AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at
      {same_row}
);
"""


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}"))


def _create(prefix: str) -> None:
    """The three rota tables named ``{prefix}_…``, as scheduling's sch0002 made them."""
    shift, time_off, need = (f"{prefix}_{name}" for name in TABLES)
    op.create_table(
        shift,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f(f"ck_{shift}_ends_after_start")),
        _fk(shift, "location_id", "core_location.id"),
        _fk(shift, "staff_id", "core_staff.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{shift}")),
    )
    op.create_index(op.f(f"ix_{shift}_location_id"), shift, ["location_id"])
    op.create_index(f"ix_{shift}_staff_start", shift, ["staff_id", "starts_at"])
    op.create_index(f"ix_{shift}_starts_at", shift, ["starts_at"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"ALTER TABLE {shift} ADD CONSTRAINT {shift}_no_overlap EXCLUDE USING gist "
                   "(int4range(staff_id, staff_id, '[]') WITH &&, tstzrange(starts_at, ends_at) WITH &&)")
    elif dialect == "sqlite":
        op.execute(f"CREATE TRIGGER {shift}_no_overlap_insert BEFORE INSERT ON {shift} BEGIN"
                   + SQLITE_SHIFT_OVERLAP.format(table=shift, same_row="") + "END")
        op.execute(f"CREATE TRIGGER {shift}_no_overlap_update BEFORE UPDATE ON {shift} BEGIN"
                   + SQLITE_SHIFT_OVERLAP.format(table=shift, same_row="AND s.id <> NEW.id") + "END")
    op.create_table(
        time_off,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_at", UTC, nullable=False),
        sa.Column("requested_by", sa.String(length=60), nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decided_by", sa.String(length=60), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('requested', 'approved', 'declined', 'cancelled')",
                           name=op.f(f"ck_{time_off}_status")),
        sa.CheckConstraint("last_day >= first_day", name=op.f(f"ck_{time_off}_last_after_first")),
        _fk(time_off, "staff_id", "core_staff.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{time_off}")),
    )
    op.create_index(f"ix_{time_off}_staff_first", time_off, ["staff_id", "first_day"])
    op.create_table(
        need,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.CheckConstraint("headcount > 0", name=op.f(f"ck_{need}_headcount_positive")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f(f"ck_{need}_weekday")),
        _fk(need, "location_id", "core_location.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{need}")),
        sa.UniqueConstraint("role", "location_id", "weekday", name=op.f(f"uq_{need}_role_location_id_weekday")),
    )


def _drop(prefix: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {prefix}_shift_no_overlap_update")
        op.execute(f"DROP TRIGGER IF EXISTS {prefix}_shift_no_overlap_insert")
    for name in reversed(TABLES):
        op.drop_table(f"{prefix}_{name}")


def _copy(source: str, target: str) -> None:
    """Every row of the three ``{source}_…`` tables into ``{target}_…``, ids kept; on
    PostgreSQL each id sequence then continues after the highest id copied."""
    bind = op.get_bind()
    for name in TABLES:
        columns = [c["name"] for c in sa.inspect(bind).get_columns(f"{source}_{name}")]
        listed = ", ".join(columns)
        op.execute(f"INSERT INTO {target}_{name} ({listed}) SELECT {listed} FROM {source}_{name}")
        if bind.dialect.name == "postgresql":
            op.execute(f"SELECT setval(pg_get_serial_sequence('{target}_{name}', 'id'), "
                       f"COALESCE((SELECT MAX(id) FROM {target}_{name}), 0) + 1, false)")


def _has_tables(prefix: str) -> bool:
    names = set(sa.inspect(op.get_bind()).get_table_names())
    return all(f"{prefix}_{name}" in names for name in TABLES)


def _rename_grants(pairs) -> None:
    """Grants and the "seen" mark of each ``old`` permission given to ``new`` as well (never
    twice); the old ones removed when ``drop_old``."""
    for old, new, drop_old, owner in pairs:
        op.execute(sa.text(
            "INSERT INTO core_permission (name, plugin_id, description) "
            "SELECT :new, :owner, description FROM core_permission WHERE name = :old "
            "AND NOT EXISTS (SELECT 1 FROM core_permission WHERE name = :new)").bindparams(
                old=old, new=new, owner=owner))
        op.execute(sa.text(
            "INSERT INTO core_role_permission (role, permission) SELECT g.role, :new FROM core_role_permission AS g "
            "WHERE g.permission = :old AND NOT EXISTS (SELECT 1 FROM core_role_permission AS h "
            "WHERE h.role = g.role AND h.permission = :new)").bindparams(old=old, new=new))
        if drop_old:
            op.execute(sa.text("DELETE FROM core_role_permission WHERE permission = :old").bindparams(old=old))
            op.execute(sa.text("DELETE FROM core_permission WHERE name = :old").bindparams(old=old))


def upgrade() -> None:
    _create("staff")
    if _has_tables("scheduling"):
        _copy("scheduling", "staff")
        _drop("scheduling")
    _rename_grants([(old, new, drop, "staff") for old, new, drop in PERMISSIONS])


def _scheduling_installed() -> bool:
    return "scheduling_alembic_version" in set(sa.inspect(op.get_bind()).get_table_names())


def downgrade() -> None:
    if _scheduling_installed():
        if not _has_tables("scheduling"):
            _create("scheduling")
        _copy("staff", "scheduling")
        _rename_grants([(new, old, True, "scheduling") for old, new, drop in PERMISSIONS if drop])
    op.execute(sa.text("DELETE FROM core_role_permission WHERE permission IN ('hr.rota', 'hr.time_off', "
                       "'hr.rota_read')"))
    op.execute(sa.text("DELETE FROM core_permission WHERE name IN ('hr.rota', 'hr.time_off', 'hr.rota_read')"))
    _drop("staff")
