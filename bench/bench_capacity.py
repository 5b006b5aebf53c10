"""Benchmark (run by hand): N hosted sessions at once, without browsers, speaking Streamlit's websocket protocol.

    python bench/bench_capacity.py [--sessions 30] [--processes 2] [--signed-in] [--own-logs]
        [--option runner.postScriptGC=false --option server.fileWatcherType=none] [--py-spy DIR]

What it runs: P `streamlit run app.py` processes of the hosted app (KPI_COACH_HOSTED=1, the app's
.streamlit/config.toml; `--option` adds Streamlit settings as flags), a throwaway PostgreSQL 15 cluster
(Debian's binaries; initdb as the `postgres` user, since it refuses root) given as KPI_COACH_DATABASE_URL, and
with P > 1 a small sticky proxy in front (this script started with --proxy, in its own process): each TCP
connection goes to the replica a `bench_replica=K` cookie names (else the one with the fewest open
connections) and stays there; a Streamlit session is one websocket, so that is a sticky session. The bench
gives each visitor the cookie a sticky load balancer would have set (round robin). The proxy stands for what a
host's load balancer does; it is not one.

Who: guests (each a workspace in memory) by default. `--signed-in`: each visitor first signs in the way a
browser does, with plain HTTP — the home page's sign-in button over the websocket (its st.login answers with an
auth_redirect), GET of that URL to the `oidc-provider-mock` provider started here, POST of the provider's form
with a subject, back to /oauth2callback, which sets the identity cookie — and then brings that cookie, the XSRF
cookie and its token (second subprotocol entry) and an Origin to the websocket, as the frontend does; each
person's workspace is then in PostgreSQL. Signing in is not timed.

What each session does (streamlit 1.67's frontend, `static/js/index.*.js` `sendRerunBackMsg`, was read for
this): it opens `/_stcore/stream` (subprotocol "streamlit") and sends a BackMsg `rerun_script` (a ClientState)
with `page_name` = the URL path ("data"), an empty `page_script_hash`, the query string, no widget states, and
the browser context (time zone Asia/Tokyo, locale ja-JP). Then it "clicks" the sample-data button: a
`rerun_script` with the page's hash (from the Navigation ForwardMsg) and one WidgetState with `trigger_value`
true on the button's id, read from the `button` element proto of that page's deltas (key "demo_start",
pages/6_data.py: twelve weeks of the first persona's sample). The script answers with st.rerun(), so that run
ends FINISHED_EARLY_FOR_RERUN and the next run is waited for; the sample's banner ("leave_demo") is checked.
Then every session waits at a barrier and all open the dashboard at the same moment: a `rerun_script` with the
dashboard's `page_script_hash`, as a click on the navigation bar's link sends; the dashboard's charts are
checked to be there.

The sample is the best case: every session loads the same rows, so the dashboard's caches shared by sessions
(st.cache_data keyed on content: the weekly report, the charts' specs and tables, the income figures) compute
once for all 30, and the sample lives in an in-memory demo workspace even for a signed-in person. `--own-logs`
measures distinct people: each session opens the log page and uploads a twelve-week log of its own (own_log: the
office worker's story drawn with its own seed, one income unique to the session, UTF-8 with a BOM or cp932 in
turn) the way the frontend does (Tab.upload: file_urls_request, file_urls_response, a multipart PUT to
/_stcore/upload_file/<session>/<file> with the XSRF cookie and header, a rerun with the uploader's
file_uploader_state_value); the file's card must say every row was taken in and none left out, the dashboard must
show that session's own week income, and for signed-in people each one's rows must be in PostgreSQL afterwards.

When a step is "complete": when the ForwardMsg `script_finished` = FINISHED_SUCCESSFULLY of that run arrives.
The server puts every ForwardMsg of a session, in order, on that session's one websocket, and script_finished
only after the script has returned, i.e. after its last delta; so when it arrives every element of the page
(the charts' specs and the tables' Arrow bytes inside the deltas; this app loads no media by URL) has been
received. The first element arrives long before. The browser's drawing is left out on purpose: browsers on the
same 2 cores would measure their own drawing, not the server. The first step's clock starts when the
websocket is opened (a tab loads the HTML and JS from the static route first: not timed).

Memory: VmRSS of the server processes from /proc, idle (after one warm-up session per replica and the
one-session baseline have visited the pages: modules imported, caches filled, those closed sessions still
kept) and with N sessions connected, all on the dashboard; per session = (RSS with N − RSS idle) / N.
CPU: the servers' utime+stime (/proc/PID/stat) over each phase. Baselines in the same run: the same steps with
one session alone, and N sessions opening a one-line page (`st.title("ok")`) at once on a server of its own —
what N sessions cost Streamlit itself.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # kpi_core: the own logs are made and checked with the app's own code
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DONE = ForwardMsg.FINISHED_SUCCESSFULLY
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer /_stcore/health")


# --- PostgreSQL, made as ../shared/FIELD_NOTES.md says (initdb as `postgres`, a free port, a temp dir) ---

@contextlib.contextmanager
def postgres():
    """A throwaway cluster on a free port; yields a SQLAlchemy URL, or None when the binaries are missing."""
    if not (PG_BIN / "initdb").exists():
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    data = folder / "data"
    data.mkdir()
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    try:
        subprocess.run([*as_user, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"], **quiet)
        subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"], **quiet)
        subprocess.run([*as_user, str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                        "kpi_bench"], **quiet)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/kpi_bench"
    finally:
        subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


# --- servers and the sticky proxy ------------------------------------------------------------------------------

@contextlib.contextmanager
def servers(folder: Path, script: str, ports: list[int], env: dict, options: list[str]):
    """One streamlit process on each port; yields their Popen objects."""
    procs = []
    try:
        for port in ports:
            extra = [a for opt in options for a in (f"--{opt.split('=', 1)[0]}", opt.split("=", 1)[1])]
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port",
                 str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *extra],
                cwd=folder, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in ports:
            wait_healthy(f"http://127.0.0.1:{port}")
        yield procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=15)


@contextlib.contextmanager
def proxy(port: int, backends: list[int]):
    """This script run as the sticky proxy in its own process (its byte copying stays off the clients' loop)."""
    proc = subprocess.Popen([sys.executable, __file__, "--proxy", str(port), *map(str, backends)])
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        yield proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def serve_proxy(port: int, backends: list[int]) -> None:
    """Sticky by connection: the replica a `bench_replica=K` cookie names, else the one with fewest connections."""
    open_count = [0] * len(backends)

    async def pipe(reader, writer):
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    async def handle(client_reader, client_writer):
        try:
            head = await client_reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            client_writer.close()
            return
        chosen = None
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"cookie:"):
                for part in line[7:].decode("latin-1").split(";"):
                    name, _, value = part.strip().partition("=")
                    if name == "bench_replica" and value.isdigit() and int(value) < len(backends):
                        chosen = int(value)
        if chosen is None:
            chosen = min(range(len(backends)), key=open_count.__getitem__)
        open_count[chosen] += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", backends[chosen])
            up_writer.write(head)
            await asyncio.gather(pipe(client_reader, up_writer), pipe(up_reader, client_writer))
        finally:
            open_count[chosen] -= 1

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


