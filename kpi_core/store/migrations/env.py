"""Alembic's environment: migrate the connection the app hands over, or (a developer's `alembic` run) a URL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from kpi_core.store.schema import VERSION_TABLE
from kpi_core.store.tables import metadata


def run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
    # Inside the app's transaction (kpi_core.store.schema.migrate holds it, with its lock): this begins nothing.
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:  # `alembic -x url=postgresql+psycopg://… revision --autogenerate -m …` from a shell
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    with sa.create_engine(url).connect() as connection:
        run(connection)
        connection.commit()
