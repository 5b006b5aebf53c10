"""Persona templates and KPI declarations: the data model loaded and validated from `personas/*.yaml`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from kpi_core.columns import CORE_OPTIONAL, REQUIRED, Column, all_columns
from kpi_core.messages import DEFAULT_LANG, LANGS, t

Text = dict[str, str]  # {"ja": ..., "en": ...}

CORE_FILE = "core.yaml"
DIRECTIONS = ("higher", "lower", "band")  # band: met from target to target_max
PERIODS = ("week", "month")
PART_KINDS = ("count", "sum")
KPI_COUNT = (3, 5)  # the method keeps a persona's own indicator set small enough to act on
# Columns computed from another log column instead of read: id -> the column they need.
DERIVED_COLUMNS = {"solved_signals": "memo"}
SUMMABLE_KINDS = ("count", "minutes")
SIGNAL_KINDS = ("count",)  # a value signal is something that happened, counted: never minutes or yen
VALUE_SIGNALS = "value_signals"  # key result "all my value signals": their sum (without the not-summed ones)
BASE_COLUMNS = REQUIRED + CORE_OPTIONAL
DEFAULT_ORDER = 100

# Ids become log column names, YAML keys and URL parameters: keep them plain.
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Part:
    """One side of a KPI formula: count the actions, or sum a log column, optionally per category."""

    kind: str  # "count" (rows) | "sum" (a column)
    column: str | None = None  # the column id for "sum"
    categories: tuple[str, ...] = ()  # empty = every category


@dataclass(frozen=True)
class Formula:
    """numerator (/ denominator) × scale, over one week or over the four weeks ending with it."""

    numerator: Part
    denominator: Part | None = None
    scale: float = 1.0
    period: str = "week"  # "week" | "month" (the 4 weeks ending with the week)


@dataclass(frozen=True)
class Kpi:
    """A declared value indicator."""

    id: str
    name: Text
    measures: Text
    why: Text
    formula: Formula
    unit: Text
    direction: str  # "higher" | "lower" | "band"
    target: float  # the low end for a band
    core: bool = False  # from the shared core set
    target_max: float | None = None  # the high end of a band; None for higher / lower
    per: Text | None = None  # what a ratio divides by ("per 100 reactions"); set exactly when there is a denominator

    def unit_text(self, lang: str = DEFAULT_LANG) -> str:
        """The unit as shown beside a value: with what it divides by for a ratio ("件(直接反応100件あたり)")."""
        unit = localized(self.unit, lang)
        if not self.per:
            return unit
        return t("personas.unit_per", lang, unit=unit, per=localized(self.per, lang))


@dataclass(frozen=True)
class Category:
    """An action category with its names and the spellings a log may use."""

    id: str
    name: Text
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Persona:
    """A persona template: who it fits, its budget, its KPIs and its extra log columns."""

    id: str
    name: Text
    fits: Text
    strength: Text
    constraint: Text
    weekly_budget_minutes: int
    cadence: Text
    columns: tuple[Column, ...] = field(default_factory=tuple)
    kpis: tuple[Kpi, ...] = field(default_factory=tuple)
    core_kpis: tuple[str, ...] = ()  # core KPI ids a new plan for this persona starts with
    order: int = DEFAULT_ORDER  # position in persona pickers
    value_signals: tuple[str, ...] = ()  # this persona's own evidence of trust (column ids), besides the core ones
    key_result: str = VALUE_SIGNALS  # the default result that counts: a value signal id or "value_signals"
    key_result_why: Text = field(default_factory=dict)  # one line: why this result counts for this persona


@dataclass(frozen=True)
class SchemaProblem:
    """A problem found in a declaration file, kept as data and rendered late in the UI language."""

    file: str
    path: str  # e.g. "kpis[2].formula.period"; list positions count from 1, as a reader counts entries
    code: str
    params: dict = field(default_factory=dict)
    area: str = "personas"  # message key prefix: the plan reuses this class with its own codes

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """`file: path: text` in `lang`."""
        text = t(f"{self.area}.{self.code}", lang, **self.params)
        where = ": ".join(part for part in (self.file, self.path) if part)
        return f"{where}: {text}" if where else text


class PersonaFileError(ValueError):
    """The shipped persona files have problems: a packaging bug, not a user mistake."""


def localized(text: Text, lang: str = DEFAULT_LANG) -> str:
    """The text in `lang`, falling back to Japanese."""
    return text.get(lang) or text.get(DEFAULT_LANG) or ""


def fold(text: str) -> str:
    """Text reduced for matching action names: NFKC, lower case, single spaces, stripped."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _alias_pattern(key: str) -> re.Pattern[str]:
    # Latin aliases must be whole words ("dm" is not in "admin"); Japanese has no spaces to rely on.
    if key.isascii():
        return re.compile(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])")
    return re.compile(re.escape(key))


