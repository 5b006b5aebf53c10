"""Benchmark (run by hand): reading + validating cp932 logs against a bare pandas.read_csv, and weekly metrics.

    python bench/bench_reader.py [rows ...]      # default: 10000 100000 1000000

Each measurement runs in a fresh subprocess so its peak memory (ru_maxrss) is its own; the time is the best
of three runs in that process (both sides warmed up the same way).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "out"
ACTIONS = ["投稿", "コメント返信", "DM", "個別相談", "学習", "ライブ配信"]
MEMOS = ["", "", "", "悩みが解決したと言われた", "体験談を書いた", "①㈱髙～の相談"]


def generate(rows: int) -> Path:
    """A cp932 log of `rows` rows with realistic Excel spellings (2025/1/6, 90分, 1,200)."""
    path = OUT / f"log_{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    rng = np.random.default_rng(rows)
    days = np.datetime64("2015-01-01") + np.sort(rng.integers(0, 3650, rows))
    lines = ["日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,相談数,感謝メッセージ数,メモ"]
    minutes = rng.integers(5, 120, rows)
    reactions = rng.integers(0, 40, rows)
    quality = rng.integers(1, 6, rows)
    inquiries = rng.integers(0, 3, rows)
    for i in range(rows):
        d = days[i].astype(object)
        lines.append(
            f"{d.year}/{d.month}/{d.day},{ACTIONS[i % 6]},{minutes[i]}{'分' if i % 10 == 0 else ''},"
            f"{reactions[i]},{quality[i]},{inquiries[i]},{i % 2},{i % 3},{MEMOS[i % 6]}"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def measure(kind: str, path: str, repeats: int = 3) -> dict:
    """Run one measurement `repeats` times in this process; the best time and the peak RSS in MB."""
    import pandas as pd

    from kpi_core.logbook import read_files
    from kpi_core.personas import default_catalog
    from kpi_core.plan import default_plan
    from kpi_core.report import report_for_plan

    data = Path(path).read_bytes()
    catalog = default_catalog()  # loaded once per app process, not per file: kept out of the timing
    log = read_files([(Path(path).name, data)], catalog=catalog).log if kind == "metrics" else None
    plan = default_plan("office_worker", catalog)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        if kind == "pandas":
            rows = len(pd.read_csv(path, encoding="cp932"))
        elif kind == "reader":
            rows = read_files([(Path(path).name, data)], catalog=catalog).accepted
        else:
            rows = len(report_for_plan(log, plan, catalog).weeks)
        best = min(best, time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "rows": rows, "seconds": round(best, 3), "peak_mb": round(peak_mb)}


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(measure(argv[1], argv[2])))
        return
    sizes = [int(a) for a in argv] or [10_000, 100_000, 1_000_000]
    print("| rows | pandas.read_csv (s) | reader (s) | ratio | reader peak MB | weekly metrics (s) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for rows in sizes:
        path = str(generate(rows))
        results = {}
        for kind in ("pandas", "reader", "metrics"):
            out = subprocess.run([sys.executable, __file__, "--one", kind, path], capture_output=True, text=True,
                                 check=True, cwd=Path(__file__).resolve().parent.parent)
            results[kind] = json.loads(out.stdout)
        ratio = results["reader"]["seconds"] / results["pandas"]["seconds"]
        print(f"| {rows:,} | {results['pandas']['seconds']} | {results['reader']['seconds']} | {ratio:.2f}× | "
              f"{results['reader']['peak_mb']} | {results['metrics']['seconds']} |", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(sys.argv[1:])
