"""Benchmark (run by hand): saving and loading a local workspace holding ten years of daily logs.

    python bench/bench_workspace.py [rows_per_day ...]      # default: 1 10  (3,653 and 36,530 rows)

Prints a markdown table: median seconds of several runs per operation, file and export sizes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

DAYS = 3653  # 2015-01-01 … 2024-12-31, ten years with leap days
ACTIONS = ["投稿", "コメント返信", "DM", "個別相談", "学習", "ライブ配信"]
MEMOS = ["", "", "", "悩みが解決したと言われた", "体験談を書いた", "①㈱髙～の相談"]
HEADER = "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,相談数,感謝メッセージ数,メモ,深い質問数"


def ten_years(rows_per_day: int, first: dt.date = dt.date(2015, 1, 1)) -> tuple:
    """A canonical log (read by the app's reader) with `rows_per_day` rows on each of ten years' days."""
    from kpi_core.logbook import read_files

    rng = np.random.default_rng(rows_per_day)
    lines = [HEADER]
    for i in range(DAYS * rows_per_day):
        day = first + dt.timedelta(days=i // rows_per_day)
        lines.append(f"{day.isoformat()},{ACTIONS[i % 6]},{rng.integers(5, 120)},{rng.integers(0, 40)},"
                     f"{rng.integers(1, 6)},{rng.integers(0, 3)},{i % 2},{i % 3},{MEMOS[i % 6]},{'' if i % 4 else 1}")
    data = ("\r\n".join(lines) + "\r\n").encode()
    return read_files([("ten_years.csv", data)]).log, data


def timed(action: Callable[[], object], runs: int) -> float:
    """Median seconds of `runs` calls."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def measure(rows_per_day: int, runs: int = 5) -> dict[str, str]:
    from kpi_core.store.workspace import UploadInfo, Workspace

    log, data = ten_years(rows_per_day)
    one_day, _ = ten_years(rows_per_day, first=dt.date(2025, 1, 1))
    one_day = one_day[one_day["date"] == one_day["date"].iloc[0]]
    upload = UploadInfo.of("ten_years.csv", data, rows_accepted=len(log))
    results: dict[str, str] = {"rows": f"{len(log):,}"}
    with tempfile.TemporaryDirectory() as folder:
        paths = iter(Path(folder) / f"w{i}.sqlite3" for i in range(1000))

        def save_new() -> None:
            with Workspace.open(next(paths)) as ws:
                ws.append_rows(log, upload)

        results["open a new workspace + save every row (append_rows)"] = f"{timed(save_new, runs):.3f}"
        path = next(paths)
        with Workspace.open(path) as ws:
            ws.append_rows(log, upload)

        def reopen_and_load() -> None:
            with Workspace.open(path) as ws:
                assert len(ws.load_log()) == len(log)

        results["reopen + load the log (restart)"] = f"{timed(reopen_and_load, runs):.3f}"
        with Workspace.open(path) as ws:
            results["load the log (open workspace)"] = f"{timed(ws.load_log, runs):.3f}"
            results["re-upload the whole file (all rows already there)"] = \
                f"{timed(lambda: ws.append_rows(log, upload), runs):.3f}"
            added = []
            results["add one new day (1 or 10 rows)"] = \
                f"{timed(lambda: added.append(ws.append_rows(one_day)), 1):.3f}"
            assert added == [len(one_day)]
            results["replace the log (backup first)"] = f"{timed(lambda: ws.replace_log(log), 3):.3f}"
            results["backup()"] = f"{timed(ws.backup, 3):.3f}"
            exported = ws.export_zip()
            results["export_zip()"] = f"{timed(ws.export_zip, 3):.3f}"
            results["preview_import() against itself"] = f"{timed(lambda: ws.preview_import(exported), 3):.3f}"
        results["import_zip() into an empty workspace"] = \
            f"{timed(lambda: Workspace.open(next(paths)).import_zip(exported, 'replace'), 3):.3f}"
        results["export zip size (KB)"] = f"{len(exported) / 1024:,.0f}"
        conn = sqlite3.connect(path)  # every workspace on it closed: the WAL is folded back already
        conn.execute("DELETE FROM backups")  # the file size of the data alone
        conn.commit()
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        results["workspace file size (KB, without backups)"] = f"{path.stat().st_size / 1024:,.0f}"
    return results


def main(argv: list[str]) -> None:
    per_day = [int(a) for a in argv] or [1, 10]
    columns = [measure(n) for n in per_day]
    print("| operation | " + " | ".join(f"{n} row(s) a day" for n in per_day) + " |")
    print("|---|" + "---:|" * len(per_day))
    for key in columns[0]:
        print(f"| {key} | " + " | ".join(c[key] for c in columns) + " |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(sys.argv[1:])
