"""Real browser: sign-in with OpenID Connect against a local provider, each person's data kept in PostgreSQL.

The app runs hosted (KPI_COACH_HOSTED=1) with a temporary HOME whose ~/.streamlit/secrets.toml holds [auth]
(the `oidc-provider-mock` provider this test starts) and the database URL of a fresh PostgreSQL database
(tests/conftest.py). Two people, alice and bob, sign in in their own browser contexts (their own cookies) and
each uploads a log; the server restarts; each finds their own rows and nobody else's. A guest's upload is gone
with the session, and signing out ends the sign-in. Pages are opened on `localhost`, the host of redirect_uri:
the identity cookie is set for it.

Run: `python -m pytest tests/test_browser_signin.py -q`. The server and Chromium set-up are tests/test_browser.py's.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from test_browser import (  # noqa: F401 (fixtures are used by name)
    DESKTOP,
    TIMEOUT,
    _free_port,
    browser_context_args,
    browser_type_launch_args,
    ja,
    main_heading,
    serve,
    settle,
)

pytestmark = pytest.mark.browser

HEADER = "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ\r\n"
# alice logs four rows, bob three: each count (and each memo) belongs to one person only.
LOGS = {
    "alice": (HEADER + "2025/1/6,投稿,30,5,4,1,アリスの投稿\r\n2025/1/8,投稿,30,3,3,0,\r\n"
              "2025/1/10,投稿,30,8,5,1,\r\n2025/1/13,投稿,20,2,4,1,\r\n").encode("cp932"),
    "bob": (HEADER + "2025/2/3,返信,15,2,3,0,ボブの返信\r\n2025/2/5,返信,15,1,3,0,\r\n"
            "2025/2/7,投稿,45,6,4,2,\r\n").encode("cp932"),
}
ROWS = {"alice": 4, "bob": 3}
GUEST_LOG = (HEADER + "2025/3/3,投稿,10,1,3,0,ゲスト\r\n").encode("cp932")


@contextlib.contextmanager
def oidc_provider(folder: Path):
    """`oidc-provider-mock` on a free port, up until its discovery document answers; stopped afterwards."""
    port = _free_port()
    log = folder / "provider.log"
    with log.open("wb") as out:
        provider = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
                                    stdout=out, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            if provider.poll() is not None:
                pytest.fail(f"oidc-provider-mock exited:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"oidc-provider-mock did not answer:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
        yield issuer
    finally:
        provider.terminate()
        provider.wait(timeout=10)


def write_secrets(home: Path, app_port: int, issuer: str, database_url: str) -> None:
    """~/.streamlit/secrets.toml as a host writes it: [auth] for one provider, the database in [connections]."""
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{app_port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough"\n'
        'client_id = "kpi-coach"\n'
        'client_secret = "kpi-coach-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        "\n[connections.kpi_coach]\n"
        f'url = "{database_url}"\n', encoding="utf-8")


def open_page(tab: Page, url: str, title_key: str) -> None:
    tab.goto(url)
    expect(main_heading(tab, ja(title_key))).to_be_visible()
    settle(tab)


def log_heading(tab: Page, rows: int):
    return tab.get_by_role("heading", name=ja("log.current", rows=rows))


def upload(tab: Page, folder: Path, name: str, data: bytes, rows: int) -> None:
    csv = folder / name
    csv.write_bytes(data)
    tab.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(csv)
    expect(log_heading(tab, rows)).to_be_visible()
    settle(tab)


def foot_button(tab: Page, key: str):
    return tab.get_by_role("button", name=ja(key), exact=True)


def sign_in(tab: Page, url: str, subject: str) -> None:
    """From home, as a guest: tap sign-in, say who you are on the provider's page, land back home signed in."""
    open_page(tab, f"{url}/", "app.name")
    foot_button(tab, "account.signin").click()
    tab.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/oauth2/authorize"), timeout=TIMEOUT)
    tab.locator("input[name=sub]").fill(subject)
    tab.get_by_role("button", name="Authorize").click()
    tab.wait_for_url(re.compile(r"localhost:\d+/?$"), timeout=TIMEOUT)
    expect(main_heading(tab, ja("app.name"))).to_be_visible()
    settle(tab)
    expect(tab.get_by_text(ja("account.privacy", name=subject))).to_be_visible()
    expect(foot_button(tab, "account.signout")).to_be_visible()