@contextlib.contextmanager
def record(pids: list[int], folder: Path | None):
    """py-spy sampling each server while the block runs (raw collapsed stacks, for counting by function)."""
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    spies = [subprocess.Popen(["py-spy", "record", "-p", str(pid), "-r", "100", "--gil", "--format", "raw", "-o",
                               str(folder / f"{pid}.txt")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for pid in pids]
    time.sleep(1)  # py-spy attaches
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
        for spy in spies:
            spy.wait(timeout=30)


# --- signing in with plain HTTP, as a browser would ---------------------------------------------------------

@contextlib.contextmanager
def oidc_provider():
    """`oidc-provider-mock` on a free port (the package the sign-in browser test uses); yields its issuer URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.2)
        yield issuer
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def write_secrets(home: Path, front: int, issuer: str, database_url: str) -> None:
    """~/.streamlit/secrets.toml as a host writes it: one provider straight under [auth], the database."""
    (home / ".streamlit").mkdir(parents=True, exist_ok=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        f'[auth]\nredirect_uri = "http://localhost:{front}/oauth2callback"\n'
        'cookie_secret = "a-bench-cookie-secret-that-is-long-enough"\nclient_id = "kpi-coach"\n'
        f'client_secret = "kpi-coach-secret"\nserver_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        f'\n[connections.kpi_coach]\nurl = "{database_url}"\n', encoding="utf-8")


def _cookie_header(jar) -> str:
    # http.cookiejar files a host-only cookie of "localhost" under "localhost.local"; the provider's own cookies
    # (127.0.0.1) are not the app's.
    return "; ".join(f"{c.name}={c.value}" for c in jar.cookies if c.domain in ("", "localhost", "localhost.local"))


async def sign_in(front: int, subject: str, replica: int | None) -> Visitor:
    """The browser's path: home page, the sign-in button (its st.login sends an auth_redirect), the provider's
    page with `subject` typed in, back to /oauth2callback, which sets the identity cookie."""
    import requests  # only here: guests need no HTTP client

    base = f"http://localhost:{front}"
    jar = requests.Session()
    if replica is not None:
        jar.cookies.set("bench_replica", str(replica))
    await asyncio.to_thread(jar.get, f"{base}/_stcore/health", timeout=30)  # sets the XSRF cookie
    tab = Tab(f"ws://localhost:{front}", Visitor(_cookie_header(jar), jar.cookies.get("_streamlit_xsrf"), base))
    await tab.open()
    try:
        await tab.run(page_name="")
        await tab.run(page_hash=tab.page_hash, trigger="signin_default")
    finally:
        await tab.close()
    if not tab.redirect:
        raise RuntimeError(f"no sign-in redirect; buttons: {sorted(tab.buttons)}, errors: {tab.errors[:2]}")
    form = await asyncio.to_thread(jar.get, base + tab.redirect, timeout=30)
    back = await asyncio.to_thread(jar.post, form.url, data={"sub": subject}, timeout=30)
    if not any(c.name.startswith("_streamlit_user") for c in jar.cookies) or back.status_code != 200:
        raise RuntimeError(f"sign-in of {subject} failed: {back.status_code} at {back.url}")
    return Visitor(_cookie_header(jar), jar.cookies.get("_streamlit_xsrf"), base, signed_in=True)


def transactions(database_url: str | None) -> int | None:
    """Transactions the database has counted so far (pg_stat_database); None without a database."""
    if database_url is None:
        return None
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                                              "WHERE datname = current_database()")).scalar_one()
    finally:
        engine.dispose()


def stored_rows(database_url: str) -> dict[str, int]:
    """Log rows in the database per person's subject (the own-logs check: each person's upload is stored)."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(sa.text(
                "SELECT people.subject, count(log_rows.id) FROM people LEFT JOIN log_rows "
                "ON log_rows.person_id = people.id GROUP BY people.subject")).all())
    finally:
        engine.dispose()


