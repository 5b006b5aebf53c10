"""Mutation testing of the guard functions (issue 13): the limits, rules and thresholds that keep bad input out.

    .venv/bin/pip install -e ".[mutation]"     # mutmut 3
    .venv/bin/python bench/mutation.py         # about 25 minutes on 2 cores; prints the score per module

Nothing is mutated in the working tree. The repository is copied to a temporary directory first, and
everything happens in that copy:

1. **mutmut 3** (`[tool.mutmut]` in pyproject.toml: which files are mutated, which test files run) mutates the
   functions listed in GUARDS below. It writes its mutants to `mutants/` inside the copy, switches between them
   at run time (trampolines) and runs, for each mutant, only the tests that reached that function. A function
   listed with markers counts only the mutants that change a line holding one of them (`read_log` is mostly
   about encodings and headers; its guard lines are the ones naming MAX_ROWS and MAX_COLUMNS).
2. **Module-level constants** (FUTURE_DAYS, MAX_BACKUPS, REACTIONS_RISE…): mutmut 3 mutates only code inside
   functions (its trampolines switch functions), so a changed threshold would never be tried. The script makes
   those mutants itself with mutmut's own operators (a number + 1, `*` → `/`, a string → "XX…XX", upper/lower
   case…) applied to the constant's value, writes each into the copy's source in turn and runs the tests that
   reached a function using that constant (from mutmut's own stats), with `-x`.

A mutant is killed when a test fails (or it times out); it survives when every test passes, or when no test
reaches it. Results: a table per module, every survivor with the line it changed, and bench/out/mutation.json.
Options: --modules reader,cells (short names), --functions _validate,parse_yen, --no-constants, --jobs N,
--keep (leave the temporary copy, to look at `mutants/` or re-run `mutmut show NAME` there).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PYTHON = Path(sys.executable)
MUTMUT = PYTHON.parent / "mutmut"
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "mutants", "__pycache__", ".pytest_cache", ".ruff_cache",
                                     ".hypothesis", "bench", "test-artifacts", "docs", "*.egg-info")


@dataclass(frozen=True)
class Guard:
    """What is mutated in one module: functions (`Class.method` for a method) with the markers that pick their
    guard lines (empty: every mutant of the function counts), and module-level constants (`Class.field` for a
    dataclass default)."""

    functions: dict[str, tuple[str, ...]]
    constants: tuple[str, ...] = ()


GUARDS: dict[str, Guard] = {
    # Reader limits: the 1,440-minute, count and yen caps, the future-date window, rows and columns, zero-width
    # characters (a row of only invisibles is blank) and rows wider than the header (too-wide: rejected whole).
    "kpi_core/reader.py": Guard(
        functions={
            "read_log": ("MAX_", "_too_many", "_TooWide", "wide", "len(raw)", "lines ="),
            "_read_workbook": ("MAX_", "check_archive", "sheet_size", "width", "height", "_too_many", "TooLarge",
                               "TooCompressed", "error.limit"),
            # The parser's guard lines: one row past the limit parsed and no more, the widest row measured
            # (with the file's own separator) and refused past MAX_COLUMNS. Its read_csv options are not guards
            # (every one left out or swapped for pandas' default reads the same: bench/RESULTS.md).
            "_parse_table": ("nrows", "csv.reader", "widest =", "widest >", "_TooWide", "_UnclosedQuote",
                             "ParserError"),
            "_too_many_rows": (), "_too_many_columns": (), "_Distinct.__init__": (),
            "_validate": (), "_parse_column": (),
        },
        constants=("MAX_MINUTES_PER_ROW", "MAX_COUNT_PER_ROW", "MAX_YEN_PER_ROW", "FUTURE_DAYS", "EARLIEST",
                   "MAX_ROWS", "MAX_COLUMNS", "_INVISIBLE_TABLE", "_LIMITS"),
    ),
    # Cell rules: every way a cell is read, and what is refused.
    "kpi_core/cells.py": Guard(
        functions={name: () for name in ("is_none_mark", "clean", "unprotect", "protect", "parse_number",
                                         "parse_count", "parse_yen", "parse_minutes", "parse_rating",
                                         "looks_like_date", "parse_date")},
        constants=("_INVISIBLE", "_FORMULA_START", "_ERAS", "_DATE", "_ERA_DATE", "_THOUSANDS", "_NUMBER",
                   "_COUNT_UNIT", "_HOURS_MINUTES", "_CLOCK", "_YEN_SIGN", "_YEN_PREFIX", "_YEN_SUFFIX", "_YEN_MAN",
                   "NONE_MARKS"),
    ),
    # Coaching thresholds: the rule detectors, their constants, and when coaching speaks at all.
    "kpi_core/coaching.py": Guard(
        functions={
            **{name: () for name in ("_all_zero", "_interaction_treadmill", "_empathy_without_trust",
                                     "_overload_run", "_burnout_risk", "_quality_over_quantity", "_stale_statement",
                                     "_recent_results", "_costlier", "_steady", "_rising_cost", "_not_enough_data")},
            "coach": ("budget_minutes >", "isinf", "min_weeks", "judged", "active ="),
        },
        constants=("TREND_WEEKS", "STALE_WEEKS", "EXCHANGE_SHARE", "EXCHANGE_CATEGORIES", "REACTIONS_RISE",
                   "REACTIONS_PER_WEEK", "RATING_CHANGE", "COST_RISE", "COST_RESULTS", "OVERLOAD_RATIO",
                   "OVERLOAD_WEEKS", "TIRED_ANSWER"),
    ),
    # Import bounds: the bounded unzip (per member, in total, ratio) and the backup import's use of it.
    "kpi_core/unzip.py": Guard(
        functions={"_Counted.read": (), "stream_members": (), "read_members": ()},
        constants=("_CHUNK", "UnzipLimits.ratio_from"),
    ),
    "kpi_core/store/bundle.py": Guard(
        functions={"_read_zip": ()},
        constants=("MAX_IMPORT_BYTES", "IMPORT_LIMITS"),
    ),
    # Backup pruning: the oldest backups dropped past MAX_BACKUPS.
    "kpi_core/store/workspace.py": Guard(functions={"Workspace._backup": ()}, constants=("MAX_BACKUPS",)),
}


@dataclass
class Mutant:
    name: str  # mutmut's name (kpi_core.reader.x__validate__mutmut_12), or module:CONSTANT#n for a constant
    module: str  # kpi_core/reader.py
    function: str  # the guard function or constant
    old: str  # the line (or expression) as written
    new: str  # as mutated
    status: str = "not checked"
    tests: int = 0  # how many tests were run against it (constants only)


@dataclass
class Run:
    mutants: list[Mutant] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def mangled(function: str) -> str:
    """mutmut's name for a function (`x_name`) or a method (`xǁClassǁname`)."""
    cls, _, name = function.rpartition(".")
    return f"xǁ{cls}ǁ{name}" if cls else f"x_{name}"