_CACHE_LIMIT = 50_000


@dataclass(frozen=True)
class PersonaCatalog:
    """Everything declared in `personas/`: personas, the core KPIs, action categories, solved phrases."""

    personas: dict[str, Persona]
    core_kpis: tuple[Kpi, ...]
    categories: tuple[Category, ...]
    solved_phrases: dict[str, tuple[str, ...]]
    core_signals: tuple[str, ...] = ()  # value signals every persona shares (core.yaml)
    not_summed: tuple[str, ...] = ()  # signals left out of the "all my value signals" sum (already counted)
    _exact: dict[str, str] = field(init=False, repr=False, compare=False)
    _ordered: tuple[tuple[re.Pattern[str], str], ...] = field(init=False, repr=False, compare=False)
    _memo: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[str, str] = {}
        ranked: list[tuple[int, int, str, str]] = []
        for rank, category in enumerate(self.categories):
            for spelling in (category.id, *category.name.values(), *category.aliases):
                key = fold(spelling)
                if key and key not in exact:
                    exact[key] = category.id
                    ranked.append((-len(key), rank, key, category.id))
        # Longest alias first, so "コメント返信" beats "コメント" and "事例紹介の投稿" is a case study.
        ranked.sort()
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_ordered", tuple((_alias_pattern(k), c) for _, _, k, c in ranked))
        object.__setattr__(self, "_memo", {})

    def category_of(self, action: str) -> str:
        """The category id of an action text: exact alias, else the longest alias inside it, else "other"."""
        known = self._memo.get(action)
        if known is not None:
            return known
        key = fold(action) if isinstance(action, str) else ""
        found = self._exact.get(key)
        if found is None:
            found = next((c for pattern, c in self._ordered if key and pattern.search(key)), "other")
        if len(self._memo) >= _CACHE_LIMIT:  # free-text actions: keep memory bounded
            self._memo.clear()
        self._memo[action] = found
        return found

    def kpi(self, kpi_id: str, persona_id: str | None = None) -> Kpi | None:
        """A KPI by id: the persona's own first, then the core set (then any persona when none is given)."""
        persona = self.personas.get(persona_id) if persona_id else None
        pools = [persona.kpis] if persona else []
        pools.append(self.core_kpis)
        if persona_id is None:
            pools.extend(p.kpis for p in self.personas.values())
        return next((k for pool in pools for k in pool if k.id == kpi_id), None)

    def available_kpis(self, persona_id: str | None) -> tuple[Kpi, ...]:
        """The persona's KPIs followed by the core KPIs: what a plan for that persona may choose from."""
        persona = self.personas.get(persona_id) if persona_id else None
        return (persona.kpis if persona else ()) + self.core_kpis

    def value_signals(self, persona_id: str | None) -> tuple[str, ...]:
        """The core value signals, then the persona's own, each once (an unknown persona: the core ones)."""
        persona = self.personas.get(persona_id) if persona_id else None
        return tuple(dict.fromkeys((*self.core_signals, *(persona.value_signals if persona else ()))))

    def template_columns(self, persona_id: str | None) -> tuple[Column, ...]:
        """Required, core optional and the persona's columns (an unknown persona adds none)."""
        persona = self.personas.get(persona_id) if persona_id else None
        return all_columns(persona.columns if persona else ())

    def category(self, category_id: str) -> Category | None:
        """A declared category by id."""
        return next((c for c in self.categories if c.id == category_id), None)

    def with_persona(self, persona: Persona) -> PersonaCatalog:
        """A copy with `persona` added (or replacing the one with the same id)."""
        personas = {**self.personas, persona.id: persona}
        return replace(self, personas=_ordered_personas(personas))