# --- /proc ------------------------------------------------------------------------------------------------------

def rss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLK_TCK


# --- each person's own log (--own-logs) -------------------------------------------------------------------------

@dataclass
class OwnLog:
    """One person's twelve-week log as the file they upload, and what the app must show for it."""

    name: str
    data: bytes
    rows: int
    week_income_yen: str  # the dashboard's "this week's income", written as the app writes it (kpi_core.income.yen)


def own_log(number: int, today: dt.date) -> OwnLog:
    """The office worker's story (the default plan's persona) with its own random draw (seed = number) and one
    income unique to this person on the last finished week's last row; UTF-8 with a BOM, as the app's template
    and export write it, for even numbers, cp932, as Japanese Excel's "CSV" writes it, for odd ones."""
    from kpi_core.demo import demo_log
    from kpi_core.export import log_csv_bytes
    from kpi_core.income import yen
    from kpi_core.logbook import persona_columns
    from kpi_core.personas import default_catalog

    log = demo_log("office_worker", seed=number + 1, end=today, lang="ja")  # ends with the last finished week
    log.loc[log.index[-1], "income"] = 20_000 + number
    week = log["date"].dt.to_period("W-SUN") == log["date"].iloc[-1].to_period("W-SUN")
    data = log_csv_bytes(log, "ja", persona_columns(default_catalog()))
    if number % 2:
        data = data.decode("utf-8-sig").encode("cp932")
    return OwnLog(f"activity_log_{number}.csv", data, len(log), yen(int(log.loc[week, "income"].sum())))


