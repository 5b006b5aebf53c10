"""Benchmark (run by hand): server CPU seconds of one warm dashboard rerun with sample data, against a bare page.

    python bench/bench_rerun.py [--runs 30] [--lang ja] [--profile]

Each page runs in AppTest as the server runs it (the same ScriptRunner); AppTest's runner leaves out the
`gc.collect(2)` a server runs after every script run (`runner.postScriptGC`), so the bench runs it after each run
and counts it in (with one session alive here it is the smallest it gets: on a server it grows with the live
sessions); it keeps one compiled copy of each script, as a server does. The dashboard gets twelve weeks of sample
data the way a person loads it (the data page's sample button), is run once to fill the caches, then `--runs` more
times; CPU time (all threads of this process) is taken around each run. The bare page (one title) in the same
process is the floor: AppTest's own cost per run. `--profile` prints the twenty functions with the most cumulative
time over the dashboard runs.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bare_page() -> None:
    import streamlit as st

    st.title("bare")


def server_like_script_cache() -> None:
    """One compiled copy of each script for every run, as a server keeps it (AppTest compiles app.py and the
    page again on each run: about 15 ms that no server spends)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def cpu_per_run(at, runs: int) -> tuple[list[float], list[float]]:
    """CPU seconds of each run, and of the gc.collect(2) after it."""
    run_s, gc_s = [], []
    for _ in range(runs):
        start = time.process_time()
        at.run()
        middle = time.process_time()
        gc.collect(2)  # what the server's runner does after each run
        run_s.append(middle - start)
        gc_s.append(time.process_time() - middle)
        assert not at.exception, [e.value for e in at.exception]
    return run_s, gc_s


def profiled(profiler: cProfile.Profile) -> None:
    """Profile the script thread (cProfile sees only the thread that enables it)."""
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    run_script = LocalScriptRunner._run_script

    def run_profiled(self, rerun_data):
        profiler.enable()
        try:
            run_script(self, rerun_data)
        finally:
            profiler.disable()

    LocalScriptRunner._run_script = run_profiled


def dashboard(lang: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.switch_page("pages/6_data.py")
    at.run()
    at.button(key="demo_start").click().run()  # the first persona's twelve weeks, ending last week
    at.switch_page("pages/4_dashboard.py")
    at.run()  # fills the caches
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("vega_lite_chart"), "the dashboard drew no chart: no sample data?"
    return at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--lang", default="ja")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KPI_COACH_WORKSPACE"] = str(Path(folder) / "workspace.sqlite3")
        os.environ.pop("KPI_COACH_HOSTED", None)
        from streamlit.testing.v1 import AppTest

        server_like_script_cache()
        at = dashboard(args.lang)  # first: the bare page's runs then collect garbage over the same loaded process
        bare = AppTest.from_function(bare_page, default_timeout=60)
        bare.run()
        floor = cpu_per_run(bare, args.runs)
        profiler = cProfile.Profile()
        if args.profile:
            profiled(profiler)
        page = cpu_per_run(at, args.runs)
    print(f"| page ({args.runs} warm reruns, {args.lang}) | CPU s per rerun with the post-run GC, median "
          "| min | max | of which the run | of which gc.collect(2) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (run_s, gc_s) in (("bare page (one title)", floor), ("dashboard, sample data", page)):
        total = [r + g for r, g in zip(run_s, gc_s, strict=True)]
        print(f"| {name} | {statistics.median(total):.4f} | {min(total):.4f} | {max(total):.4f} "
              f"| {statistics.median(run_s):.4f} | {statistics.median(gc_s):.4f} |")
    own = statistics.median(page[0]) - statistics.median(floor[0])
    print(f"\ndashboard run minus bare page run: {own:.4f} s; altair loaded: {'altair' in sys.modules}")
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
