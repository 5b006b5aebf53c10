"""Every message key the code uses exists in both languages, and every key in the catalogs is used.

The code is read, not run: an AST walk over kpi_core/, pages/ and app.py finds
- the first argument of every call to `t(...)`: a literal key, both branches of `a if c else b`, a key kept in a
  local variable (`key = "…"; t(key)`), or a pattern with holes (`t(f"coaching.{rule}.title")` →
  `coaching.{}.title`);
- every string constant that is a catalog key (a key kept in a table before it reaches `t`).
Each pattern with holes is a family declared in FAMILIES with the values it takes, read from the code's own
tables (the coaching RULES, the fatigue levels, the codes each problem class is built with …), never a wildcard:
a new f-string key fails here until its values are declared.
"""

from __future__ import annotations

import ast
import functools
import itertools
import re
import string
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from kpi_core import bounds, columns, cycle, decoding, plan, sharing, sustainability, workbooks
from kpi_core.coaching import RULES
from kpi_core.demo import demo_log, demo_plan
from kpi_core.journey import STEPS
from kpi_core.logbook import persona_columns
from kpi_core.messages import LANGS, catalog
from kpi_core.personas import DIRECTIONS, default_catalog
from kpi_core.report import report_for_plan
from kpi_core.store import workspace

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (*sorted(ROOT.glob("kpi_core/**/*.py")), *sorted(ROOT.glob("pages/**/*.py")), ROOT / "app.py")
HOLE = "{}"


# ---------------------------------------------------------------- reading the code


