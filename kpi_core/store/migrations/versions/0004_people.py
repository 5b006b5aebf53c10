"""Version 4: people (issuer, subject), and every row of the plan, log, uploads, reviews and backups owned by one.

The rows already there (a local workspace file) become the local person's. SQLite cannot change a table's keys in
place, so each table is rebuilt, the same way on both engines: a new table beside the old one, the rows copied,
the old table dropped, the new one renamed (what Alembic's batch mode does on SQLite, written out once).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LOCAL = ("local", "local")
SortedText = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
# Row ids and the references to them: BIGINT on PostgreSQL, exactly INTEGER (the rowid) on SQLite (tables.py).
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Old table -> its columns copied as they are (every new table adds person_id).
COPIED = {
    "uploads": ("id", "file_name", "sha256", "read_at", "rows_accepted", "rows_rejected", "rows_added"),
    "log_rows": ("id", "date", "action", "category", "minutes", "reactions", "quality", "source", "source_row",
                 "extra", "upload_id"),
    "log_columns": ("position", "name", "kind"),
    "plan": ("yaml", "saved_at"),
    "reviews": ("week_start", "fields", "saved_at"),
    "backups": ("id", "created_at", "reason", "schema_version", "rows", "zip"),
}


def _owner() -> sa.Column:
    return sa.Column("person_id", Id, sa.ForeignKey("people.id", name="owner"), nullable=False)


def _new_tables() -> None:
    op.create_table(
        "uploads_new", _owner(),
        sa.Column("id", Id, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text),
        sa.Column("read_at", sa.Text),
        sa.Column("rows_accepted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_added", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("person_id", "id", name="uploads_key"),
    )
    op.create_table(
        "log_rows_new",
        sa.Column("id", Id, nullable=False),
        _owner(),
        sa.Column("date", SortedText),
        sa.Column("action", sa.Text),
        sa.Column("category", sa.Text),
        sa.Column("minutes", sa.Float),
        sa.Column("reactions", sa.BigInteger),
        sa.Column("quality", sa.BigInteger),
        sa.Column("source", SortedText),
        sa.Column("source_row", sa.BigInteger),
        sa.Column("extra", sa.Text, nullable=False, server_default="{}"),
        sa.Column("upload_id", Id),
        sa.PrimaryKeyConstraint("id", name="log_rows_key"),
        sa.ForeignKeyConstraint(["person_id", "upload_id"], ["uploads_new.person_id", "uploads_new.id"],
                                name="log_rows_upload_fk"),
    )
    op.create_table(
        "log_columns_new", _owner(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "position", name="log_columns_key"),
        sa.UniqueConstraint("person_id", "name", name="log_columns_name"),
    )
    op.create_table(
        "plan_new",
        sa.Column("person_id", Id, sa.ForeignKey("people.id", name="owner"), nullable=False),
        sa.Column("yaml", sa.Text, nullable=False),
        sa.Column("saved_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="plan_key"),
    )
    op.create_table(
        "reviews_new", _owner(),
        sa.Column("week_start", SortedText, nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("saved_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "week_start", name="reviews_key"),
    )
    op.create_table(
        "backups_new",
        sa.Column("id", Id, nullable=False),
        _owner(),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("zip", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="backups_key"),
    )


def upgrade() -> None:
    bind = op.get_bind()
    people = op.create_table(
        "people",
        sa.Column("id", Id, nullable=False),
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("writes", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="people_key"),
        sa.UniqueConstraint("issuer", "subject", name="people_identity"),
        sqlite_autoincrement=True,
    )
    _new_tables()
    old = {name: sa.table(name, *(sa.column(c) for c in columns)) for name, columns in COPIED.items()}
    if any(bind.execute(sa.select(sa.exists().select_from(table))).scalar() for table in old.values()):
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        person = bind.execute(sa.insert(people).values(issuer=LOCAL[0], subject=LOCAL[1], created_at=now)
                              .returning(people.c.id)).scalar_one()
        for name, table in old.items():
            columns = COPIED[name]
            new = sa.table(f"{name}_new", sa.column("person_id"), *(sa.column(c) for c in columns))
            bind.execute(sa.insert(new).from_select(
                ["person_id", *columns], sa.select(sa.literal(person, Id), *table.c)))
    for name in ("log_rows", "uploads", "log_columns", "plan", "reviews", "backups"):  # rows before uploads
        op.drop_table(name)
    for name in COPIED:  # SQLite rewrites log_rows' reference to uploads_new as the table is renamed
        op.rename_table(f"{name}_new", name)
    op.create_index("log_rows_order", "log_rows", ["person_id", "date", "source", "source_row"])
    op.create_index("log_rows_by_upload", "log_rows", ["person_id", "upload_id"])
    op.create_index("backups_by_person", "backups", ["person_id", "id"])
    if bind.dialect.name == "postgresql":
        # The copied ids were given explicitly: the next generated id starts after them.
        for name in ("people", "log_rows", "backups"):
            bind.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                                 f" COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))


def downgrade() -> None:
    raise NotImplementedError("version 4 holds several people's rows; a backup export is the way back")