def _ordered_personas(personas: dict[str, Persona]) -> dict[str, Persona]:
    return dict(sorted(personas.items(), key=lambda item: (item[1].order, item[0])))


# ---------------------------------------------------------------- validation helpers


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key + 1}]"
    return f"{path}.{key}" if path else key


def _show(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:39] + "…"


class Checker:
    """Collects problems for one file; each helper returns the clean value or None. Used by kpi_core.plan."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[SchemaProblem] = []

    def add(self, path: str, code: str, *, area: str = "personas", **params: object) -> None:
        """Record a problem; generic codes live under `personas.`, so only other areas pass `area`."""
        text_params = {k: str(v) for k, v in params.items()}
        self.problems.append(SchemaProblem(self.file, path, code, text_params, area))

    def mapping(self, value: object, path: str, required: tuple = (), optional: tuple = ()) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, "expected_mapping", value=_show(value))
            return None
        for key in required:
            if key not in value:
                self.add(_at(path, key), "missing_key")
        allowed = required + optional
        for key in value:
            if key not in allowed:
                self.add(_at(path, str(key)), "unknown_key", allowed=", ".join(allowed))
        return value

    def field(self, data: dict, path: str, key: str, validate, *args, default=None, **kwargs):
        """validate(data[key], path.key, ...) when the key is present (a missing one is already reported)."""
        return validate(data[key], _at(path, key), *args, **kwargs) if key in data else default

    def listing(self, value: object, path: str) -> list | None:
        if not isinstance(value, list):
            self.add(path, "expected_list", value=_show(value))
            return None
        return value

    def string(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, "expected_string", value=_show(value))
            return None
        return value.strip()

    def strings(self, value: object, path: str) -> tuple[str, ...] | None:
        if isinstance(value, str):  # a single spelling written without brackets
            value = [value]
        items = self.listing(value, path)
        if items is None:
            return None
        clean = [self.string(v, _at(path, i)) for i, v in enumerate(items)]
        return None if None in clean else tuple(clean)

    def text(self, value: object, path: str) -> Text | None:
        if not isinstance(value, dict):
            self.add(path, "expected_text", value=_show(value))
            return None
        out: Text = {}
        for lang in LANGS:
            if lang not in value:
                self.add(_at(path, lang), "missing_language", language=lang)
            elif (text := self.string(value[lang], _at(path, lang))) is not None:
                out[lang] = text
        return out if len(out) == len(LANGS) else None

    def ident(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or not _ID.fullmatch(value):
            self.add(path, "bad_id", value=_show(value))
            return None
        return value

    def number(self, value: object, path: str, *, integer: bool = False, positive: bool = False):
        # bool is an int in Python, and YAML 1.1 reads yes/no/on/off as booleans.
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or value != value or value in (float("inf"), float("-inf")):
            self.add(path, "expected_integer" if integer else "expected_number", value=_show(value))
            return None
        if positive and value <= 0:
            self.add(path, "not_positive", value=_show(value))
            return None
        if value < 0:
            self.add(path, "negative", value=_show(value))
            return None
        return value

    def load_yaml(self, text: str) -> object | None:
        """The YAML document (safe_load only), or None with a problem naming the line."""
        try:
            data = yaml.safe_load(text)
        # A date like 2025-13-01 passes the YAML scanner and fails in datetime (ValueError); deep nesting
        # overflows the stack. Both are file problems, not program errors.
        except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as error:
            mark = getattr(error, "problem_mark", None)
            detail = getattr(error, "problem", None) or str(error).splitlines()[0]
            self.add("", "yaml_error", line=mark.line + 1 if mark else "?", detail=detail)
            return None
        if data is None:
            self.add("", "empty_file")
        return data

    def choice(self, value: object, path: str, choices: tuple[str, ...], code: str) -> str | None:
        if value not in choices:
            self.add(path, code, value=_show(value))
            return None
        return value


@dataclass(frozen=True)
class _Core:
    """What a persona file is checked against: declared categories and the core KPI ids."""

    categories: frozenset[str]
    core_kpi_ids: frozenset[str]
    signals: tuple[str, ...] = ()  # the core value signals


def _read_file(check: Checker, path: Path) -> object | None:
    try:
        raw = path.read_bytes()
    except OSError as error:
        check.add("", "unreadable", detail=error.strerror or str(error))
        return None
    try:
        text = raw.decode("utf-8-sig")  # editors on Windows may add a BOM
    except UnicodeDecodeError:
        check.add("", "encoding")
        return None
    return check.load_yaml(text)


# ---------------------------------------------------------------- parsing


def _part(check: Checker, value: object, path: str, columns: tuple[Column, ...], core: _Core) -> Part | None:
    if not isinstance(value, dict):
        check.add(path, "expected_mapping", value=_show(value))
        return None
    kinds = [k for k in PART_KINDS if k in value]
    others = [str(k) for k in value if k not in (*PART_KINDS, "category")]
    if len(kinds) != 1:
        check.add(path, "bad_part_kind", value=", ".join(kinds + others) or "-")
        return None
    for key in others:
        check.add(_at(path, key), "unknown_key", allowed="count, sum, category")
    kind = kinds[0]
    column = None
    if kind == "count":
        check.choice(value["count"], _at(path, "count"), ("actions",), "bad_count")
    else:
        column = _summable(check, value["sum"], _at(path, "sum"), columns)
    categories: tuple[str, ...] = ()
    if "category" in value:
        categories = check.strings(value["category"], _at(path, "category")) or ()
        for i, category in enumerate(categories):
            if category not in core.categories:
                check.add(_at(_at(path, "category"), i), "unknown_category", value=category,
                          known=", ".join(sorted(core.categories)))
    return Part(kind, column, categories)


def _summable(check: Checker, value: object, path: str, columns: tuple[Column, ...]) -> str | None:
    by_id = {c.id: c for c in columns}
    if not isinstance(value, str):
        check.add(path, "expected_string", value=_show(value))
        return None
    if value in DERIVED_COLUMNS:
        if DERIVED_COLUMNS[value] not in by_id:
            check.add(path, "derived_needs", column=value, source=DERIVED_COLUMNS[value])
            return None
        return value
    if value not in by_id:
        check.add(path, "unknown_column", column=value, known=", ".join(by_id))
        return None
    if by_id[value].kind not in SUMMABLE_KINDS:
        check.add(path, "not_summable", column=value)
        return None
    return value


def _formula(check: Checker, value: object, path: str, columns: tuple[Column, ...], core: _Core):
    before = len(check.problems)
    data = check.mapping(value, path, ("numerator", "period"), ("denominator", "scale"))
    if data is None:
        return None

    def part(value: object, at: str) -> Part | None:
        return _part(check, value, at, columns, core)

    numerator = check.field(data, path, "numerator", part)
    denominator = check.field(data, path, "denominator", part)
    scale = check.field(data, path, "scale", check.number, positive=True, default=1.0)
    period = check.field(data, path, "period", check.choice, PERIODS, "bad_period")
    if len(check.problems) > before or numerator is None or period is None:
        return None
    return Formula(numerator, denominator, float(scale), period)


_KPI_KEYS = ("id", "name", "measures", "why", "formula", "unit", "direction", "target")
_KPI_OPTIONAL = ("target_max", "per")


def _figure(value: float) -> str:
    return f"{value:g}"


def _band(check: Checker, data: dict, path: str, direction: str | None, target, target_max) -> None:
    """A band needs target_max ≥ target; higher / lower have no target_max."""
    at = _at(path, "target_max")
    if direction == "band" and "target_max" not in data:
        check.add(at, "band_needs_max")
    elif direction in ("higher", "lower") and "target_max" in data:
        check.add(at, "max_without_band", direction=direction)
    elif direction == "band" and target is not None and target_max is not None and target_max < target:
        check.add(at, "band_max_below_min", min=_figure(target), max=_figure(target_max))


def _per(check: Checker, data: dict, path: str, formula: Formula | None) -> None:
    """A ratio says what it divides by (`per`); a plain count or sum has nothing to divide by."""
    if formula is None:
        return
    if formula.denominator is not None and "per" not in data:
        check.add(_at(path, "per"), "missing_per")
    elif formula.denominator is None and "per" in data:
        check.add(_at(path, "per"), "per_without_denominator")


def _kpi(check: Checker, value: object, path: str, columns: tuple[Column, ...], core: _Core, *,
         is_core: bool) -> Kpi | None:
    before = len(check.problems)
    data = check.mapping(value, path, _KPI_KEYS, _KPI_OPTIONAL)
    if data is None:
        return None
    texts = {k: check.field(data, path, k, check.text) for k in ("name", "measures", "why", "unit")}
    kpi_id = check.field(data, path, "id", check.ident)
    formula = check.field(data, path, "formula", lambda v, at: _formula(check, v, at, columns, core))
    direction = check.field(data, path, "direction", check.choice, DIRECTIONS, "bad_direction")
    target = check.field(data, path, "target", check.number)
    target_max = check.field(data, path, "target_max", check.number)
    per = check.field(data, path, "per", check.text)
    _band(check, data, path, direction, target, target_max)
    _per(check, data, path, formula)
    if len(check.problems) > before:
        return None
    return Kpi(kpi_id, texts["name"], texts["measures"], texts["why"], formula, texts["unit"], direction,
               float(target), core=is_core, target_max=None if target_max is None else float(target_max), per=per)


def _kpis(check: Checker, value: object, path: str, columns: tuple[Column, ...], core: _Core, *,
          is_core: bool = False, taken: frozenset[str] = frozenset()) -> tuple[Kpi, ...]:
    items = check.listing(value, path)
    if items is None:
        return ()
    kpis: list[Kpi] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        kpi = _kpi(check, item, _at(path, i), columns, core, is_core=is_core)
        if kpi is None:
            continue
        if kpi.id in seen or kpi.id in taken:
            check.add(_at(_at(path, i), "id"), "duplicate_id", value=kpi.id)
            continue
        seen.add(kpi.id)
        kpis.append(kpi)
    return tuple(kpis)


def _kpis_of(check: Checker, columns: tuple[Column, ...], core: _Core, **options):
    """A `(value, path)` validator for a KPI list, for Checker.field."""
    return lambda value, path: _kpis(check, value, path, columns, core, **options)


def _columns(check: Checker, value: object) -> tuple[Column, ...]:
    items = check.listing(value, "columns")
    if items is None:
        return ()
    reserved = {c.id for c in BASE_COLUMNS} | set(DERIVED_COLUMNS) | {"category", "source", "source_row"}
    out: list[Column] = []
    for i, item in enumerate(items):
        path = _at("columns", i)
        data = check.mapping(item, path, ("id", "header"), ("aliases",))
        if data is None:
            continue
        column_id = check.field(data, path, "id", check.ident)
        header = check.field(data, path, "header", check.text)
        aliases = check.field(data, path, "aliases", check.strings, default=())
        if column_id in reserved:
            check.add(_at(path, "id"), "reserved_column", value=column_id)
        elif column_id and any(c.id == column_id for c in out):
            check.add(_at(path, "id"), "duplicate_id", value=column_id)
        elif column_id and header and aliases is not None:
            out.append(Column(column_id, header["ja"], header["en"], "count", aliases=aliases))
    return tuple(out)


def _signal_ids(columns: tuple[Column, ...]) -> tuple[str, ...]:
    """What may be a value signal: the optional count columns given, and derived counts whose source is there."""
    ids = {c.id for c in columns}
    counted = [c.id for c in columns if c.kind in SIGNAL_KINDS and c not in REQUIRED]
    return (*counted, *(d for d, source in DERIVED_COLUMNS.items() if source in ids))


def _signals(check: Checker, value: object, path: str, columns: tuple[Column, ...]) -> tuple[str, ...] | None:
    """A list of value-signal column ids, each a count the log can hold, each once."""
    ids = check.strings(value, path)
    if ids is None:
        return None
    allowed = _signal_ids(columns)
    before = len(check.problems)
    for i, signal in enumerate(ids):
        if signal not in allowed:
            check.add(_at(path, i), "unknown_signal", value=signal, known=", ".join(allowed))
        elif signal in ids[:i]:
            check.add(_at(path, i), "duplicate_id", value=signal)
    return ids if len(check.problems) == before else None


def _key_result(check: Checker, value: object, path: str, signals: tuple[str, ...] | None):
    """`{column, why}`: the result that counts, one of the persona's value signals or "value_signals"."""
    data = check.mapping(value, path, ("column", "why"))
    if data is None:
        return None
    column = check.field(data, path, "column", check.string)
    why = check.field(data, path, "why", check.text)
    if column is not None and signals is not None and column not in (*signals, VALUE_SIGNALS):
        check.add(_at(path, "column"), "key_result_not_signal", value=column,
                  known=", ".join((*signals, VALUE_SIGNALS)))
        return None
    return None if column is None or why is None else (column, why)


