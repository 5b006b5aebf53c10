"""Benchmark (run by hand): server-side time of a dashboard rerun, ten years of daily logs vs one week.

    python bench/bench_dashboard.py

Uses AppTest to run the dashboard page script as the server would; the first run fills the caches, then the
median of several reruns is taken for each log size, both in the same process.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def daily_log(days: int) -> pd.DataFrame:
    """One post a day with minutes, reactions, a rating and inquiries, in the canonical log form."""
    rng = np.random.default_rng(days)
    dates = pd.date_range("2015-01-05", periods=days, freq="D").astype("datetime64[us]")
    return pd.DataFrame({
        "date": dates,
        "action": "投稿",
        "category": "post",
        "minutes": rng.integers(10, 60, days).astype("float64"),
        "reactions": pd.array(rng.integers(0, 20, days), dtype="Int64"),
        "quality": pd.array(rng.integers(1, 6, days), dtype="Int64"),
        "inquiries": pd.array(rng.integers(0, 2, days), dtype="Int64"),
        "memo": "",
        "source": "bench.csv",
        "source_row": np.arange(2, days + 2, dtype="int64"),
    })


def rerun_seconds(log: pd.DataFrame, runs: int = 7) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/4_dashboard.py")
    at.run()  # sets up state
    at.session_state["log"] = log
    at.run()  # fills the caches
    assert not at.exception, at.exception
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    week = rerun_seconds(daily_log(7))
    decade = rerun_seconds(daily_log(3653))
    print("| log | dashboard rerun (median s) |\n|---|---:|")
    print(f"| one week (7 rows) | {week:.3f} |")
    print(f"| ten years (3,653 rows) | {decade:.3f} |")
    print(f"\nratio: {decade / week:.2f}×")


if __name__ == "__main__":
    main()
