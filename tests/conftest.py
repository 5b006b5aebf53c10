"""Shared test helpers: building activity-log CSVs the way real tools write them; a real PostgreSQL."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

JA_HEADER = "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ"


def csv_text(*rows: str, header: str = JA_HEADER, newline: str = "\r\n") -> str:
    """A CSV text: header then rows, joined with `newline`, ending with one."""
    return newline.join([header, *rows]) + newline


@pytest.fixture
def good_rows() -> list[str]:
    return [
        "2025/1/6,投稿,30,5,4,1,悩みが解決したと言われた",
        "2025/1/8,返信,20,3,3,0,",
        "2025/1/10,投稿,40,8,5,1,",
    ]


# ---------------------------------------------------------------- a real PostgreSQL (issue 14)


class PostgresServer:
    """One PostgreSQL cluster in a temp dir (Debian's `postgresql` package), on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.fail("PostgreSQL is not installed: tests/run.sh installs Debian's postgresql package")
        self.bin = Path(found[-1]).parent
        # initdb refuses to run as root: then the cluster belongs to the `postgres` user the package created.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.dir = Path(tempfile.mkdtemp(prefix="kpi-coach-pg-"))  # not under pytest's root-only tmp dirs
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"
        self._admin = None

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=120)
        if done.returncode:
            log = self.dir / "log"
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}"
                               f"{log.read_text() if log.exists() else ''}")

    def start(self) -> None:
        data = self.dir / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync")
        # fsync off: a test cluster need not survive a power cut, and the suite runs faster without it.
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off")
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w", "-o", options,
                  "start")

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
        if (self.dir / "data" / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def _sql(self, statement: str) -> None:
        import sqlalchemy as sa

        if self._admin is None:
            self._admin = sa.create_engine(f"{self.url}/postgres", isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with self._admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        name = f"test_{uuid.uuid4().hex[:16]}"
        self._sql(f'CREATE DATABASE "{name}"')
        return f"{self.url}/{name}"

    def drop_database(self, url: str) -> None:
        # FORCE: a workspace a failing test left open still holds connections.
        self._sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL, started the first time a test asks for it, stopped at the end (pass or fail)."""
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database for this test (dropped after it)."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each engine in turn: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("postgres_url")