async def put_file(visitor: Visitor, url: str, name: str, data: bytes) -> int:
    """The frontend's upload (uploadFileUploaderFile): PUT of a multipart form holding one file field named after
    the file, with the XSRF cookie and its value in X-Xsrftoken; over a plain asyncio connection, so 30 uploads
    at once do not queue behind a thread pool of this bench. Returns the HTTP status."""
    host, port = visitor.origin.split("//", 1)[1].split(":")
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    head = [f"PUT {url} HTTP/1.1", f"Host: {host}:{port}", f"Origin: {visitor.origin}",
            f"Content-Type: multipart/form-data; boundary={boundary}", f"Content-Length: {len(body)}",
            "Connection: close"]
    if visitor.cookie:
        head.append(f"Cookie: {visitor.cookie}")
    if visitor.xsrf:
        head.append(f"X-Xsrftoken: {visitor.xsrf}")
    reader, writer = await asyncio.open_connection("127.0.0.1", int(port))
    try:
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        await reader.read()  # to the end: the server closes after its answer
        return status
    finally:
        writer.close()


def xsrf_cookie(origin: str, cookie: str) -> str:
    """The `_streamlit_xsrf` cookie the server sets on a page load (a browser has it before any upload)."""
    request = urllib.request.Request(f"{origin}/_stcore/health", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as answer:
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";", 1)[0]
    raise RuntimeError("the server set no _streamlit_xsrf cookie (server.enableXsrfProtection off?)")


# --- one browserless tab ----------------------------------------------------------------------------------------

@dataclass
class Visitor:
    """What a browser brings to the websocket: its cookies (identity, XSRF, the proxy's replica), its origin."""

    cookie: str = ""
    xsrf: str | None = None
    origin: str | None = None
    signed_in: bool = False  # then every page must offer sign-out (the foot of pages/_ui/signin.py)


