"""What a host runs: compose.yaml and the Dockerfile read as a container engine would (no Docker here), and the
image's start command run for real against the test PostgreSQL — it waits for the database, migrates, serves."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa
import yaml

from kpi_core.messages import t
from kpi_core.store.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtual environment's kpi-coach


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (NAME, arguments), comments and continuations folded."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def start_command() -> list[str]:
    """The image's CMD (exec form) as the shell commands it chains."""
    cmd = json.loads(next(args for name, args in dockerfile() if name == "CMD"))
    assert cmd[:2] == ["sh", "-c"]
    return [part.strip() for part in cmd[2].split("&&")]


def test_compose_runs_the_app_beside_postgresql_and_starts_it_once_the_database_is_healthy():
    services = compose()["services"]
    assert set(services) == {"db", "app"}
    db, app = services["db"], services["app"]
    assert re.fullmatch(r"postgres:1[5-7](\.\d+)?", db["image"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["volumes"][0].split(":")[1] == "/var/lib/postgresql/data"  # the data outlives the container
    assert db["volumes"][0].split(":")[0] in compose()["volumes"]
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert app["build"] == "."
    env = app["environment"]
    assert env["KPI_COACH_HOSTED"] == "1"  # a string: YAML would make a bare 1 a number
    url = sa.make_url(env["KPI_COACH_DATABASE_URL"].replace("${POSTGRES_PASSWORD}", "pw"))
    assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "db", 5432)
    assert (url.username, url.database) == (db["environment"]["POSTGRES_USER"], db["environment"]["POSTGRES_DB"])
    assert "${POSTGRES_PASSWORD" in db["environment"]["POSTGRES_PASSWORD"]  # from .env, never written here
    assert "8501" in app["healthcheck"]["test"][-1] and "_stcore/health" in app["healthcheck"]["test"][-1]


def test_the_secrets_are_mounted_where_streamlit_reads_them_for_the_image_user():
    mounts = compose()["services"]["app"]["volumes"]
    source, target, mode = next(m.split(":") for m in mounts if m.endswith("secrets.toml:ro"))
    steps = dockerfile()
    user = next(args for name, args in steps if name == "USER")
    assert user not in ("root", "0")
    assert any(name == "RUN" and "useradd --create-home" in args and args.split()[-1] == user for name, args in steps)
    assert target == f"/home/{user}/.streamlit/secrets.toml"  # ~/.streamlit/secrets.toml of the user that runs it
    assert source == "./secrets.toml"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert "secrets.toml" in ignored and ".streamlit/secrets.toml" in ignored  # never baked into the image


def image_env() -> dict[str, str]:
    """The variables the Dockerfile's ENV instructions set."""
    return dict(arg.split("=", 1) for name, args in dockerfile() if name == "ENV" for arg in shlex.split(args)
                if "=" in arg)


def test_the_image_waits_for_the_database_and_migrates_before_it_serves():
    first, second = start_command()
    assert shlex.split(first)[:2] == ["kpi-coach", "migrate"] and "--wait" in first
    assert shlex.split(second) == ["exec", "kpi-coach", "app"]
    env = image_env()
    assert env["KPI_COACH_HOSTED"] == "1" and env["STREAMLIT_SERVER_ADDRESS"] == "0.0.0.0"


def test_a_hosted_app_shows_visitors_an_errors_type_only(tmp_path):
    # Streamlit's default ("full") puts an exception's message and traceback on the page: SQL, table names, values.
    variable = "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"
    assert image_env()[variable] == compose()["services"]["app"]["environment"][variable] == "type"
    # Streamlit's command reads that variable as client.showErrorDetails (a misspelt one is ignored without a word).
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    done = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], capture_output=True, text=True,
                          env={**env, "HOME": str(tmp_path), variable: "type"}, cwd=tmp_path, timeout=120)
    assert 'showErrorDetails = "type"' in done.stdout.splitlines(), done.stderr


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "KPI_COACH_DATABASE_URL"}
    return subprocess.run([str(BIN / "kpi-coach"), *args], capture_output=True, text=True, timeout=120,
                          env={**environment, "KPI_COACH_LANG": "en", **env}, cwd=ROOT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_migrate_without_a_database_says_what_to_set(tmp_path):
    done = run("migrate", HOME=str(tmp_path))
    assert done.returncode == 2
    assert t("account.cli.no_url", "en") in done.stderr


def test_migrate_gives_up_after_waiting_for_a_database_that_never_answers(tmp_path):
    url = f"postgresql+psycopg://kpi_coach:secret-pw@127.0.0.1:{free_port()}/kpi_coach"
    done = run("migrate", "--wait", "1", KPI_COACH_DATABASE_URL=url, HOME=str(tmp_path))
    assert done.returncode == 1
    assert "Cannot reach the database" in done.stderr
    assert "secret-pw" not in done.stderr + done.stdout  # the password is never printed


def test_migrate_reads_the_url_from_the_secrets_file(tmp_path):
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    url = f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    (home / ".streamlit" / "secrets.toml").write_text(f'[connections.kpi_coach]\nurl = "{url}"\n', encoding="utf-8")
    done = run("migrate", HOME=str(home))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "accounts.sqlite3").exists()


def test_the_start_command_migrates_postgresql_then_serves_the_app(postgres_url, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_COACH_", "STREAMLIT_"))}
    env.update(KPI_COACH_HOSTED="1", KPI_COACH_DATABASE_URL=postgres_url, KPI_COACH_LANG="en", HOME=str(tmp_path),
               STREAMLIT_SERVER_ADDRESS="127.0.0.1", STREAMLIT_SERVER_PORT=str(port),
               PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    command = " && ".join(start_command())
    log = (tmp_path / "start.log").open("wb")
    server = subprocess.Popen(["sh", "-c", command], env=env, stdout=log, stderr=subprocess.STDOUT,
                              cwd=tmp_path, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "start.log").read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "start.log").read_text(errors="replace")
            time.sleep(0.5)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
        log.close()
    output = (tmp_path / "start.log").read_text(errors="replace")
    shown = sa.make_url(postgres_url).render_as_string(hide_password=True)
    assert t("account.cli.ready", "en", url=shown) in output
    # The schema is in place: a person's workspace opens on it and keeps a plan.
    with Workspace.open(postgres_url, owner=("https://issuer.example", "carol")) as ws:
        assert ws.load_plan() is None