def dotted(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


# ------------------------------------------------------------------ the copy


def make_copy(workdir: Path) -> Path:
    repo = workdir / "repo"
    shutil.copytree(ROOT, repo, ignore=COPY_IGNORE)
    config = tomllib.loads((repo / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    missing = [m for m in GUARDS if m not in config["only_mutate"]]
    if missing:
        raise SystemExit(f"[tool.mutmut] only_mutate lacks {missing}: add them to pyproject.toml")
    return repo


# ------------------------------------------------------------------ function mutants (mutmut)


def function_mutants(repo: Path, modules: list[str], functions: set[str] | None) -> list[Mutant]:
    """Every mutant mutmut makes in the guard functions (on their guard lines), by generating them as mutmut
    will, from the same source, and comparing each mutated function with the original one."""
    from mutmut.mutation.file_mutation import mutate_file_contents

    found: list[Mutant] = []
    for module in modules:
        guard = GUARDS[module]
        source = (repo / module).read_text("utf-8")
        mutated = mutate_file_contents(module, source)
        lines = mutated.code.splitlines()
        text = {name: lines[span.start - 1:span.end] for name, span in mutated.line_span_by_function_name.items()}
        for function, markers in guard.functions.items():
            if functions and function.rpartition(".")[2] not in functions:
                continue
            prefix = mangled(function) + "__mutmut_"
            if prefix + "orig" not in text:
                raise SystemExit(f"{module}: no function {function} (renamed? update GUARDS in bench/mutation.py)")
            orig = [line.replace(prefix + "orig", "") for line in text[prefix + "orig"]]
            for name in mutated.mutant_names:
                if not name.startswith(prefix):
                    continue
                body = [line.replace(name, "") for line in text[name]]
                old, new = _changed(orig, body)
                if markers and not any(marker in old for marker in markers):
                    continue
                found.append(Mutant(f"{dotted(module)}.{name}", module, function, old, new))
    return found


def _changed(orig: list[str], body: list[str]) -> tuple[str, str]:
    """The first line that differs, before and after (a mutant changes one node, seldom over several lines)."""
    matcher = difflib.SequenceMatcher(a=orig, b=body, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            return " ".join(s.strip() for s in orig[a1:a2]), " ".join(s.strip() for s in body[b1:b2])
    return "", ""


def run_mutmut(repo: Path, mutants: list[Mutant], jobs: int, log: Path) -> None:
    names = [m.name for m in mutants]
    with log.open("w") as out:
        done = subprocess.run([str(MUTMUT), "run", "--max-children", str(jobs), *names], cwd=repo, stdout=out,
                              stderr=subprocess.STDOUT, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if done.returncode != 0:
        raise SystemExit(f"mutmut failed ({done.returncode}); see {log}")
    from mutmut.stats import status_by_exit_code

    codes: dict[str, int | None] = {}
    for meta in (repo / "mutants").rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    for mutant in mutants:
        mutant.status = status_by_exit_code[codes.get(mutant.name)]


# ------------------------------------------------------------------ constant mutants (mutmut's operators)


def constant_mutants(repo: Path, modules: list[str]) -> list[tuple[Mutant, str]]:
    """(mutant, mutated module source) for every operator mutmut has that applies inside a constant's value."""
    import libcst as cst
    from mutmut.mutation.mutators import mutation_operators, operator_assignment

    found = []
    for module in modules:
        source = (repo / module).read_text("utf-8")
        tree = cst.parse_module(source)
        for constant in GUARDS[module].constants:
            value = _constant_value(tree, constant)
            if value is None:
                raise SystemExit(f"{module}: no constant {constant} (renamed? update GUARDS in bench/mutation.py)")
            n = 0
            for node in _walk(value):
                for kind, operator in mutation_operators:
                    if operator is operator_assignment or not isinstance(node, kind):
                        continue  # `NAME = None` breaks the import: every test fails, which proves nothing
                    for replacement in operator(node):
                        n += 1
                        code = tree.deep_replace(node, replacement).code
                        found.append((Mutant(f"{module}:{constant}#{n}", module, constant,
                                             tree.code_for_node(node), tree.code_for_node(replacement)), code))
    return found


def _constant_value(tree, constant: str):
    import libcst as cst

    cls, _, name = constant.rpartition(".")
    body = tree.body
    if cls:
        body = next((s.body.body for s in body if isinstance(s, cst.ClassDef) and s.name.value == cls), [])
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets):
                return small.value
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == name:
                return small.value
    return None


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def users(source: str, constant: str) -> set[str]:
    """mutmut's names of the functions (`x_f`, `xǁClassǁm`) that use `constant`, directly or through another
    module-level name built from it (`_LIMITS` from MAX_MINUTES_PER_ROW, `RULES` from TREND_WEEKS)."""
    tree = ast.parse(source)
    cls, _, name = constant.rpartition(".")
    names, attributes = ({name}, set()) if not cls else (set(), {name})
    built = {}
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            refs = {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name)}
            for target in targets:
                if isinstance(target, ast.Name):
                    built[target.id] = refs
    grown = True
    while grown:
        grown = False
        for target, refs in built.items():
            if target not in names and refs & names:
                names.add(target)
                grown = True
    found = set()

    def uses(function) -> bool:
        return any(isinstance(n, ast.Name) and n.id in names or isinstance(n, ast.Attribute) and n.attr in attributes
                   for n in ast.walk(function))

    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and uses(statement):
            found.add(mangled(statement.name))
        elif isinstance(statement, ast.ClassDef):
            for item in statement.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and uses(item):
                    found.add(mangled(f"{statement.name}.{item.name}"))
    return found


def naming(repo: Path, selection: list[str], name: str) -> set[str]:
    """The test functions (of the selected files or node ids) that name `name`: a test that pins a limit's value,
    or monkeypatches it, need not pass through a function that uses it."""
    found = set()
    for entry in selection:
        path, _, only = entry.partition("::")
        for node in ast.parse((repo / path).read_text("utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test") or only not in ("", node.name):
                continue
            if any(isinstance(n, ast.Name) and n.id == name or isinstance(n, ast.Constant) and n.value == name
                   or isinstance(n, ast.Attribute) and n.attr == name for n in ast.walk(node)):
                found.add(f"{path}::{node.name}")
    return found


def run_constants(repo: Path, found: list[tuple[Mutant, str]], jobs: int) -> None:
    """Each constant mutant written into a copy's module (restored after) and its tests run with -x; `jobs`
    copies of the copy work at once, one mutant each."""
    stats = json.loads((repo / "mutants" / "mutmut-stats.json").read_text())["tests_by_mangled_function_name"]
    selection = tomllib.loads((repo / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"][
        "pytest_add_cli_args_test_selection"]
    tests_of: dict[tuple[str, str], list[str]] = {}
    for mutant, _ in found:
        key = (mutant.module, mutant.function)
        if key not in tests_of:
            keys = {f"{dotted(mutant.module)}.{f}" for f in users((repo / mutant.module).read_text("utf-8"),
                                                                   mutant.function)}
            reached = {t for k in keys for t in stats.get(k, ())}
            tests_of[key] = sorted(reached | naming(repo, selection, mutant.function.rpartition(".")[2]))
    copies: queue.Queue[Path] = queue.Queue()
    for n in range(max(1, jobs)):
        copy = repo.parent / f"constants-{n}"
        shutil.copytree(repo, copy, ignore=shutil.ignore_patterns("mutants", "__pycache__"))
        copies.put(copy)

    def check(item: tuple[Mutant, str]) -> None:
        mutant, code = item
        tests = tests_of[(mutant.module, mutant.function)]
        mutant.tests = len(tests)
        if not tests:
            mutant.status = "no tests"
            return
        copy = copies.get()
        path = copy / mutant.module
        original = path.read_text("utf-8")
        try:
            path.write_text(code, "utf-8")
            done = subprocess.run([str(PYTHON), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m",
                                   "not browser", *tests], cwd=copy, capture_output=True, text=True, timeout=600,
                                  env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
            # 2 and 4: the mutated module cannot even be imported (a required argument gone), so nothing
            # collects; that is a kill, as mutmut counts pytest's internal error (3) as one.
            mutant.status = {0: "survived", 1: "killed", 2: "killed", 3: "killed", 4: "killed"}.get(
                done.returncode, f"pytest exit {done.returncode}")
            if mutant.status.startswith("pytest exit"):
                print(mutant.name, done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        except subprocess.TimeoutExpired:
            mutant.status = "timeout"
        finally:
            path.write_text(original, "utf-8")
            copies.put(copy)

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        list(pool.map(check, found))


def check_constants_baseline(repo: Path) -> None:
    """The copy's own kpi_core is the one imported (not the working tree's editable install)."""
    done = subprocess.run([str(PYTHON), "-c", "import kpi_core, sys; print(kpi_core.__file__)"], cwd=repo,
                          capture_output=True, text=True, check=True)
    if not Path(done.stdout.strip()).resolve().is_relative_to(repo.resolve()):
        raise SystemExit(f"the copy imports kpi_core from {done.stdout.strip()}, not from {repo}")


# ------------------------------------------------------------------ report

KILLED = {"killed", "timeout"}


def report(run: Run) -> str:
    rows = ["| module | mutants | killed | survived | no tests | score |", "|---|---:|---:|---:|---:|---:|"]
    for module in [*GUARDS, "total"]:
        mine = [m for m in run.mutants if module in ("total", m.module)]
        if not mine:
            continue
        count = Counter("killed" if m.status in KILLED else m.status for m in mine)
        killed = count["killed"]
        rows.append(f"| {module} | {len(mine)} | {killed} | {count['survived']} | {count['no tests']} | "
                    f"{100 * killed / len(mine):.1f} % |")
    others = sorted({m.status for m in run.mutants} - KILLED - {"survived", "no tests"})
    if others:
        rows.append(f"\nother outcomes (counted as not killed): {others}")
    lines = ["", *rows, "", "Survivors:"]
    for m in run.mutants:
        if m.status not in KILLED:
            lines.append(f"- [{m.status}] {m.name} ({m.function})\n    - {m.old}\n    + {m.new}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", help="short names, comma-separated (reader,cells,coaching,unzip,…)")
    parser.add_argument("--functions", help="function names, comma-separated (methods by their own name)")
    parser.add_argument("--no-constants", action="store_true")
    parser.add_argument("--no-functions", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument("--json", type=Path, default=OUT / "mutation.json")
    args = parser.parse_args()
    if not MUTMUT.exists():
        raise SystemExit('mutmut is not installed: .venv/bin/pip install -e ".[mutation]"')
    wanted = set(args.modules.split(",")) if args.modules else None
    modules = [m for m in GUARDS if wanted is None or Path(m).stem in wanted]
    functions = set(args.functions.split(",")) if args.functions else None

    workdir = Path(tempfile.mkdtemp(prefix="kpi-mutation-"))
    run = Run()
    try:
        repo = make_copy(workdir)
        os.chdir(repo)  # mutmut reads its configuration from the current directory, even on import
        start = time.perf_counter()
        mutants = [] if args.no_functions else function_mutants(repo, modules, functions)
        if not mutants:  # mutmut still has to run once for its stats (which test reaches which function)
            mutants = function_mutants(repo, modules[:1], None)[:1]
        print(f"{len(mutants)} function mutants; running mutmut in {repo} …", flush=True)
        run_mutmut(repo, mutants, args.jobs, workdir / "mutmut.log")
        run.seconds["functions"] = round(time.perf_counter() - start, 1)
        if not args.no_functions:
            run.mutants += mutants
        if not args.no_constants and not functions:
            start = time.perf_counter()
            check_constants_baseline(repo)
            found = constant_mutants(repo, modules)
            print(f"{len(found)} constant mutants …", flush=True)
            run_constants(repo, found, args.jobs)
            run.mutants += [m for m, _ in found]
            run.seconds["constants"] = round(time.perf_counter() - start, 1)
    finally:  # what was found so far is kept and shown even when a step fails
        os.chdir(ROOT)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"seconds": run.seconds, "mutants": [asdict(m) for m in run.mutants]},
                                        ensure_ascii=False, indent=1))
        print(report(run))
        print(f"\nseconds: {run.seconds}; all mutants in {args.json}")
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
