"""The user's plan: value statement, persona, KPIs with targets, budget and calendar; YAML round trip."""

from __future__ import annotations

import copy
import datetime
import math
from dataclasses import asdict, dataclass, field, fields

import yaml

from kpi_core.bounds import MAX_LONG_CHARS, MAX_SENTENCE_CHARS, MAX_SHORT_CHARS, cut
from kpi_core.columns import all_columns
from kpi_core.matching import cell_key
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.personas import VALUE_SIGNALS, Checker, Persona, PersonaCatalog, SchemaProblem, default_catalog

PLAN_VERSION = 1
SENTENCE_PARTS = ("person", "problem", "solution")
DEFAULT_PERSONA = "office_worker"  # a fresh plan's persona, and the one a plan whose persona is gone gets
CUSTOM_KPI_ID = "custom"  # the KPI implied by the value statement (kpi_core.report.custom_kpi)
AUTO_RESULT = "auto"  # key result "whatever the persona counts by default" (kpi_core.measures.chosen_result)
# The persona page's budget input takes 30 minutes to 5,000 a week (83 hours: more than anyone has beside a
# job); a plan outside would not even draw there.
MIN_BUDGET_MINUTES, MAX_BUDGET_MINUTES = 30, 5_000
MAX_INCOME_GOAL = 10**10  # yen a month: the persona page's input stops there; more is a typo


@dataclass
class ValueStatement:
    """Whose problem, what problem, how it is solved — and the one person behind "whose"."""

    person: str = ""  # the one person you write for
    situation: str = ""
    worries: str = ""
    words: str = ""  # the words that move them
    future: str = ""  # the future they want
    problem: str = ""
    solution: str = ""
    offer: str = ""  # what you sell or will sell
    why_me: str = ""  # the experience behind it
    change: str = ""  # hypothesis: what the person does or feels differently once solved
    custom_kpi: str = ""  # the user's own wording of the implied indicator; wins over the generated one
    sentence: str = ""  # the user's own wording of the statement sentence; wins over the generated one


# Each statement field's length cap (kpi_core.bounds says why), and the label the define page shows it under.
STATEMENT_LIMITS = {
    **dict.fromkeys(("person", "words", "offer"), MAX_SHORT_CHARS),
    **dict.fromkeys(("situation", "worries", "future", "problem", "solution", "why_me", "change"), MAX_LONG_CHARS),
    "custom_kpi": MAX_SENTENCE_CHARS, "sentence": MAX_SENTENCE_CHARS,
}
STATEMENT_LABELS = {**{name: f"define.field.{name}" for name in STATEMENT_LIMITS},
                    "custom_kpi": "define.result.custom_kpi", "sentence": "define.result.sentence_edit"}


@dataclass
class KpiChoice:
    """A KPI the plan tracks, with the user's own target."""

    id: str
    target: float  # the low end for a band KPI
    target_max: float | None = None  # the high end for a band KPI (None: the declared one, or not a band)


# What to do at the end of a 12-week cycle: another cycle with the same plan, rewrite the value statement,
# or choose other KPIs.
CYCLE_DECISIONS = ("keep", "rewrite", "change_kpis")


@dataclass
class CycleDecision:
    """The decision taken at the end of one cycle; for "rewrite", the statement as it was before."""

    cycle: int  # 1 for the first 12 weeks
    decision: str  # one of CYCLE_DECISIONS
    week: datetime.date | None = None  # first day of the week it was decided in
    previous_statement: ValueStatement | None = None  # kept for comparison when the statement is rewritten


@dataclass
class Plan:
    """Everything the user decides once and revisits: saved as YAML, read back exactly."""

    statement: ValueStatement = field(default_factory=ValueStatement)
    persona_id: str = DEFAULT_PERSONA
    kpis: list[KpiChoice] = field(default_factory=list)
    weekly_budget_minutes: int = 300
    week_start: int = 0  # 0 = Monday … 6 = Sunday
    key_result: str = "auto"  # "auto" = inquiries when the log has them, else reactions
    start_date: datetime.date | None = None
    rest_weeks: list[datetime.date] = field(default_factory=list)  # first day of each week off
    steps_done: list[str] = field(default_factory=list)  # path steps worked on (persona, dashboard…), in order
    language: str = "ja"  # the language the person last chose for the app
    monthly_income_goal: int | None = None  # yen a calendar month, shown beside value (None = no goal)
    cycle_decisions: list[CycleDecision] = field(default_factory=list)  # end-of-cycle decisions, oldest first
    # The column-matching step's choices, remembered: header signature (kpi_core.matching.signature) →
    # {field id: header as written}, applied to the next file with the same header set.
    column_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    # The define page's step the person reached (0 = the first): a reload or another visit reopens it there.
    define_step: int = 0


