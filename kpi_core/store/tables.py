"""The workspace's tables at the newest schema version, as SQLAlchemy Core sees them (the migrations build them)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Dates, file names and week starts sort in byte order on both engines (SQLite's BINARY; on PostgreSQL revision
# 0004 gives these columns COLLATE "C", whatever collation the host's database was created with). Queries name
# them as plain text: SQLAlchemy would cast every bound value with the collation, which PostgreSQL refuses.
SortedText = sa.Text
# Row ids and every reference to one (person_id, upload_id, and uploads.id on the other side of upload_id): 64-bit
# on PostgreSQL (BIGSERIAL; every replace, import and restore inserts its rows again with new ids, so 32 bits could
# run out), exactly INTEGER on SQLite, where only that name makes the id the rowid (and lets
# AUTOINCREMENT be used): SQLAlchemy's SQLite dialect docs, "Allowing autoincrement behavior SQLAlchemy types
# other than Integer/INTEGER". SQLite's INTEGER holds 64 bits anyway.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

people = sa.Table(
    "people", metadata,
    sa.Column("id", Id, nullable=False),
    sa.Column("issuer", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    # Raised by every write transaction of this person: Workspace.change_mark compares it across replicas.
    sa.Column("writes", sa.BigInteger, nullable=False, server_default="0"),
    sa.PrimaryKeyConstraint("id", name="people_key"),
    sa.UniqueConstraint("issuer", "subject", name="people_identity"),
    sqlite_autoincrement=True,  # an id is never given again, so a change mark of a deleted person never returns
)


def _person() -> sa.Column:
    return sa.Column("person_id", Id, sa.ForeignKey("people.id", name="owner"), nullable=False)


plan = sa.Table(
    "plan", metadata,
    _person(),
    sa.Column("yaml", sa.Text, nullable=False),
    sa.Column("saved_at", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("person_id", name="plan_key"),
)

log_columns = sa.Table(
    "log_columns", metadata,
    _person(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("person_id", "position", name="log_columns_key"),
    sa.UniqueConstraint("person_id", "name", name="log_columns_name"),
)

# An upload's id is numbered per person: an export carries it, and importing the export keeps it.
uploads = sa.Table(
    "uploads", metadata,
    _person(),
    sa.Column("id", Id, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.Text),
    sa.Column("read_at", sa.Text),
    sa.Column("rows_accepted", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_added", sa.Integer, nullable=False, server_default="0"),
    sa.PrimaryKeyConstraint("person_id", "id", name="uploads_key"),
)

log_rows = sa.Table(
    "log_rows", metadata,
    sa.Column("id", Id, nullable=False),
    _person(),
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
    sa.ForeignKeyConstraint(["person_id", "upload_id"], ["uploads.person_id", "uploads.id"],
                            name="log_rows_upload_fk"),
    sa.Index("log_rows_order", "person_id", "date", "source", "source_row"),
    sa.Index("log_rows_by_upload", "person_id", "upload_id"),
)

reviews = sa.Table(
    "reviews", metadata,
    _person(),
    sa.Column("week_start", SortedText, nullable=False),
    sa.Column("fields", sa.Text, nullable=False),
    sa.Column("saved_at", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("person_id", "week_start", name="reviews_key"),
)

backups = sa.Table(
    "backups", metadata,
    sa.Column("id", Id, nullable=False),
    _person(),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("zip", sa.LargeBinary, nullable=False),
    sa.PrimaryKeyConstraint("id", name="backups_key"),
    sa.Index("backups_by_person", "person_id", "id"),
)

# A person's tables, in the order their rows can be deleted (log rows before the uploads they name).
OWNED = (log_rows, uploads, log_columns, plan, reviews, backups)
