"""Benchmark (run by hand): time from opening the dashboard in Chromium to the first chart drawn, 10 years of logs.

    python bench/bench_browser_dashboard.py

Starts `streamlit run app.py`, uploads a ten-year daily log (3,653 rows) through the dropzone, then clicks the
dashboard link five times (from the log page) and times each until the first Vega chart has drawn.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi_core.messages import t  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def ten_year_csv(path: Path) -> None:
    lines = ["日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ"]
    day = 0
    for year in range(2015, 2025):
        for month in range(1, 13):
            for date in range(1, 29):
                day += 1
                lines.append(f"{year}/{month}/{date},投稿,{20 + day % 40},{day % 17},{1 + day % 5},{day % 3},")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))


def main() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.port", str(port), "--browser.gatherUsageStats", "false"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
            csv = Path(folder) / "ten_years.csv"
            ten_year_csv(csv)
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/log")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv))
            page.get_by_text("いまの記録:3360行").wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            times = []
            for _ in range(5):
                start = time.perf_counter()
                page.locator(".st-key-topnav").get_by_text(t("nav.bar.dashboard", "ja"), exact=True).click()
                page.wait_for_selector(".vega-embed svg, .vega-embed canvas", timeout=60_000)
                times.append(time.perf_counter() - start)
                page.wait_for_selector(IDLE, timeout=60_000)
                page.locator(".st-key-topnav").get_by_text(t("nav.bar.log", "ja"), exact=True).click()
                page.wait_for_selector(IDLE, timeout=60_000)
            browser.close()
        print("| rows | first chart drawn after clicking ダッシュボード (s): first, median of 5 |")
        print("|---:|---:|")
        print(f"| 3,360 | {times[0]:.2f}, {statistics.median(times):.2f} |")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
