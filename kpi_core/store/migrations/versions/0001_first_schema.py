"""Version 1: the plan as YAML text, the log's columns, the rows, the weekly reviews.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer, sa.CheckConstraint("id = 1"), primary_key=True, autoincrement=False),
        sa.Column("yaml", sa.Text, nullable=False),
        sa.Column("saved_at", sa.Text, nullable=False),
    )
    op.create_table(
        "log_columns",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.Text, nullable=False),
    )
    op.create_table(
        "log_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.Text),
        sa.Column("action", sa.Text),
        sa.Column("category", sa.Text),
        sa.Column("minutes", sa.Float),
        sa.Column("reactions", sa.Integer),
        sa.Column("quality", sa.Integer),
        sa.Column("source", sa.Text),
        sa.Column("source_row", sa.Integer),
        sa.Column("extra", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("log_rows_order", "log_rows", ["date", "source", "source_row"])
    op.create_table(
        "reviews",
        sa.Column("week_start", sa.Text, primary_key=True),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("saved_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("reviews", "log_rows", "log_columns", "plan"):
        op.drop_table(table)
