"""Benchmark (run by hand): from opening the app to a usable home page, against a one-line Streamlit page.

    python bench/bench_first_screen.py [--runs 7]

Two servers started the same way (`streamlit run … --server.headless true`, the app's .streamlit/config.toml):
the app on a workspace holding twelve weeks of the homemaker's sample log (a person's weekly visit), and a
baseline folder whose page is one line, `st.title("ok")`. One headless Chromium (Debian's), driven by Playwright
one page at a time so it never competes with itself for the cores being measured.

"first visit" = the first page load after the server answered /_stcore/health (the script's imports happen
then). "warm" = later loads, each a new tab (a new Streamlit session; the browser's cache holds the static
files, as a returning visitor's does), alternating app and baseline; the median and the slowest are printed.
The clock runs from `page.goto` until the page is usable: for the app, the navigation bar's seven entries, the
next-step link and the footer's privacy line are drawn and the script run has finished
(`[data-test-script-state=notRunning]`); for the baseline, its title is drawn and its run has finished.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi_core.demo import demo_log, demo_plan  # noqa: E402
from kpi_core.messages import t  # noqa: E402
from kpi_core.store.workspace import Workspace  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
HOME_USABLE = """([next, review, privacy]) => {
    if (document.querySelectorAll('.st-key-topnav [data-testid=stPageLink-NavLink]').length !== 7) return false;
    const links = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stPageLink-NavLink]')];
    if (!links.some(a => a.textContent.includes(next) || a.textContent.includes(review))) return false;
    if (![...document.querySelectorAll('[data-testid=stCaptionContainer]')].some(c => c.textContent === privacy))
        return false;
    return !!document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]')
        && !document.querySelector('[data-stale=true]');
}"""
BASELINE_USABLE = """() => [...document.querySelectorAll('h1')].some(h => h.textContent === 'ok')
    && !!document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]')"""


@contextmanager
def serve(folder: Path, script: str, env: dict):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
                               "--server.port", str(port), "--server.address", "127.0.0.1",
                               "--browser.gatherUsageStats", "false"],
                              cwd=folder, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def visit(context, url: str, usable: str, arg=None) -> float:
    """Seconds from opening `url` in a new tab until `usable` holds."""
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(usable, arg=arg, polling="raf", timeout=60_000)
        return time.perf_counter() - start
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    home = (t("home.next", "ja", step=""), t("home.go_review", "ja"), t("nav.privacy", "ja"))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        workspace = folder / "workspace.sqlite3"
        today = dt.date.today()
        with Workspace.open(workspace) as ws:
            ws.save_plan(demo_plan("homemaker", end=today))
            ws.append_rows(demo_log("homemaker", end=today))
        baseline = folder / "baseline"
        (baseline / ".streamlit").mkdir(parents=True)
        (baseline / "page.py").write_text('import streamlit as st\n\nst.title("ok")\n')
        shutil.copy(ROOT / ".streamlit" / "config.toml", baseline / ".streamlit" / "config.toml")
        with serve(ROOT, "app.py", {"KPI_COACH_WORKSPACE": str(workspace)}) as app_url, \
                serve(baseline, "page.py", {}) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            sizes = {"width": 390, "height": 844}
            app_context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=sizes)
            base_context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=sizes)
            first = {"app": visit(app_context, app_url, HOME_USABLE, list(home)),
                     "baseline": visit(base_context, base_url, BASELINE_USABLE)}
            warm = {"app": [], "baseline": []}
            for _ in range(runs):
                warm["app"].append(visit(app_context, app_url, HOME_USABLE, list(home)))
                warm["baseline"].append(visit(base_context, base_url, BASELINE_USABLE))
            browser.close()
    print("| page | first visit after start (s) | warm, median (s) | warm, slowest (s) |")
    print("|---|---:|---:|---:|")
    for name, label in (("app", "home page (12 weeks of sample log)"), ("baseline", "one-line page")):
        print(f"| {label} | {first[name]:.2f} | {statistics.median(warm[name]):.2f} | {max(warm[name]):.2f} |")
    print(f"warm median difference: {statistics.median(warm['app']) - statistics.median(warm['baseline']):.2f} s"
          f" ({runs} runs each)")


if __name__ == "__main__":
    main()