def test_two_people_sign_in_keep_their_own_data_across_a_restart_and_sign_out(browser: Browser, tmp_path,
                                                                              postgres_url):
    port = _free_port()
    home = tmp_path / "home"
    with oidc_provider(tmp_path) as issuer:
        write_secrets(home, port, issuer, postgres_url)
        environ = {"HOME": str(home), "KPI_COACH_HOSTED": "1"}
        tabs = {who: new_tab(browser) for who in ("guest", "alice", "bob")}  # each with its own cookies
        try:
            with serve(tmp_path, port, environ) as served:
                url = served.replace("127.0.0.1", "localhost")
                # A guest: told the data lasts this session only, offered sign-in; what they upload goes with it.
                guest = tabs["guest"]
                open_page(guest, f"{url}/log", "log.title")
                expect(guest.get_by_text(ja("nav.privacy.hosted"))).to_be_visible()
                expect(foot_button(guest, "account.signin")).to_be_visible()
                upload(guest, tmp_path, "guest.csv", GUEST_LOG, 1)
                open_page(guest, f"{url}/log", "log.title")  # a full load: a new session
                expect(log_heading(guest, 0)).to_be_visible()

                for who in ("alice", "bob"):
                    sign_in(tabs[who], url, who)
                    open_page(tabs[who], f"{url}/log", "log.title")
                    expect(log_heading(tabs[who], 0)).to_be_visible()  # a new account starts empty
                    upload(tabs[who], tmp_path, f"{who}.csv", LOGS[who], ROWS[who])

            with serve(tmp_path, port, environ) as served:  # the same port: redirect_uri stays right
                for who, other in (("alice", "bob"), ("bob", "alice")):
                    tab = tabs[who]
                    open_page(tab, f"{url}/log", "log.title")  # a new session; the identity cookie signs it in
                    expect(tab.get_by_text(ja("account.privacy", name=who))).to_be_visible()
                    expect(log_heading(tab, ROWS[who])).to_be_visible()
                    open_page(tab, f"{url}/data", "data.title")
                    expect(tab.get_by_text(ja("data.counts", rows=ROWS[who], reviews=0))).to_be_visible()
                    assert ROWS[other] != ROWS[who]

                alice = tabs["alice"]
                foot_button(alice, "account.signout").click()
                # Streamlit sends the browser to the provider's end-session page when the provider has one (the
                # mock asks to confirm there), then back to the app, in a new session, as a guest.
                alice.wait_for_url(re.compile(r"/oauth2/end_session|localhost:\d+/?$"), timeout=TIMEOUT)
                if "/oauth2/end_session" in alice.url:
                    alice.get_by_role("button", name="End session").click()
                alice.wait_for_url(re.compile(r"localhost:\d+/?$"), timeout=TIMEOUT)
                expect(foot_button(alice, "account.signin")).to_be_visible()
                open_page(alice, f"{url}/log", "log.title")
                expect(foot_button(alice, "account.signin")).to_be_visible()
                expect(foot_button(alice, "account.signout")).to_have_count(0)
                expect(log_heading(alice, 0)).to_be_visible()  # a guest again: alice's rows are not shown
                assert {who: tab.page_errors for who, tab in tabs.items() if tab.page_errors} == {}
        finally:
            for tab in tabs.values():
                tab.context.close()


def new_tab(browser: Browser) -> Page:
    """A tab in a browser context of its own (its own cookies: one person), set up as test_browser's page."""
    tab = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=DESKTOP).new_page()
    tab.set_default_timeout(TIMEOUT)
    tab.page_errors = []
    tab.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    return tab
