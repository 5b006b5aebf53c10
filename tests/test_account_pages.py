"""AppTest: sign-in offered only where it can keep data, sign-out on every page, and "Delete all my data".

AppTest cannot go through a provider's page, but `at.user` seeds what st.user reads, the same claims a real
sign-in leaves (tests/test_browser_signin.py proves the real path in Chromium). Signed-in sessions keep their data
in a SQLite database URL here; the workspace suite runs the same store on PostgreSQL.
"""

from __future__ import annotations

import socket

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi_core.logbook import read_files
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.plan import default_plan
from kpi_core.store.workspace import UploadInfo, Workspace
from tests.test_pages import APP, PAGES, WORKED, clean_caches, texts, upload  # noqa: F401 (autouse fixture)

ISSUER = "http://127.0.0.1:9400"
PROVIDER = {"client_id": "kpi-coach", "client_secret": "secret",
            "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration"}
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32, **PROVIDER}


# Every page, the weekly check-in (reached from home, outside the bar) too: each draws the foot.
SCRIPTS = {**{page: script for page, (script, _) in PAGES.items()}, "checkin": "pages/0_checkin.py"}


def alice(**more) -> dict:
    return {"is_logged_in": True, "iss": ISSUER, "sub": "alice", "name": "Alice", "email": "a@example.com", **more}


@pytest.fixture
def hosted(monkeypatch):
    monkeypatch.setenv("KPI_COACH_HOSTED", "1")
    monkeypatch.delenv("KPI_COACH_DATABASE_URL", raising=False)


@pytest.fixture
def database(tmp_path, monkeypatch, hosted) -> str:
    """A database for signed-in people (SQLite by URL: the same store and owner scoping as PostgreSQL)."""
    url = f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    monkeypatch.setenv("KPI_COACH_DATABASE_URL", url)
    return url


def visit(page: str = "home", *, auth: dict | None = None, user: dict | None = None, lang: str = "ja",
          at: AppTest | None = None) -> AppTest:
    """Open `page` (in a new session unless `at` is given) with [auth] in the secrets and st.user's claims."""
    if at is None:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["lang"] = lang
        if auth is not None:
            at.secrets["auth"] = auth
        if user is not None:
            at.user = user
    at.switch_page(SCRIPTS[page])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def buttons(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


# ---------------------------------------------------------------- guests


@pytest.mark.parametrize("page", list(SCRIPTS))
def test_a_hosted_guest_without_auth_is_told_on_every_page_and_offered_no_sign_in(hosted, page):
    at = visit(page)
    assert t("nav.privacy.hosted", "ja") in captions(at)
    assert not {k for k in buttons(at) if k.startswith(("signin", "signout"))}


def test_local_mode_offers_no_sign_in_even_with_auth_in_the_secrets():
    at = visit("home", auth=AUTH, user=alice())
    assert t("nav.privacy", "ja") in captions(at)
    assert not {k for k in buttons(at) if k.startswith(("signin", "signout"))}
    assert at.session_state["account"].mode == "local"


@pytest.mark.parametrize("page", list(SCRIPTS))
def test_a_guest_is_offered_sign_in_on_every_page_when_auth_and_a_database_are_set_up(database, page):
    at = visit(page, auth=AUTH)
    assert t("nav.privacy.hosted", "ja") in captions(at)  # still a guest until signed in: said as before
    assert "signin_default" in buttons(at)
    assert at.button(key="signin_default").label == t("account.signin", "ja")
    assert "signout" not in buttons(at)


def test_named_providers_get_a_button_each_named_after_the_service(database):
    auth = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"], "line": PROVIDER,
            "google": PROVIDER}
    at = visit("home", auth=auth, lang="en")
    assert [at.button(key=k).label for k in ("signin_line", "signin_google")] == \
        [t("account.signin.with", "en", name="LINE"), t("account.signin.with", "en", name="Google")]


def test_auth_without_a_database_says_so_for_the_host_and_offers_no_sign_in(hosted):
    at = visit("data", auth=AUTH, user=alice())  # even a valid identity cookie: there is nowhere to keep data
    assert t("account.no_database", "ja") in captions(at)
    assert not {k for k in buttons(at) if k.startswith(("signin", "signout"))}
    assert at.session_state["account"].mode == "guest"