_PERSONA_TEXTS = ("name", "fits", "strength", "constraint", "cadence")
_PERSONA_REQUIRED = ("id", *_PERSONA_TEXTS, "weekly_budget_minutes", "kpis", "value_signals", "key_result")
_PERSONA_OPTIONAL = ("columns", "core_kpis", "order")


def _persona(check: Checker, data: object, core: _Core) -> Persona | None:
    before = len(check.problems)
    data = check.mapping(data, "", _PERSONA_REQUIRED, _PERSONA_OPTIONAL)
    if data is None:
        return None
    persona_id = check.field(data, "", "id", check.ident)
    texts = {k: check.field(data, "", k, check.text) for k in _PERSONA_TEXTS}
    budget = check.field(data, "", "weekly_budget_minutes", check.number, integer=True, positive=True)
    order = check.field(data, "", "order", check.number, integer=True, default=DEFAULT_ORDER)
    columns = _columns(check, data["columns"]) if "columns" in data else ()
    kpis = check.field(data, "", "kpis", _kpis_of(check, all_columns(columns), core, taken=core.core_kpi_ids))
    if isinstance(data.get("kpis"), list) and not KPI_COUNT[0] <= len(data["kpis"]) <= KPI_COUNT[1]:
        check.add("kpis", "kpi_count", count=len(data["kpis"]), min=KPI_COUNT[0], max=KPI_COUNT[1])
    core_kpis = check.field(data, "", "core_kpis", check.strings, default=())
    known = ", ".join(sorted(core.core_kpi_ids))
    for i, kpi_id in enumerate(core_kpis or ()):
        if kpi_id not in core.core_kpi_ids:
            check.add(_at("core_kpis", i), "unknown_core_kpi", value=kpi_id, known=known)
    signals = check.field(data, "", "value_signals", lambda v, at: _signals(check, v, at, CORE_OPTIONAL + columns))
    every = None if signals is None else tuple(dict.fromkeys((*core.signals, *signals)))
    key_result = check.field(data, "", "key_result", lambda v, at: _key_result(check, v, at, every))
    if len(check.problems) > before:
        return None
    return Persona(persona_id, texts["name"], texts["fits"], texts["strength"], texts["constraint"],
                   int(budget), texts["cadence"], columns, kpis, core_kpis, int(order),
                   value_signals=signals, key_result=key_result[0], key_result_why=key_result[1])