# ---------------------------------------------------------------- sentences


def _statement(source: ValueStatement | Plan) -> ValueStatement:
    return source.statement if isinstance(source, Plan) else source


# Particles a user may type at the end of a part, which the sentence template already supplies.
_TRAILING = {"person": "の", "problem": "を", "solution": "で"}


# A Japanese part typed as a clause (合わない, 提案する) ends in a verb or adjective; the template needs a noun
# before の/を/で, so the clause gets one: 「…」という悩み, …こと, …人.
_CLAUSE_ENDINGS = tuple("うくぐすつぬぶむるいた")
_AS_NOUN = {"person": "{}人", "problem": "「{}」という悩み", "solution": "{}こと"}


def _parts(statement: ValueStatement, lang: str) -> dict[str, str]:
    parts = {}
    for name in SENTENCE_PARTS:
        text = getattr(statement, name).strip().rstrip("。．.、,").strip()
        if lang == "ja" and text.endswith(_TRAILING[name]) and len(text) > 1:
            text = text[:-1]
        if lang == "ja" and text.endswith(_CLAUSE_ENDINGS):
            text = _AS_NOUN[name].format(text)
        parts[name] = text or t(f"plan.blank.{name}", lang)
    return parts


def statement_sentence(statement: ValueStatement | Plan, lang: str = DEFAULT_LANG) -> str:
    """The statement as one sentence: 「{person}の{problem}を、{solution}で解決する」 or its English form."""
    if _statement(statement).sentence.strip():
        return _statement(statement).sentence.strip()
    return t("plan.sentence", lang, **_parts(_statement(statement), lang))


def custom_kpi_name(statement: ValueStatement | Plan, lang: str = DEFAULT_LANG) -> str:
    """The indicator implied by the statement, unless the user wrote their own."""
    statement = _statement(statement)
    if statement.custom_kpi.strip():
        return statement.custom_kpi.strip()
    return t("plan.custom_kpi", lang, **_parts(statement, lang))


# A generated name (the custom KPI's runs to 80 characters and more) on a checkbox, a KPI line or a chart title:
# about one line on a 390 px phone. The page keeps the whole text one tap away (a help tooltip).
SHORT_NAME_CHARS = 24


