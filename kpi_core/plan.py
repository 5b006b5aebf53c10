"""The user's plan: value statement, persona, KPIs with targets, budget and calendar; YAML round trip."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field, fields

import yaml

from kpi_core.columns import all_columns
from kpi_core.matching import cell_key
from kpi_core.messages import DEFAULT_LANG, t
from kpi_core.personas import Checker, Persona, PersonaCatalog, SchemaProblem, default_catalog

PLAN_VERSION = 1
SENTENCE_PARTS = ("person", "problem", "solution")


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
    persona_id: str = "office_worker"
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
    """Problems of a plan against the catalog: an unknown persona, KPIs that persona cannot use."""
    check = Checker(file)
    goal = plan.monthly_income_goal
    if goal is not None and (isinstance(goal, bool) or not isinstance(goal, int) or goal < 0):
        check.add("monthly_income_goal", "bad_income_goal", area="plan", value=goal)
    if plan.persona_id not in catalog.personas:
        check.add("persona_id", "unknown_persona", area="plan", value=plan.persona_id,
                  known=", ".join(catalog.personas))
        return check.problems
    columns = {c.id for c in all_columns()} | {c.id for p in catalog.personas.values() for c in p.columns}
    for signature, mapping in plan.column_maps.items():
        for field_id in mapping:
            if field_id not in columns:
                check.add(f"column_maps.{signature}.{field_id}", "unknown_column", area="plan", value=field_id,
                          known=", ".join(sorted(columns)))
    for i, choice in enumerate(plan.kpis):
        kpi = catalog.kpi(choice.id, plan.persona_id)
        if kpi is None:
            check.add(f"kpis[{i + 1}].id", "unknown_kpi", area="plan", value=choice.id)
        elif kpi.direction == "band":
            high = choice.target_max if choice.target_max is not None else kpi.target_max
            if high is not None and high < choice.target:
                check.add(f"kpis[{i + 1}].target_max", "band_max_below_min", area="plan",
                          min=f"{choice.target:g}", max=f"{high:g}")
    return check.problems


# ---------------------------------------------------------------- YAML


class _Quoted(str):
    """A string written double-quoted: YAML 1.1 then cannot read it as a number, boolean, date or null."""


class _PlanDumper(yaml.SafeDumper):
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
    return plan, check.problems