def _categories(check: Checker, value: object) -> tuple[Category, ...]:
    items = check.listing(value, "categories")
    if items is None:
        return ()
    out: list[Category] = []
    owner: dict[str, str] = {}  # folded spelling -> category id, to catch one spelling in two categories
    for i, item in enumerate(items):
        path = _at("categories", i)
        data = check.mapping(item, path, ("id", "name"), ("aliases",))
        if data is None:
            continue
        category_id = check.field(data, path, "id", check.ident)
        name = check.field(data, path, "name", check.text)
        aliases = check.field(data, path, "aliases", check.strings, default=())
        if category_id and any(c.id == category_id for c in out):
            check.add(_at(path, "id"), "duplicate_id", value=category_id)
            continue
        if not (category_id and name and aliases is not None):
            continue
        for j, alias in enumerate(aliases):
            other = owner.setdefault(fold(alias), category_id)
            if other != category_id:
                check.add(_at(_at(path, "aliases"), j), "duplicate_alias", value=alias, other=other)
        out.append(Category(category_id, name, aliases))
    if out and not any(c.id == "other" for c in out):
        check.add("categories", "missing_other")
    return tuple(out)


def _phrases(check: Checker, value: object) -> dict[str, tuple[str, ...]]:
    data = check.mapping(value, "solved_phrases", LANGS)
    if data is None:
        return {}
    return {lang: check.field(data, "solved_phrases", lang, check.strings) or () for lang in LANGS}


