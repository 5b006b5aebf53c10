"""Version 2: which upload each row came from.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    uploads = op.create_table(
        "uploads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text),
        sa.Column("read_at", sa.Text),
        sa.Column("rows_accepted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_added", sa.Integer, nullable=False, server_default="0"),
    )
    # The app's version 2 declared REFERENCES uploads (id) here; SQLite cannot add a constraint to a table, and
    # version 4 rebuilds log_rows with its reference anyway.
    op.add_column("log_rows", sa.Column("upload_id", sa.Integer))
    op.create_index("log_rows_upload", "log_rows", ["upload_id"])
    # Version 1 kept no upload record: one per source file name, with hash and read time unknown (NULL).
    rows = sa.table("log_rows", sa.column("id"), sa.column("source"), sa.column("upload_id"))
    bind = op.get_bind()
    sources = bind.execute(sa.select(rows.c.source, sa.func.count()).group_by(rows.c.source)
                           .order_by(sa.func.min(rows.c.id))).all()
    for source, count in sources:
        upload_id = bind.execute(sa.insert(uploads).values(file_name=source or "", rows_accepted=count,
                                                           rows_added=count).returning(uploads.c.id)).scalar_one()
        bind.execute(sa.update(rows).where(rows.c.source.is_not_distinct_from(source)).values(upload_id=upload_id))


def downgrade() -> None:
    op.drop_index("log_rows_upload", "log_rows")
    op.drop_column("log_rows", "upload_id")
    op.drop_table("uploads")