@functools.cache
def tree(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"))


def patterns(node: ast.AST, scope: ast.AST | None = None) -> list[str]:
    """The keys an expression can make: literal strings, or patterns with {} where a value is filled in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return patterns(node.body, scope) + patterns(node.orelse, scope)
    if isinstance(node, ast.JoinedStr):
        made = [""]
        for part in node.values:
            if isinstance(part, ast.Constant):
                pieces = [part.value]
            else:  # an f-string hole: a choice between literals stays a choice, anything else is a hole
                inner = patterns(part.value, scope) if isinstance(part.value, ast.IfExp) else [HOLE]
                pieces = [HOLE] if any(HOLE in p for p in inner) else inner
            made = [m + p for m in made for p in pieces]
        return made
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in patterns(node.left, scope) for b in patterns(node.right, scope)]
    if isinstance(node, ast.Name) and scope is not None:  # `key = "…" if … else "…"` earlier in the function
        assigned = [p for n in ast.walk(scope) if isinstance(n, ast.Assign) for target in n.targets
                    if isinstance(target, ast.Name) and target.id == node.id for p in patterns(n.value, scope)]
        return assigned or [HOLE]
    return [HOLE]


class _Calls(ast.NodeVisitor):
    """Every call to t(...) with where it is (Class.function) and the keys its first argument can make."""

    def __init__(self, path: str) -> None:
        self.path, self.stack, self.found = path, [], []

    def _scoped(self, node) -> None:
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _scoped

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "t" and node.args:
            function = next((s for s in reversed(self.stack) if not isinstance(s, ast.ClassDef)), None)
            where = ".".join(s.name for s in self.stack) or "<module>"
            for pattern in patterns(node.args[0], function):
                self.found.append((f"{self.path}:{node.lineno}", where, pattern))
        self.generic_visit(node)


@functools.cache
def t_calls() -> tuple[tuple[str, str, str], ...]:
    """(file:line, Class.function, key or pattern) for every t(...) in the code."""
    found = []
    for source in SOURCES:
        path = str(source.relative_to(ROOT))
        visitor = _Calls(path)
        visitor.visit(tree(path))
        found += visitor.found
    return tuple(found)


def strings(*paths: str) -> set[str]:
    """Every string constant in the modules (not the literal parts of an f-string)."""
    found = set()
    for path in paths:
        parts = {id(v) for n in ast.walk(tree(path)) if isinstance(n, ast.JoinedStr) for v in n.values}
        found |= {n.value for n in ast.walk(tree(path))
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in parts}
    return found


def fstrings(*paths: str) -> set[str]:
    """Every f-string in the modules, as a pattern with {} holes."""
    return {p for path in paths for n in ast.walk(tree(path)) if isinstance(n, ast.JoinedStr) for p in patterns(n)}


def call_args(path: str, callee: str, index: int) -> set[str]:
    """The literal (or f-string pattern) argument `index` of every call to `callee` (a name or a method)."""
    found = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Call) and len(node.args) > index:
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            arg = node.args[index]
            if name == callee and isinstance(arg, ast.Constant | ast.JoinedStr):
                found.update(patterns(arg))
    return found


def returns(path: str, function: str) -> set[str]:
    """The string literals a function returns."""
    body = next(n for n in ast.walk(tree(path)) if isinstance(n, ast.FunctionDef) and n.name == function)
    return {c.value for n in ast.walk(body) if isinstance(n, ast.Return) and n.value is not None
            for c in ast.walk(n.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}


def module_constant(path: str, name: str) -> object:
    """A page's own table (pages run Streamlit when imported: their constants are read, not imported)."""
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{name} is not assigned in {path}")


def fill(pattern: str, *values: Iterable[object]) -> list[str]:
    """The keys a pattern makes: its holes filled with every combination of the values."""
    return [pattern.replace(HOLE, "{}").format(*combo) for combo in itertools.product(*values)]


# ---------------------------------------------------------------- where the values come from


def coded(paths: tuple[str, ...], prefixes: tuple[str, ...], holes: dict[str, Iterable[str]]) -> list[str]:
    """Codes a module builds: its literals that start with one of `prefixes`, and its f-string codes filled
    from `holes` (every f-string code must be declared there)."""
    codes = {s for s in strings(*paths) if s.startswith(prefixes) and " " not in s}
    built = {p for p in fstrings(*paths) if p.startswith(prefixes)}
    assert built <= set(holes), f"f-string codes with no declared values in {paths}: {sorted(built - set(holes))}"
    return sorted(codes | {c for p in built for c in fill(p, holes[p])})


def rule_texts() -> list[str]:
    """Each coaching rule's message and next step, and the message of each case a rule words apart."""
    cases = {v.value for n in ast.walk(tree("kpi_core/coaching.py")) if isinstance(n, ast.Dict)
             for k, v in zip(n.keys, n.values, strict=True)
             if isinstance(k, ast.Constant) and k.value == "case" and isinstance(v, ast.Constant)}
    keys = [k for r in RULES for k in (r.message_key, r.next_step_key)]
    return keys + [f"{r.message_key}.{c}" for r in RULES for c in cases if f"{r.message_key}.{c}" in catalog("ja")]


def schema_problems() -> list[str]:
    """Persona and plan file problems: the code given to `add` (area from its `area=`), or to a `choice`."""
    found = set()
    for path in ("kpi_core/personas.py", "kpi_core/plan.py"):
        for node in ast.walk(tree(path)):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            area = next((k.value.value for k in node.keywords if k.arg == "area"), "personas")
            code = None
            if name == "add" and len(node.args) > 1:
                code = node.args[1]
            elif name == "SchemaProblem" and len(node.args) > 2:
                code = node.args[2]
            elif name == "choice" or any(isinstance(a, ast.Attribute) and a.attr == "choice" for a in node.args):
                code = node.args[-1]  # check.field(data, path, "direction", check.choice, DIRECTIONS, "bad_direction")
            if code is not None:
                found.update(f"{area}.{c}" for c in patterns(code) if HOLE not in c)
    return sorted(found)


def column_ids() -> set[str]:
    """Every column a table on a page can carry (readable() and column_name() look each one up)."""
    from kpi_core.attribution import results_by_category
    from kpi_core.income import monthly_income
    from kpi_core.smoothing import smoothed_minutes_per_result

    persona_catalog = default_catalog()
    ids = {c.id for c in columns.all_columns(persona_columns(persona_catalog))}
    for persona_id in persona_catalog.personas:
        log = demo_log(persona_id)
        report = report_for_plan(log, demo_plan(persona_id), persona_catalog)
        ids |= {*log.columns, *report.weeks.columns, *report.kpis.columns, *monthly_income(log).columns,
                *smoothed_minutes_per_result(report.weeks).columns,
                *results_by_category(log, key_result=report.key_result, key_columns=report.key_columns).columns}
    return ids


DEFINE = "pages/1_define.py"
DEFINE_STEPS = module_constant(DEFINE, "STEPS")
DEFINE_FIELDS = [f for _, fields in DEFINE_STEPS for f in fields]
READER = ("kpi_core/reader.py", "kpi_core/matching.py")
WORKSPACE = ("kpi_core/store/workspace.py", "kpi_core/store/bundle.py", "kpi_core/store/schema.py")
FIGURES = {*cycle.FIGURES, *(f for r in RULES for f in r.figures), *sharing._TAIL,
           *(c.id for c in columns.CORE_OPTIONAL if c.kind == "count")}

# pattern (or "Class.function:pattern" for a key made entirely at run time) → the keys it makes, and whether the
# code looks each one up only when it exists (`has(key)`: a figure without a name of its own shows its id).
Family = tuple[Callable[[], Iterable[str]], bool]
FAMILIES: dict[str, Family] = {
    "coaching.{}.title": (lambda: fill("coaching.{}.title", [r.id for r in RULES]), False),
    "CoachingMessage._text:{}": (rule_texts, False),
    "coaching.evidence.{}": (lambda: fill("coaching.evidence.{}", {r.summary for r in RULES if r.summary}), False),
    "coaching.figure.{}": (lambda: fill("coaching.figure.{}", FIGURES), True),
    "column.{}": (lambda: fill("column.{}", column_ids()), True),
    "story.figure.{}": (lambda: fill("story.figure.{}", ("minutes_per_result", "results", "minutes",
                                                          "yen_per_hour", "fatigue")), False),
    "cycle.verdict.{}": (lambda: fill("cycle.verdict.{}", cycle.VERDICTS), False),
    "review.verdict.{}": (lambda: fill("review.verdict.{}", cycle.VERDICTS), False),
    "story.decision.{}": (lambda: fill("story.decision.{}", plan.CYCLE_DECISIONS), False),
    "story.decision.{}.help": (lambda: fill("story.decision.{}.help", plan.CYCLE_DECISIONS), False),
    "review.story.next.{}": (lambda: fill("review.story.next.{}", plan.CYCLE_DECISIONS), False),
    "plan.blank.{}": (lambda: fill("plan.blank.{}", plan.SENTENCE_PARTS), False),
    "rubric.{}": (lambda: fill("rubric.{}", range(1, 6)), False),
    "review.fatigue.{}": (lambda: fill("review.fatigue.{}", sustainability.FATIGUE_LEVELS), False),
    "template.example.{}": (lambda: fill("template.example.{}", ("action", "memo")), False),
    "reader.{}": (lambda: fill("reader.{}", coded(READER, ("error.", "row."), {
        "error.workbook_{}": returns("kpi_core/workbooks.py", "workbook_kind") - set(workbooks.READABLE),
        "error.not_text_{}": {kind for _, kind in decoding._MAGIC} | returns("kpi_core/decoding.py", "binary_kind"),
        "error.{}": call_args("kpi_core/workbooks.py", "WorkbookError", 0),
        "row.invalid_{}": {c.kind for c in columns.all_columns(persona_columns(default_catalog()))
                           if c.kind != "text"},
    })), False),
    "reader.ignored.{}": (lambda: fill("reader.ignored.{}", {*call_args("kpi_core/reader.py", "IgnoredColumn", 1),
                                                             *(r for r in strings("kpi_core/matching.py")
                                                               if r in ("vanity", "unknown", "left_out",
                                                                        "duplicate"))}), False),
    "cli.map.{}": (lambda: fill("cli.map.{}", call_args("kpi_core/matching.py", "MappingError", 0)), False),
    "SchemaProblem.message:{}.{}": (schema_problems, False),
    "workspace.{}": (lambda: fill("workspace.{}", coded(WORKSPACE, ("error.", "import."), {})), False),
    "workspace.backup.reason.{}": (lambda: fill("workspace.backup.reason.{}", workspace.BACKUP_REASONS), False),
    "workspace.plan_part.{}": (lambda: fill("workspace.plan_part.{}", {
        *__import__("kpi_core.store.bundle", fromlist=["_PLAN_PARTS"])._PLAN_PARTS,
        *returns("kpi_core/store/bundle.py", "_plan_parts")}), False),
    "sharing.title.{}": (lambda: fill("sharing.title.{}", sharing.PERIODS), False),
    "sharing.column.now.{}": (lambda: fill("sharing.column.now.{}", sharing.PERIODS), False),
    "sharing.column.previous.{}": (lambda: fill("sharing.column.previous.{}", sharing.PERIODS), False),
    "sharing.section.{}": (lambda: fill("sharing.section.{}", ("value", "kpi", "conventional")), False),
    "sharing.column.{}": (lambda: fill("sharing.column.{}", ("section", "indicator", "change", "target", "note")),
                          False),
    "review.share.period.{}": (lambda: fill("review.share.period.{}", sharing.PERIODS), False),
    "define.step.{}": (lambda: fill("define.step.{}", [name for name, _ in DEFINE_STEPS]), False),
    "define.step.{}.help": (lambda: fill("define.step.{}.help", [name for name, _ in DEFINE_STEPS]), False),
    "define.field.{}": (lambda: fill("define.field.{}", DEFINE_FIELDS), False),
    "example.{}.{}": (lambda: fill("example.{}.{}", default_catalog().personas, DEFINE_FIELDS), False),
    "advice.{}": (lambda: fill("advice.{}", call_args("kpi_core/statement_advice.py", "append", 0)), False),
    "personas.direction.{}": (lambda: fill("personas.direction.{}", DIRECTIONS), False),
    "log.separator.{}": (lambda: fill("log.separator.{}", module_constant("pages/3_log.py",
                                                                          "SEPARATOR_NAMES").values()), False),
    "dashboard.period.{}": (lambda: fill("dashboard.period.{}", module_constant("pages/4_dashboard.py", "PERIODS")),
                            False),
    "review.field.{}": (lambda: fill("review.field.{}", cycle.REFLECTION_FIELDS), False),
    "review.field.{}.placeholder": (lambda: fill("review.field.{}.placeholder", cycle.REFLECTION_FIELDS), False),
    "data.import.mode.{}": (lambda: fill("data.import.mode.{}", ("merge", "replace")), False),  # import_zip(mode=)
    "nav.{}": (lambda: fill("nav.{}", module_constant("pages/_ui/layout.py", "PAGE_FILES")), False),
    "nav.bar.{}": (lambda: fill("nav.bar.{}", module_constant("pages/_ui/layout.py", "NAV_ORDER")), False),
    "home.step.{}": (lambda: fill("home.step.{}", STEPS), False),
    "persona.template.lang.{}": (lambda: fill("persona.template.lang.{}", LANGS), False),
    # What repair_plan changed, each named by the label of the field it is about (kpi_core.bounds caps).
    "plan.repair.{}": (lambda: fill("plan.repair.{}", call_args("kpi_core/plan.py", "PlanRepair", 0)), False),
    "PlanRepair.message:{}": (lambda: plan.STATEMENT_LABELS.values(), False),
    "ReviewRepair.message:{}": (lambda: bounds.REVIEW_TEXT_LABELS.values(), False),
}


def family_name(where: str, pattern: str) -> str:
    return f"{where}:{pattern}" if pattern.startswith(HOLE) else pattern


@functools.cache
def expanded() -> dict[str, tuple[tuple[str, ...], bool]]:
    return {name: (tuple(make()), guarded) for name, (make, guarded) in FAMILIES.items()}


KEYLIKE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


# ---------------------------------------------------------------- the tests


def test_every_dynamic_key_is_a_declared_family():
    dynamic = {family_name(where, p): at for at, where, p in t_calls() if HOLE in p}
    assert sorted(set(dynamic) - set(FAMILIES)) == [], {n: dynamic[n] for n in set(dynamic) - set(FAMILIES)}
    # A family the code no longer builds is a stale declaration.
    assert sorted(set(FAMILIES) - set(dynamic)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_used_exists(lang):
    known = catalog(lang)
    literal = [(at, p) for at, _, p in t_calls() if HOLE not in p and p not in known]
    assert literal == []
    made = {name: sorted(k for k in keys if k not in known) for name, (keys, guarded) in expanded().items()
            if not guarded}
    assert {name: missing for name, missing in made.items() if missing} == {}


def test_every_family_makes_keys():
    # A family whose values came out empty (a table renamed, a walk that found nothing) would hide unused keys.
    known = catalog("ja")
    assert [name for name, (keys, _) in expanded().items() if not any(k in known for k in keys)] == []


def test_every_catalog_key_is_used():
    known = catalog("ja")
    used = {p for _, _, p in t_calls() if HOLE not in p}
    used |= {s for source in SOURCES for s in strings(str(source.relative_to(ROOT))) if KEYLIKE.match(s)} & set(known)
    used |= {k for keys, _ in expanded().values() for k in keys}
    assert sorted(set(known) - used) == []


def test_every_literal_key_is_given_the_placeholders_its_texts_need():
    # t() shows the key (and logs it) when a placeholder is missing: no call in the code may rely on that.
    needs = {lang: {k: {n for _, n, _, _ in string.Formatter().parse(v) if n} for k, v in catalog(lang).items()}
             for lang in LANGS}
    short = []
    for source in SOURCES:
        path = str(source.relative_to(ROOT))
        for node in ast.walk(tree(path)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            given = {k.arg for k in node.keywords}
            if None in given:  # **params: filled at run time
                continue
            key = node.args[0].value
            short += [(f"{path}:{node.lineno}", key, lang, sorted(needs[lang][key] - given))
                      for lang in LANGS if needs[lang].get(key, set()) - given]
    assert short == []