def _load_core(path: Path, problems: list[SchemaProblem]):
    check = Checker(path.name)
    data = _read_file(check, path)
    categories: tuple[Category, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    phrases: dict[str, tuple[str, ...]] = {}
    signals: tuple[str, ...] | None = ()
    not_summed: tuple[str, ...] | None = ()
    required = ("categories", "kpis", "solved_phrases", "value_signals")
    if data is not None and check.mapping(data, "", required, ("not_summed",)) is not None:
        categories = _categories(check, data["categories"]) if "categories" in data else ()
        core = _Core(frozenset(c.id for c in categories), frozenset())
        kpis = check.field(data, "", "kpis", _kpis_of(check, BASE_COLUMNS, core, is_core=True))
        phrases = _phrases(check, data["solved_phrases"]) if "solved_phrases" in data else {}
        signals = check.field(data, "", "value_signals", lambda v, at: _signals(check, v, at, CORE_OPTIONAL))
        not_summed = check.field(data, "", "not_summed", check.strings, default=())
        for i, signal in enumerate(not_summed or ()):
            if signals is not None and signal not in signals:
                check.add(_at("not_summed", i), "not_summed_not_signal", value=signal, known=", ".join(signals))
    problems.extend(check.problems)
    return categories, kpis or (), phrases, signals or (), not_summed or ()


def shipped_directory() -> Path:
    """The `personas/` folder shipped with the app."""
    import personas  # the data package; imported late so kpi_core imports stay cheap

    return personas.directory()


def load_catalog(directory: str | Path | None = None) -> tuple[PersonaCatalog, list[SchemaProblem]]:
    """Read core.yaml and every persona file in `directory` (default: the shipped one); problems as data.

    A folder without its own core.yaml uses the shipped one, so a user folder may hold only persona files.
    A persona file with any problem is left out of the catalog; its problems say why.
    """
    folder = Path(directory) if directory is not None else shipped_directory()
    core_path = folder / CORE_FILE
    if not core_path.is_file():
        core_path = shipped_directory() / CORE_FILE
    problems: list[SchemaProblem] = []
    categories, core_kpis, phrases, signals, not_summed = _load_core(core_path, problems)
    core = _Core(frozenset(c.id for c in categories), frozenset(k.id for k in core_kpis), signals)
    personas: dict[str, Persona] = {}
    files: dict[str, str] = {}
    paths = sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and p.stem != "core")
    for path in paths:
        check = Checker(path.name)
        data = _read_file(check, path)
        persona = _persona(check, data, core) if data is not None else None
        if persona is not None and persona.id in personas:
            check.add("id", "duplicate_persona", value=persona.id, other=files[persona.id])
        elif persona is not None:
            personas[persona.id] = persona
            files[persona.id] = path.name
        problems.extend(check.problems)
    if not paths:
        problems.append(SchemaProblem(folder.name, "", "no_personas"))
    catalog = PersonaCatalog(_ordered_personas(personas), core_kpis, categories, phrases, signals, not_summed)
    return catalog, problems


def parse_persona(text: str, file: str, catalog: PersonaCatalog) -> tuple[Persona | None, list]:
    """Check one persona file's text (e.g. an upload) against the catalog's categories and core KPIs."""
    check = Checker(file)
    data = check.load_yaml(text)
    core = _Core(frozenset(c.id for c in catalog.categories), frozenset(k.id for k in catalog.core_kpis),
                 catalog.core_signals)
    persona = _persona(check, data, core) if data is not None else None
    return (persona if not check.problems else None), check.problems


def load_personas(directory: str | Path | None = None) -> tuple[dict[str, Persona], list[SchemaProblem]]:
    """The personas of `load_catalog`, for callers that need nothing else."""
    catalog, problems = load_catalog(directory)
    return catalog.personas, problems


@lru_cache(maxsize=1)
def default_catalog() -> PersonaCatalog:
    """The shipped catalog, loaded once; raises PersonaFileError if the shipped files have problems."""
    catalog, problems = load_catalog()
    if problems:
        listing = "\n".join(p.message("en") for p in problems)
        raise PersonaFileError(f"the shipped persona files have problems:\n{listing}")
    return catalog