@dataclass
class Tab:
    """One session: a websocket speaking BackMsg/ForwardMsg, the pages' hashes, the widgets of the last run."""

    url: str
    visitor: Visitor = field(default_factory=lambda: Visitor())
    ws: object = None
    redirect: str = ""  # where st.login sent the browser (the auth_redirect ForwardMsg)
    pages: dict[str, str] = field(default_factory=dict)  # url_pathname -> page_script_hash
    page_hash: str = ""
    buttons: dict[str, str] = field(default_factory=dict)  # user key -> widget id
    uploaders: dict[str, str] = field(default_factory=dict)  # user key -> widget id (file_uploader elements)
    metrics: dict[str, str] = field(default_factory=dict)  # label -> value of the last run's st.metric elements
    session_id: str = ""  # the server's AppSession id (new_session.initialize): upload URLs are made for it
    elements: collections.Counter = field(default_factory=collections.Counter)  # element kinds of the last run
    errors: list[str] = field(default_factory=list)

    async def open(self) -> None:
        # As the frontend does: the XSRF token (the cookie's value) rides as the second subprotocol entry.
        who = self.visitor
        self.ws = await connect(f"{self.url}/_stcore/stream",
                                subprotocols=["streamlit", *([who.xsrf] if who.xsrf else [])], origin=who.origin,
                                additional_headers={"Cookie": who.cookie} if who.cookie else None,
                                max_size=None, open_timeout=60, ping_interval=None)

    async def close(self) -> None:
        await self.ws.close()

    async def run(self, *, page_name: str = "", page_hash: str = "", trigger: str | None = None,
                  widget: WidgetState | None = None) -> None:
        """Send one rerun_script and read ForwardMsgs until that run has finished successfully."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_name = page_name
        state.page_script_hash = page_hash
        state.widget_states.SetInParent()
        if trigger is not None:
            widget = WidgetState(id=self.buttons[trigger], trigger_value=True)
            state.widget_states.widgets.append(widget)
        elif widget is not None:
            state.widget_states.widgets.append(widget)
        state.context_info.CopyFrom(ContextInfo(timezone="Asia/Tokyo", timezone_offset=-540, locale="ja-JP",
                                                url=f"{self.url}/{page_name}", is_embedded=False,
                                                color_scheme="light"))
        await self.ws.send(msg.SerializeToString())
        self.buttons, self.uploaders, self.metrics, self.elements = {}, {}, {}, collections.Counter()
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = fwd.new_session.page_script_hash
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
                self.buttons, self.uploaders, self.metrics, self.elements = {}, {}, {}, collections.Counter()
            elif kind == "navigation":  # the app's pages, as the frontend learns them
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash  # the page this run shows
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                self.elements[which] += 1
                if which == "button":
                    self.buttons[element.button.id.rsplit("-", 1)[-1]] = element.button.id
                elif which == "file_uploader":
                    self.uploaders[element.file_uploader.id.rsplit("-", 1)[-1]] = element.file_uploader.id
                elif which == "metric":
                    self.metrics[element.metric.label] = element.metric.body
                elif which == "exception":
                    self.errors.append(element.exception.message)
            elif kind == "auth_redirect":
                self.redirect = fwd.auth_redirect.url
            elif kind == "page_not_found":
                self.errors.append(f"page not found: {page_name}")
            elif kind == "script_finished":
                if fwd.script_finished == DONE:
                    return
                if fwd.script_finished != EARLY:
                    self.errors.append(f"script_finished {fwd.script_finished}")
                    return

    async def upload(self, key: str, name: str, data: bytes) -> None:
        """Drop one file on the uploader `key` as the 1.67 frontend does (its `fe` upload function): a BackMsg
        file_urls_request (request id, file name, session id), the ForwardMsg file_urls_response with the file's
        id and upload URL, a PUT of the file (put_file), then a rerun with the widget's file_uploader_state_value
        (name, size, file id, the URLs); waits until that run has finished."""
        request_id = uuid.uuid4().hex
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        await self.ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            if fwd.WhichOneof("type") == "file_urls_response" and fwd.file_urls_response.response_id == request_id:
                break
        answer = fwd.file_urls_response
        if answer.error_msg or len(answer.file_urls) != 1:
            raise RuntimeError(f"no upload URL: {answer.error_msg!r}")
        urls = answer.file_urls[0]
        status = await put_file(self.visitor, urls.upload_url, name, data)
        if status not in (200, 204):
            raise RuntimeError(f"upload of {name} answered {status}")
        widget = WidgetState(id=self.uploaders[key])
        widget.file_uploader_state_value.uploaded_file_info.append(UploadedFileInfo(
            name=name, size=len(data), file_id=urls.file_id,
            file_urls=FileURLs(file_id=urls.file_id, upload_url=urls.upload_url, delete_url=urls.delete_url)))
        await self.run(page_hash=self.page_hash, widget=widget)


async def timed(coro) -> float:
    start = time.perf_counter()
    await coro
    return time.perf_counter() - start


class Gate:
    """Sessions arrive one by one; the driver waits until all have, does its reading, then lets them go on."""

    def __init__(self, count: int) -> None:
        self.count, self.arrived, self.all_in, self.go = count, 0, asyncio.Event(), asyncio.Event()

    async def arrive(self) -> None:
        self.arrived += 1
        if self.arrived == self.count:
            self.all_in.set()
        await self.go.wait()

    def abandon(self) -> None:
        """A session that failed no longer counts, so the others and the driver do not wait for it."""
        self.count -= 1
        if self.arrived >= self.count:
            self.all_in.set()

    async def open_when_all_in(self, timeout: float = 600) -> None:
        await asyncio.wait_for(self.all_in.wait(), timeout)


async def app_session(url: str, ready: Gate, measured: Gate, visitor: Visitor,
                      own: OwnLog | None = None) -> dict[str, float]:
    """Data page and the sample button (or, with `own`, the log page and the upload of that log), then (with every
    other session) the dashboard; seconds per step."""
    from kpi_core.messages import t

    tab = Tab(url, visitor)
    times = {}
    try:
        start = time.perf_counter()
        await tab.open()
        first, second = ("log", "upload") if own else ("data", "sample")
        await tab.run(page_name=first)
        times[first] = time.perf_counter() - start
        if visitor.signed_in and "signout" not in tab.buttons:
            tab.errors.append(f"not signed in on the {first} page")
        if own is None:
            times["sample"] = await timed(tab.run(page_hash=tab.page_hash, trigger="demo_start"))
            if "leave_demo" not in tab.buttons:  # the sample's banner offers to leave it: the sample is loaded
                tab.errors.append("the sample did not load")
        else:
            times["upload"] = await timed(tab.upload("log_uploader", own.name, own.data))
            # The file's card after the upload: every row taken in, none left out.
            read = (tab.metrics.get(t("log.accepted", "ja")), tab.metrics.get(t("log.rejected", "ja")))
            if read != (str(own.rows), "0"):
                tab.errors.append(f"{own.name}: {own.rows} rows sent, the page says accepted/rejected {read}")
        await ready.arrive()
        times["dashboard"] = await timed(tab.run(page_hash=tab.pages["dashboard"]))
        times["charts"] = tab.elements["vega_lite_chart"]
        times["elements"] = sum(tab.elements.values())
        if not times["charts"]:
            tab.errors.append(f"the dashboard drew no chart: {dict(tab.elements)}")
        if own is not None:  # this person's own figure, not another session's nor the sample's
            shown = tab.metrics.get(t("dashboard.income.week", "ja"))
            if shown != own.week_income_yen:
                tab.errors.append(f"{own.name}: the dashboard's week income is {shown}, the log's "
                                  f"{own.week_income_yen}")
        await measured.arrive()  # every session stays connected (and in memory) until RSS has been read
    except BaseException:
        for gate in (ready, measured):
            if not gate.go.is_set():
                gate.abandon()
        raise
    finally:
        if tab.ws is not None:
            await tab.close()
    if tab.errors:
        raise RuntimeError(f"session errors: {tab.errors[:3]}")
    return times


async def drive_app(url: str, visitors: list[Visitor], pids: list[int], logs: list[OwnLog] | None = None) -> dict:
    count = len(visitors)
    ready, measured = Gate(count), Gate(count)
    start_cpu = cpu_s(pids)
    sessions = [asyncio.create_task(app_session(url, ready, measured, visitor, logs[k] if logs else None))
                for k, visitor in enumerate(visitors)]
    await ready.open_when_all_in()
    cpu_before = cpu_s(pids)
    ready.go.set()  # every session sends its dashboard request now
    await measured.open_when_all_in()
    cpu = cpu_s(pids) - cpu_before
    rss = rss_mb(pids)
    measured.go.set()
    results = await asyncio.gather(*sessions)
    names = ("log", "upload", "dashboard") if logs else ("data", "sample", "dashboard")
    return {"steps": {step: [r[step] for r in results] for step in names},
            "rss_mb": rss, "dashboard_cpu_s": cpu, "data_sample_cpu_s": cpu_before - start_cpu,
            "dashboard_elements": (results[0]["elements"], results[0]["charts"])}


async def bare_session(url: str, ready: Gate, measured: Gate) -> float:
    tab = Tab(url)
    try:
        await tab.open()
        await ready.arrive()
        seconds = await timed(tab.run(page_name=""))
        await measured.arrive()
    finally:
        await tab.close()
    return seconds


async def drive_bare(url: str, count: int, pids: list[int]) -> dict:
    ready, measured = Gate(count), Gate(count)
    sessions = [asyncio.create_task(bare_session(url, ready, measured)) for _ in range(count)]
    await ready.open_when_all_in()
    ready.go.set()
    await measured.open_when_all_in()
    rss = rss_mb(pids)
    measured.go.set()
    return {"steps": {"page": list(await asyncio.gather(*sessions))}, "rss_mb": rss}


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} / {max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--processes", type=int, default=1, help="app replicas behind the sticky proxy")
    parser.add_argument("--option", action="append", default=[],
                        help="a Streamlit config option for the app, e.g. runner.postScriptGC=false")
    parser.add_argument("--signed-in", action="store_true",
                        help="each session signs in first (oidc-provider-mock, PostgreSQL); guests otherwise")
    parser.add_argument("--own-logs", action="store_true",
                        help="each session uploads a log of its own on the log page instead of loading the sample")
    parser.add_argument("--app", type=Path, default=ROOT,
                        help="the checkout to serve (default: this one), e.g. a `git archive` of a commit")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-session and one-line baselines")
    parser.add_argument("--py-spy", type=Path, metavar="DIR",
                        help="record the servers with py-spy (on PATH) during the N-session run, into DIR")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--proxy", nargs="+", type=int, help=argparse.SUPPRESS)  # port, then backend ports
    args = parser.parse_args()
    if args.proxy:
        asyncio.run(serve_proxy(args.proxy[0], args.proxy[1:]))
        return
    report = run_all(args)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


def run_all(args) -> dict:
    n, p = args.sessions, args.processes
    report = {"sessions": n, "processes": p, "options": args.option, "signed_in": args.signed_in,
              "own_logs": args.own_logs, "load_before": os.getloadavg()}
    front = free_port()  # where browsers connect: the one server, or the proxy in front of P of them
    with postgres() as db_url, tempfile.TemporaryDirectory() as folder, \
            (oidc_provider() if args.signed_in else contextlib.nullcontext()) as issuer:
        home = Path(folder) / "home"  # the servers' HOME: ~/.streamlit/secrets.toml only when signing in
        home.mkdir()
        if args.signed_in:
            if db_url is None:
                raise SystemExit("--signed-in needs PostgreSQL (/usr/lib/postgresql/15/bin)")
            write_secrets(home, front, issuer, db_url)
        env = {"HOME": str(home), "KPI_COACH_HOSTED": "1", **({"KPI_COACH_DATABASE_URL": db_url} if db_url else {})}
        report["database"] = "postgresql 15 (throwaway cluster)" if db_url else "none"
        ports = [front] if p == 1 else [free_port() for _ in range(p)]
        with servers(args.app, "app.py", ports, env, args.option) as procs, \
                (proxy(front, ports) if p > 1 else contextlib.nullcontext()) as proxy_pid:
            host = "localhost" if args.signed_in else "127.0.0.1"
            url = f"ws://{host}:{front}"
            pids = [proc.pid for proc in procs]
            # Each visitor carries the cookie a sticky load balancer would have given it (round robin).
            replica = (lambda k: k % p) if p > 1 else (lambda k: None)

            async def visitors(first: int, count: int) -> list[Visitor]:
                if args.signed_in:
                    return [await sign_in(front, f"person-{k}", replica(k)) for k in range(first, first + count)]
                origin = f"http://{host}:{front}"
                guests = []
                for k in range(first, first + count):
                    cookie = "" if replica(k) is None else f"bench_replica={replica(k)}"
                    # An upload needs the XSRF cookie and its token, which a browser has from loading the page.
                    token = xsrf_cookie(origin, cookie) if args.own_logs else None
                    cookie = "; ".join(filter(None, [cookie, token and f"_streamlit_xsrf={token}"]))
                    guests.append(Visitor(cookie, token, origin))
                return guests

            # Every visitor its own log (number k), made before any clock starts.
            today = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()  # the tabs' time zone, Asia/Tokyo
            logs = (lambda first, count: [own_log(k, today) for k in range(first, first + count)]) if args.own_logs \
                else (lambda first, count: None)
            warm, one, many = asyncio.run(visitors(0, p)), asyncio.run(visitors(p, 1)), asyncio.run(visitors(p + 1, n))
            asyncio.run(drive_app(url, warm, pids, logs(0, p)))  # one session on each replica: imports, caches
            if not args.no_baseline:
                report["one_session"] = asyncio.run(drive_app(url, one, pids, logs(p, 1)))
            time.sleep(1)
            # Idle: the closed sessions above (kept 2 minutes for a reconnect by Streamlit) are in this figure.
            report["rss_idle_mb"] = rss_mb(pids)
            extra = [proxy_pid] if proxy_pid else []
            db_before = transactions(db_url)
            client_before, extra_before = time.process_time(), cpu_s(extra)
            with record(pids, args.py_spy):
                report["run"] = asyncio.run(drive_app(url, many, pids, logs(p + 1, n)))
            report["client_cpu_s"] = time.process_time() - client_before
            report["proxy_cpu_s"] = cpu_s(extra) - extra_before
            time.sleep(1)  # PostgreSQL 15 publishes its counters about once a second
            report["db_transactions"] = None if db_url is None else transactions(db_url) - db_before - 1
            if args.signed_in and args.own_logs:  # each person's log is in PostgreSQL, all of it, and only theirs
                stored = stored_rows(db_url)
                wrong = {k: stored.get(f"person-{k}") for k, log in zip(range(p + 1, p + 1 + n), logs(p + 1, n),
                                                                        strict=True)
                         if stored.get(f"person-{k}") != log.rows}
                if wrong:
                    raise RuntimeError(f"log rows in PostgreSQL differ from the uploads: {wrong}")
                report["stored_rows"] = sum(stored.get(f"person-{k}", 0) for k in range(p + 1, p + 1 + n))
        if not args.no_baseline:
            bare = Path(folder) / "bare"
            (bare / ".streamlit").mkdir(parents=True)
            (bare / "page.py").write_text('import streamlit as st\n\nst.title("ok")\n')
            shutil.copy(args.app / ".streamlit" / "config.toml", bare / ".streamlit" / "config.toml")
            bare_port = free_port()
            with servers(bare, "page.py", [bare_port], {"HOME": str(home)}, args.option) as procs:
                pids = [proc.pid for proc in procs]
                asyncio.run(drive_bare(f"ws://127.0.0.1:{bare_port}", 1, pids))
                time.sleep(1)
                idle = rss_mb(pids)
                report["bare"] = {**asyncio.run(drive_bare(f"ws://127.0.0.1:{bare_port}", n, pids)),
                                  "rss_idle_mb": idle}
    report["load_after"] = os.getloadavg()
    return report


def print_report(report: dict) -> None:
    n, p, run = report["sessions"], report["processes"], report["run"]
    per_session = (run["rss_mb"] - report["rss_idle_mb"]) / n
    own = report.get("own_logs")
    first, second = ("log", "upload") if own else ("data", "sample")
    names = {"log": "log page", "upload": "own log uploaded", "data": "data page", "sample": "sample loaded"}
    print(f"{n} sessions ({'signed in' if report['signed_in'] else 'guests'}, "
          f"{'each its own log' if own else 'the sample'}), {p} process(es), options "
          f"{report['options'] or 'none'}, database {report['database']}, load average before "
          f"{report['load_before'][0]:.2f}, after {report['load_after'][0]:.2f}")
    print("| step | median / worst (s) |")
    print("|---|---:|")
    steps = run["steps"]
    both = [d + s for d, s in zip(steps[first], steps[second], strict=True)]
    for label, values in ((names[first], steps[first]), (names[second], steps[second]),
                          (f"{names[first]} + {second}", both), ("dashboard, all at once", steps["dashboard"])):
        print(f"| {label} | {summary(values)} |")
    print(f"server RSS idle {report['rss_idle_mb']:.0f} MB, with {n} sessions {run['rss_mb']:.0f} MB: "
          f"{per_session:.1f} MB per session; server CPU over the dashboard step {run['dashboard_cpu_s']:.2f} s "
          f"({run['dashboard_cpu_s'] / n:.3f} s per dashboard run), over {names[first]} + {second} "
          f"{run['data_sample_cpu_s']:.2f} s ({run['data_sample_cpu_s'] / n:.3f} s per session); the dashboard: "
          f"{run['dashboard_elements'][0]} elements, {run['dashboard_elements'][1]} charts")
    if report.get("db_transactions") is not None:
        print(f"PostgreSQL transactions during the N-session run: {report['db_transactions']}"
              + (f"; log rows stored for the {n} people afterwards: {report['stored_rows']}, each person's "
                 "as uploaded" if "stored_rows" in report else ""))
    print(f"CPU of this bench's clients over the N-session run {report['client_cpu_s']:.2f} s"
          + (f", of the proxy {report['proxy_cpu_s']:.2f} s" if p > 1 else "") + " (on the same 2 cores)")
    if "one_session" in report:
        one = report["one_session"]["steps"]
        print(f"baseline, one session alone: {first} {one[first][0]:.2f} s, {second} {one[second][0]:.2f} s, "
              f"dashboard {one['dashboard'][0]:.2f} s, CPU of that dashboard run "
              f"{report['one_session']['dashboard_cpu_s']:.2f} s")
        bare = report["bare"]
        print(f"baseline, {n} sessions opening a one-line page at once: {summary(bare['steps']['page'])} s, "
              f"{(bare['rss_mb'] - bare['rss_idle_mb']) / n:.1f} MB per session")


if __name__ == "__main__":
    main()