def test_a_guest_with_data_gets_its_backup_before_the_sign_in_redirect(database, monkeypatch):
    went = []
    monkeypatch.setattr(st, "login", lambda provider=None: went.append(provider))
    at = visit("home", auth=AUTH)
    assert "signin_backup" not in [b.key for b in at.get("download_button")]  # nothing entered: nothing to keep
    assert t("account.signin.why", "ja") in captions(at)
    at = upload(visit("log", at=at), ("jan.csv", WORKED))
    at = visit("home", at=at)
    assert t("account.signin.backup_first", "ja") in [w.value for w in at.warning]
    backup = next(b for b in at.get("download_button") if b.key == "signin_backup")
    assert backup.proto.label == t("account.signin.backup", "ja")
    at.button(key="signin_default").click().run()
    assert went == ["default"]


def test_a_guest_in_a_demo_is_asked_about_their_own_data_not_the_sample(database):
    at = visit("data", auth=AUTH)
    at.button(key="demo_start").click().run()
    assert at.session_state["demo"] is not None
    at = visit("home", at=at)
    assert "signin_backup" not in [b.key for b in at.get("download_button")]  # the sample is not theirs


# ---------------------------------------------------------------- delete all my data, local


def table_counts(ws: Workspace) -> dict[str, int]:
    return ws.table_counts()


def seed(ws: Workspace, review: str = "相談が2件来た", data: bytes = WORKED) -> None:
    """A plan, a log with the upload it came from, a review and a backup: a row in every table."""
    catalog = default_catalog()
    ws.save_plan(default_plan(catalog.personas["homemaker"], catalog))
    ws.append_rows(read_files([("jan.csv", data)]).log, UploadInfo.of("jan.csv", data, rows_accepted=4))
    ws.save_review("2025-01-06", {"worked": review})
    ws.backup("manual")


def test_a_tab_open_elsewhere_does_not_write_deleted_data_back(tmp_path):
    """Another tab (or phone) still holds the plan in memory: on its next run it takes in the deletion and its
    autosave writes nothing of the old plan back."""
    path = tmp_path / "workspace.sqlite3"  # clean_caches points KPI_COACH_WORKSPACE here
    with Workspace.open(path) as ws:
        seed(ws)
    other = visit("define")
    assert other.session_state["plan"].persona_id == "homemaker"
    at = visit("data")
    next(c for c in at.checkbox if c.key.startswith("erase_sure")).check().run()
    at.button(key="erase_go").click().run()
    assert at.session_state["define_step"] == 0
    visit("define", at=other)  # the other tab's next run, then its autosave at the end of the run
    assert other.session_state["plan"].persona_id != "homemaker" and other.session_state["define_step"] == 0
    with Workspace.open(path) as ws:
        stored = ws.load_plan()  # visiting the define page saves a fresh plan (the step is marked as worked on)
        assert stored.persona_id != "homemaker", "the deleted plan was saved back by the other tab"
        assert ws.load_reviews() == {} and ws.row_count() == 0


def test_local_delete_offers_a_backup_asks_for_a_tick_and_then_empties_every_table(tmp_path):
    path = tmp_path / "workspace.sqlite3"  # clean_caches points KPI_COACH_WORKSPACE here
    with Workspace.open(path) as ws:
        seed(ws)
        before = table_counts(ws)
    assert all(before.values()), before
    at = visit("data")
    assert t("account.erase.help.local", "ja") in captions(at)
    assert "erase_backup" in [b.key for b in at.get("download_button")]  # a last backup, offered first
    assert at.button(key="erase_go").disabled  # nothing can happen without the tick
    next(c for c in at.checkbox if c.key.startswith("erase_sure")).check().run()
    at.button(key="erase_go").click().run()
    assert not at.exception
    with Workspace.open(path) as ws:
        assert set(table_counts(ws).values()) == {0}, table_counts(ws)
    assert t("account.erase.done", "ja", rows=before["log_rows"]) in [s.value for s in at.success]
    assert "erase_signout" not in buttons(at)  # nobody to sign out locally
    assert len(at.session_state["log"]) == 0 and at.session_state["reviews"] == {}  # the session starts empty
    at = upload(visit("log", at=at), ("jan.csv", WORKED))  # entering something again brings the section back
    at = visit("data", at=at)
    assert not next(c for c in at.checkbox if c.key.startswith("erase_sure")).value  # a fresh, unticked box


# ---------------------------------------------------------------- signed in


@pytest.mark.parametrize("page", list(SCRIPTS))
def test_a_signed_in_person_can_sign_out_from_every_page(database, page):
    at = visit(page, auth=AUTH, user=alice())
    assert at.session_state["account"].mode == "signed_in"
    assert t("account.privacy", "ja", name="Alice") in captions(at)
    assert at.button(key="signout").label == t("account.signout", "ja")
    assert not {k for k in buttons(at) if k.startswith("signin")}
    assert t("nav.privacy.hosted", "ja") not in captions(at)  # their data is not session-only any more