def short_name(text: str, limit: int = SHORT_NAME_CHARS) -> str:
    """`text` for a label: whole when it has at most `limit` characters, else its first ones and "…", `limit`
    characters in all."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def custom_kpi_short_name(statement: ValueStatement | Plan, lang: str = DEFAULT_LANG) -> str:
    """custom_kpi_name cut for display (short_name); compare with custom_kpi_name to know whether it was cut."""
    return short_name(custom_kpi_name(statement, lang))


# ---------------------------------------------------------------- defaults and checks


def default_plan(persona: Persona | str, catalog: PersonaCatalog | None = None) -> Plan:
    """A fresh plan for the persona: its own KPIs and its chosen core KPIs at their declared targets."""
    catalog = catalog or default_catalog()
    if isinstance(persona, str):
        persona = catalog.personas[persona]
    core = [k for kpi_id in persona.core_kpis if (k := catalog.kpi(kpi_id)) is not None]
    kpis = [KpiChoice(k.id, k.target, k.target_max) for k in (*persona.kpis, *core)]
    return Plan(persona_id=persona.id, kpis=kpis, weekly_budget_minutes=persona.weekly_budget_minutes,
                key_result=persona.key_result)


def check_plan(plan: Plan, catalog: PersonaCatalog, file: str = "plan.yaml") -> list[SchemaProblem]:
    """Problems of a plan against the catalog and the app's bounds: everything `repair_plan` mends.

    A text over its cap (kpi_core.bounds), a budget, week start or income goal outside what the pages take, a
    remembered column match naming a field no log has, an unknown persona, KPIs that persona cannot use, a
    target below zero or not a number, a band whose high end is below its low end, a key result the persona
    does not count.
    """
    check = Checker(file)
    for path, text, limit, _ in _texts(plan):
        if len(text) > limit:
            check.add(path, "text_too_long", area="plan", limit=f"{limit:,}", length=f"{len(text):,}")
    budget = plan.weekly_budget_minutes
    if not _whole(budget) or not MIN_BUDGET_MINUTES <= budget <= MAX_BUDGET_MINUTES:
        check.add("weekly_budget_minutes", "out_of_range", area="plan", value=budget, min=MIN_BUDGET_MINUTES,
                  max=f"{MAX_BUDGET_MINUTES:,}")
    if not _whole(plan.week_start) or not 0 <= plan.week_start <= 6:
        check.add("week_start", "out_of_range", area="plan", value=plan.week_start, min=0, max=6)
    goal = plan.monthly_income_goal
    if goal is not None and (not _whole(goal) or goal < 0):
        check.add("monthly_income_goal", "bad_income_goal", area="plan", value=goal)
    elif goal is not None and goal > MAX_INCOME_GOAL:
        check.add("monthly_income_goal", "out_of_range", area="plan", value=goal, min=0, max=f"{MAX_INCOME_GOAL:,}")
    columns = _known_columns(catalog)
    for signature, mapping in plan.column_maps.items():
        for field_id in mapping:
            if field_id not in columns:
                check.add(f"column_maps.{signature}.{field_id}", "unknown_column", area="plan", value=field_id,
                          known=", ".join(sorted(columns)))
    if plan.persona_id not in catalog.personas:
        check.add("persona_id", "unknown_persona", area="plan", value=plan.persona_id,
                  known=", ".join(catalog.personas))
        return check.problems
    for i, choice in enumerate(plan.kpis):
        kpi = None if choice.id == CUSTOM_KPI_ID else catalog.kpi(choice.id, plan.persona_id)
        if kpi is None and choice.id != CUSTOM_KPI_ID:
            check.add(f"kpis[{i + 1}].id", "unknown_kpi", area="plan", value=choice.id)
            continue
        bad = [name for name in ("target", "target_max") if not _target_ok(getattr(choice, name), name)]
        for name in bad:
            check.add(f"kpis[{i + 1}].{name}", "bad_target", area="plan", value=getattr(choice, name))
        if not bad and kpi is not None and kpi.direction == "band":
            high = choice.target_max if choice.target_max is not None else kpi.target_max
            if high is not None and high < choice.target:
                check.add(f"kpis[{i + 1}].target_max", "band_max_below_min", area="plan",
                          min=f"{choice.target:g}", max=f"{high:g}")
    allowed = _results(plan.persona_id, catalog)
    if plan.key_result not in allowed:
        check.add("key_result", "unknown_key_result", area="plan", value=plan.key_result, known=", ".join(allowed))
    return check.problems


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _target_ok(value: object, name: str) -> bool:
    """A target is a number 0 or more; a band's own high end may also be absent (the declared one then)."""
    if value is None:
        return name == "target_max"
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _known_columns(catalog: PersonaCatalog) -> set[str]:
    return {c.id for c in all_columns()} | {c.id for p in catalog.personas.values() for c in p.columns}


def _results(persona_id: str, catalog: PersonaCatalog) -> tuple[str, ...]:
    """The key results a plan of the persona may name: auto, all value signals, or one of them."""
    return (AUTO_RESULT, VALUE_SIGNALS, *catalog.value_signals(persona_id))


def _statements(plan: Plan):
    """The plan's statement, then each earlier statement kept by a "rewrite" decision, with its cycle number."""
    yield plan.statement, None
    for decision in plan.cycle_decisions:
        if decision.previous_statement is not None:
            yield decision.previous_statement, decision.cycle


def _texts(plan: Plan):
    """(path, text, cap, cycle) for every text field of the plan's statements."""
    for statement, cycle in _statements(plan):
        where = "statement" if cycle is None else f"cycle_decisions[cycle {cycle}].previous_statement"
        for name, limit in STATEMENT_LIMITS.items():
            yield f"{where}.{name}", getattr(statement, name), limit, cycle