def test_signing_out_ends_the_session_s_account_and_shows_a_guest(database):
    with Workspace.open(database, owner=(ISSUER, "alice")) as ws:
        seed(ws)
    at = visit("log", auth=AUTH, user=alice())
    assert len(at.session_state["log"]) == 4
    at.button(key="signout").click().run()
    assert at.user["is_logged_in"] is False  # st.logout ran: the identity is gone
    at = visit("log", at=at)
    assert at.session_state["account"].mode == "guest"
    assert len(at.session_state["log"]) == 0  # alice's rows are not in a guest's session
    assert "signin_default" in buttons(at)


def test_a_session_whose_identity_changes_opens_the_new_person_s_workspace(database):
    with Workspace.open(database, owner=(ISSUER, "alice")) as ws:
        seed(ws)
    at = visit("data", auth=AUTH, user=alice())
    assert len(at.session_state["log"]) == 4
    assert t("account.where", "ja") in [i.value for i in at.info]
    at.user = alice(sub="bob", name="Bob")
    at = visit("data", at=at)
    assert at.session_state["account"].person.subject == "bob"
    assert len(at.session_state["log"]) == 0 and at.session_state["reviews"] == {}


def test_a_new_account_brings_in_the_guest_backup_with_one_file_choice(database):
    guest = Workspace.open(":memory:")
    seed(guest)
    backup = guest.export_zip()
    at = visit("home", auth=AUTH, user=alice())
    uploader = next(u for u in at.get("file_uploader") if u.proto.label == t("account.carry.file", "ja"))
    uploader.upload("kpi-coach-2025-01-20.zip", backup, "application/zip")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("account.carry.done", "ja") in [s.value for s in at.success]
    assert len(at.session_state["log"]) == 4 and at.session_state["reviews"]["2025-01-06"]["worked"] == "相談が2件来た"
    with Workspace.open(database, owner=(ISSUER, "alice")) as ws:
        assert ws.row_count() == 4  # kept in alice's account, not the session
    assert not [u for u in at.get("file_uploader") if u.proto.label == t("account.carry.file", "ja")]


def test_an_account_with_data_is_not_offered_the_guest_import(database):
    with Workspace.open(database, owner=(ISSUER, "alice")) as ws:
        seed(ws)
    at = visit("home", auth=AUTH, user=alice())
    assert not [u for u in at.get("file_uploader") if u.proto.label == t("account.carry.file", "ja")]
    guest = visit("home", auth=AUTH)  # nor is a guest
    assert not [u for u in guest.get("file_uploader") if u.proto.label == t("account.carry.file", "ja")]


def test_deleting_an_account_s_data_removes_every_row_of_that_person_only(store_url, monkeypatch, hosted):
    monkeypatch.setenv("KPI_COACH_DATABASE_URL", store_url)
    for subject in ("alice", "bob"):
        with Workspace.open(store_url, owner=(ISSUER, subject)) as ws:
            seed(ws, review=f"{subject}の週")
    with Workspace.open(store_url, owner=(ISSUER, "bob")) as ws:
        bob_before = table_counts(ws)
    with Workspace.open(store_url, owner=(ISSUER, "alice")) as ws:
        alice_before = table_counts(ws)
    assert all(alice_before.values()) and all(bob_before.values())
    at = visit("data", auth=AUTH, user=alice())
    assert t("account.erase.help.signed_in", "ja") in captions(at)
    assert "erase_backup" in [b.key for b in at.get("download_button")]
    next(c for c in at.checkbox if c.key.startswith("erase_sure")).check().run()
    at.button(key="erase_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Workspace.open(store_url, owner=(ISSUER, "alice")) as ws:
        assert set(table_counts(ws).values()) == {0}, table_counts(ws)
    with Workspace.open(store_url, owner=(ISSUER, "bob")) as ws:
        assert table_counts(ws) == bob_before  # nobody else's rows
    assert t("account.erase.done", "ja", rows=alice_before["log_rows"]) in [s.value for s in at.success]
    at.button(key="erase_signout").click().run()  # offered right there: nothing of theirs is left
    assert at.user["is_logged_in"] is False


def test_a_database_that_cannot_be_reached_is_said_not_a_traceback(hosted, monkeypatch):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("KPI_COACH_DATABASE_URL", f"postgresql+psycopg://coach:pw@127.0.0.1:{port}/coach")
    at = visit("home", auth=AUTH, user=alice())
    assert [e.value for e in at.error] == [t("account.database_down", "ja")]