@dataclass(frozen=True)
class PlanRepair:
    """One change `repair_plan` made, said to the person in their language.

    `name` is what the change is about: a catalog key (a field's label) or a persona's or KPI's own names.
    """

    code: str
    params: dict = field(default_factory=dict)
    name: str | dict | None = None
    detail: SchemaProblem | None = None  # "unreadable": what plan_from_yaml could not read

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The change in `lang`."""
        if isinstance(self.name, dict):
            named = {"name": self.name.get(lang) or self.name.get(DEFAULT_LANG, "")}
        else:
            named = {"name": t(self.name, lang)} if self.name else {}
        if self.detail is not None:
            named["detail"] = self.detail.message(lang)
        return t(f"plan.repair.{self.code}", lang, **self.params, **named)


def repair_plan(plan: Plan, catalog: PersonaCatalog) -> tuple[Plan, list[PlanRepair]]:
    """A copy of the plan that `check_plan` finds nothing wrong with, and each change made to get there.

    For a plan already stored that an upgrade (or a hand edit) made invalid, so no page ever meets it:
    a text over its cap is cut to it; a budget outside the persona page's range goes to the nearest end, a week
    start outside Monday–Sunday to Monday, an income goal that cannot be one to none; a remembered column match
    naming an unknown field is forgotten (the file is asked about again); an unknown persona becomes the
    default one with its KPIs; a KPI the persona cannot use is dropped; a target below zero or not a number goes
    back to the KPI's own; a band's reversed ends are swapped; a key result the persona does not count becomes
    the persona's default. The plan given is left as it was.
    """
    plan = copy.deepcopy(plan)
    changes: list[PlanRepair] = []
    for statement, cycle in _statements(plan):
        for name, limit in STATEMENT_LIMITS.items():
            if len(text := getattr(statement, name)) > limit:
                setattr(statement, name, cut(text, limit))
                sizes = {"limit": f"{limit:,}", "length": f"{len(text):,}"}
                changes.append(PlanRepair("text_cut", sizes, STATEMENT_LABELS[name]) if cycle is None else
                               PlanRepair("previous_text_cut", {**sizes, "cycle": cycle}, STATEMENT_LABELS[name]))
    _repair_numbers(plan, changes)
    columns = _known_columns(catalog)
    for signature, mapping in list(plan.column_maps.items()):
        unknown = [f for f in mapping if f not in columns]
        if unknown:
            del plan.column_maps[signature]
            changes.append(PlanRepair("column_map_dropped", {"value": ", ".join(unknown)}))
    if plan.persona_id not in catalog.personas:
        fresh = default_plan(DEFAULT_PERSONA if DEFAULT_PERSONA in catalog.personas else next(iter(catalog.personas)),
                             catalog)
        own = [c for c in plan.kpis if c.id == CUSTOM_KPI_ID]  # the statement's own KPI belongs to no persona
        changes.append(PlanRepair("persona_replaced", {"value": plan.persona_id},
                                  catalog.personas[fresh.persona_id].name))
        plan.persona_id, plan.kpis, plan.key_result = fresh.persona_id, fresh.kpis + own, fresh.key_result
    plan.kpis = [c for c in (_repair_kpi(choice, plan.persona_id, catalog, changes) for choice in plan.kpis) if c]
    if plan.key_result not in _results(plan.persona_id, catalog):
        changes.append(PlanRepair("key_result_reset", {"value": plan.key_result}))
        plan.key_result = catalog.personas[plan.persona_id].key_result
    return plan, changes


def _repair_numbers(plan: Plan, changes: list[PlanRepair]) -> None:
    budget = plan.weekly_budget_minutes
    if not _whole(budget) or not MIN_BUDGET_MINUTES <= budget <= MAX_BUDGET_MINUTES:
        finite = isinstance(budget, int | float) and not isinstance(budget, bool) and math.isfinite(budget)
        plan.weekly_budget_minutes = (int(min(max(budget, MIN_BUDGET_MINUTES), MAX_BUDGET_MINUTES)) if finite
                                      else Plan().weekly_budget_minutes)
        changes.append(PlanRepair("budget_changed", {"value": budget, "minutes": plan.weekly_budget_minutes}))
    if not _whole(plan.week_start) or not 0 <= plan.week_start <= 6:
        changes.append(PlanRepair("week_start_reset", {"value": plan.week_start}))
        plan.week_start = 0
    goal = plan.monthly_income_goal
    if goal is not None and (not _whole(goal) or not 0 <= goal <= MAX_INCOME_GOAL):
        changes.append(PlanRepair("income_goal_dropped", {"value": goal}))
        plan.monthly_income_goal = None


def _repair_kpi(choice: KpiChoice, persona_id: str, catalog: PersonaCatalog,
                changes: list[PlanRepair]) -> KpiChoice | None:
    if choice.id == CUSTOM_KPI_ID:
        kpi, declared, names = None, 1.0, STATEMENT_LABELS["custom_kpi"]  # the persona page's first target
    else:
        kpi = catalog.kpi(choice.id, persona_id)
        if kpi is None:
            changes.append(PlanRepair("kpi_dropped", {"value": choice.id}))
            return None
        declared, names = kpi.target, kpi.name
    if not _target_ok(choice.target, "target") or not _target_ok(choice.target_max, "target_max"):
        changes.append(PlanRepair("target_reset", {"value": choice.target}, names))
        choice = KpiChoice(choice.id, float(declared), None)
    if kpi is not None and kpi.direction == "band":
        high = choice.target_max if choice.target_max is not None else kpi.target_max
        if high is not None and high < choice.target:
            changes.append(PlanRepair("band_swapped", {"min": f"{choice.target:g}", "max": f"{high:g}"}, names))
            choice = KpiChoice(choice.id, float(high), float(choice.target))
    return choice


def read_stored_plan(text: str, catalog: PersonaCatalog) -> tuple[Plan, list[PlanRepair]]:
    """A plan saved earlier (perhaps by an older version) as this version can use it, with what was changed:
    a field plan_from_yaml cannot read keeps its default (a text that is no plan at all gives the default plan),
    then `repair_plan` mends the rest."""
    plan, problems = plan_from_yaml(text)
    changes = [PlanRepair("unreadable", detail=problem) for problem in problems]
    if plan is None:
        plan = default_plan(DEFAULT_PERSONA if DEFAULT_PERSONA in catalog.personas else next(iter(catalog.personas)),
                            catalog)
    plan, repairs = repair_plan(plan, catalog)
    return plan, changes + repairs


def admit_plan(plan: Plan, catalog: PersonaCatalog, file: str = "plan.yaml"
               ) -> tuple[Plan | None, list[SchemaProblem], list[PlanRepair]]:
    """A plan arriving from a file (an import, a restore, the CLI's --plan): (None, what is wrong, []) when
    check_plan finds anything but over-long text; else (the plan with such text cut to its cap, [], the cuts).

    Text is the person's own and stays whole up to the cap, so a backup is not refused for a long note; a plan
    whose persona, KPIs or numbers the app cannot use is refused, so nothing changes behind the person's back.
    """
    problems = [p for p in check_plan(plan, catalog, file) if p.code != "text_too_long"]
    if problems:
        return None, problems, []
    repaired, changes = repair_plan(plan, catalog)
    return repaired, [], changes


# ---------------------------------------------------------------- YAML


class _Quoted(str):
    """A string written double-quoted: YAML 1.1 then cannot read it as a number, boolean, date or null."""


# libyaml's emitter when PyYAML has it: the same safe representers, about five times faster — the pages dump the
# plan a few times per rerun (cache keys, autosave), which showed up under load (bench/RESULTS.md, capacity).
class _PlanDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    pass


# Double quotes escape every character YAML would fold or drop (line breaks, NEL, BOM, controls), so any
# text comes back exactly; allow_unicode keeps Japanese readable.
_PlanDumper.add_representer(_Quoted, lambda dumper, data: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(data), style='"'))


def plan_to_yaml(plan: Plan) -> str:
    """The plan as YAML text; `plan_from_yaml` reads it back equal."""
    document = {
        "version": PLAN_VERSION,
        "persona_id": _Quoted(plan.persona_id),
        "statement": {name: _Quoted(value) for name, value in asdict(plan.statement).items()},
        "kpis": [_kpi_document(k) for k in plan.kpis],
        "weekly_budget_minutes": int(plan.weekly_budget_minutes),
        "week_start": int(plan.week_start),
        "key_result": _Quoted(plan.key_result),
        "start_date": _Quoted(plan.start_date.isoformat()) if plan.start_date else None,
        "rest_weeks": [_Quoted(d.isoformat()) for d in plan.rest_weeks],
        "steps_done": [_Quoted(step) for step in plan.steps_done],
        "language": _Quoted(plan.language),
        "monthly_income_goal": None if plan.monthly_income_goal is None else int(plan.monthly_income_goal),
        "cycle_decisions": [_decision_document(d) for d in plan.cycle_decisions],
    }
    if plan.define_step:  # written only once the person moved on: a plan still at the first step reads as before
        document["define_step"] = int(plan.define_step)
    if plan.column_maps:  # written only once there is one: a plan without any reads as before
        document["column_maps"] = {_Quoted(signature): {_Quoted(f): _Quoted(h) for f, h in mapping.items()}
                                   for signature, mapping in plan.column_maps.items()}
    body = yaml.dump(document, Dumper=_PlanDumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return "# kpi-coach plan\n" + body


def _decision_document(decision: CycleDecision) -> dict:
    document = {"cycle": int(decision.cycle), "decision": _Quoted(decision.decision),
                "week": _Quoted(decision.week.isoformat()) if decision.week else None}
    if decision.previous_statement is not None:
        document["previous_statement"] = {name: _Quoted(value)
                                          for name, value in asdict(decision.previous_statement).items()}
    return document


def _kpi_document(choice: KpiChoice) -> dict:
    document = {"id": _Quoted(choice.id), "target": _number(choice.target)}
    if choice.target_max is not None:  # only bands have one: other entries read as before
        document["target_max"] = _number(choice.target_max)
    return document


def _number(value: float) -> int | float:
    # Whole targets stay "3", not "3.0", so a hand-edited file looks like what the user typed.
    return int(value) if float(value).is_integer() else float(value)


_STATEMENT_FIELDS = tuple(f.name for f in fields(ValueStatement))
_PLAN_KEYS = ("version", "persona_id", "statement", "kpis", "weekly_budget_minutes", "week_start",
              "key_result", "start_date", "rest_weeks", "steps_done", "language", "cycle_decisions")

_PLAN_KEYS += ("monthly_income_goal",)
_PLAN_KEYS += ("column_maps",)
_PLAN_KEYS += ("define_step",)


def _text(check: Checker, value: object, path: str) -> str | None:
    if value is None:  # "person:" with nothing after it
        return ""
    if not isinstance(value, str):
        check.add(path, "expected_string", value=value)
        return None
    return value


def _date(check: Checker, value: object, path: str) -> datetime.date | None:
    # Quoted dates arrive as text; a hand-typed unquoted date arrives as a date already.
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    check.add(path, "bad_date", area="plan", value=value)
    return None


def _statement_from(check: Checker, value: object, path: str = "statement") -> ValueStatement:
    data = check.mapping(value, path, optional=_STATEMENT_FIELDS) if value is not None else {}
    values = {}
    for name in _STATEMENT_FIELDS:
        if data and name in data and (text := _text(check, data[name], f"{path}.{name}")) is not None:
            values[name] = text
    return ValueStatement(**values)


def _kpis_from(check: Checker, value: object) -> list[KpiChoice]:
    items = check.listing(value, "kpis") if value is not None else []
    choices: list[KpiChoice] = []
    for i, item in enumerate(items or []):
        path = f"kpis[{i + 1}]"
        data = check.mapping(item, path, ("id", "target"), ("target_max",))
        if not data or "id" not in data or "target" not in data:
            continue
        kpi_id = check.string(data["id"], f"{path}.id")
        target = check.number(data["target"], f"{path}.target")
        high = check.field(data, path, "target_max", check.number)
        if kpi_id is None or target is None:
            continue
        if any(c.id == kpi_id for c in choices):
            check.add(f"{path}.id", "duplicate_id", value=kpi_id)
            continue
        choices.append(KpiChoice(kpi_id, float(target), None if high is None else float(high)))
    return choices


def _decisions_from(check: Checker, value: object) -> list[CycleDecision]:
    """Each entry with a cycle number and a known decision; an entry with a problem is left out and reported."""
    items = check.listing(value, "cycle_decisions") if value is not None else []
    decisions: list[CycleDecision] = []
    for i, item in enumerate(items or []):
        path = f"cycle_decisions[{i + 1}]"
        data = check.mapping(item, path, ("cycle", "decision"), ("week", "previous_statement"))
        if not data or "cycle" not in data or "decision" not in data:
            continue
        cycle = check.number(data["cycle"], f"{path}.cycle", integer=True, positive=True)
        decision = data["decision"].strip() if isinstance(data["decision"], str) else None
        if decision not in CYCLE_DECISIONS:
            check.add(f"{path}.decision", "unknown_decision", area="plan", value=data["decision"],
                      known=", ".join(CYCLE_DECISIONS))
            decision = None
        week = _date(check, data["week"], f"{path}.week") if data.get("week") is not None else None
        previous = data.get("previous_statement")
        statement = None if previous is None else _statement_from(check, previous, f"{path}.previous_statement")
        if cycle is not None and decision is not None:
            decisions.append(CycleDecision(int(cycle), decision, week, statement))
    return decisions


def _column_maps_from(check: Checker, value: object) -> dict[str, dict[str, str]]:
    """Each remembered mapping of field ids to headers; a bad entry is left out and reported (the file is then
    simply asked about again)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.add("column_maps", "expected_mapping", value=value)
        return {}
    maps: dict[str, dict[str, str]] = {}
    for signature, mapping in value.items():
        path = f"column_maps.{signature}"
        if not isinstance(signature, str) or not signature.strip():
            check.add(path, "expected_string", value=signature)
            continue
        if not isinstance(mapping, dict):
            check.add(path, "expected_mapping", value=mapping)
            continue
        clean: dict[str, str] = {}
        for field_id, header in mapping.items():
            if check.ident(field_id, f"{path}.{field_id}") is None:
                continue
            if not isinstance(header, str) or not header.strip():  # kept as written: it is matched as written
                check.add(f"{path}.{field_id}", "expected_string", value=header)
                continue
            same = next((f for f, h in clean.items() if cell_key(h) == cell_key(header)), None)
            if same is not None:
                check.add(f"{path}.{field_id}", "column_map_same_header", area="plan", value=header, first=same,
                          second=field_id)
                continue
            clean[field_id] = header
        if len(clean) == len(mapping):
            maps[signature] = clean
    return maps


def plan_from_yaml(text: str, file: str = "plan.yaml") -> tuple[Plan | None, list[SchemaProblem]]:
    """Read a plan; a field with a problem keeps its default and the problem is reported.

    None only when the text is not a YAML mapping at all.
    """
    check = Checker(file)
    data = check.load_yaml(text)
    if data is None or check.mapping(data, "", optional=_PLAN_KEYS) is None:
        return None, check.problems
    plan = Plan(_statement_from(check, data.get("statement")), kpis=_kpis_from(check, data.get("kpis")))
    # Each field keeps the default when absent or wrong (None from the checker), so one typo costs one field.
    plan.persona_id = check.field(data, "", "persona_id", check.ident) or plan.persona_id
    budget = check.field(data, "", "weekly_budget_minutes", check.number, integer=True, positive=True)
    plan.weekly_budget_minutes = plan.weekly_budget_minutes if budget is None else int(budget)
    day = check.field(data, "", "week_start", check.number, integer=True)
    if day is not None and day > 6:
        check.add("week_start", "out_of_range", area="plan", value=day, min=0, max=6)
    elif day is not None:
        plan.week_start = int(day)
    plan.key_result = check.field(data, "", "key_result", check.string) or plan.key_result
    if data.get("start_date") is not None:
        plan.start_date = _date(check, data["start_date"], "start_date")
    rest = check.listing(data["rest_weeks"], "rest_weeks") if data.get("rest_weeks") is not None else []
    dates = [_date(check, value, f"rest_weeks[{i + 1}]") for i, value in enumerate(rest or [])]
    plan.rest_weeks = [d for d in dates if d is not None]
    steps = check.listing(data["steps_done"], "steps_done") if data.get("steps_done") is not None else []
    plan.steps_done = [step for i, v in enumerate(steps or []) if (step := check.string(v, f"steps_done[{i + 1}]"))]
    language = check.field(data, "", "language", check.string)
    plan.language = language if language in ("ja", "en") else plan.language
    if data.get("monthly_income_goal") is not None:  # absent or left empty: no goal
        goal = check.field(data, "", "monthly_income_goal", check.number, integer=True)  # whole yen, 0 or more
        plan.monthly_income_goal = None if goal is None else int(goal)
    plan.cycle_decisions = _decisions_from(check, data.get("cycle_decisions"))
    plan.column_maps = _column_maps_from(check, data.get("column_maps"))
    if data.get("define_step") is not None:  # a whole number, 0 or more (the page stops at its last step)
        step = check.field(data, "", "define_step", check.number, integer=True)
        plan.define_step = plan.define_step if step is None else int(step)
    return plan, check.problems
