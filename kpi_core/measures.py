"""What a plan measures, resolved once against the log: its KPIs and the result that counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from kpi_core.messages import catalog as messages
from kpi_core.messages import t
from kpi_core.personas import VALUE_SIGNALS, Kpi, PersonaCatalog
from kpi_core.plan import Plan
from kpi_core.signals import count_solved_signals

REACTIONS = "reactions"  # stands in only when the log holds none of the persona's value signals


@dataclass(frozen=True)
class Measures:
    """The plan resolved against one log: every page, chart and report reads the result from here."""

    kpis: tuple[tuple[Kpi, float], ...]
    chosen: str  # what the plan asks for: a signal column id or "value_signals"
    key_result: str  # what is counted: chosen, "value_signals" when chosen is missing, or "reactions"
    key_columns: tuple[str, ...]  # the log columns summed into "results"
    signals: tuple[str, ...]  # the persona's value signals (core first): what counts as trust
    held: tuple[str, ...]  # those the log holds: unknown signals are never read as zero
    stand_in: bool  # reactions stand in because the log holds none of the signals
    suggest: str | None  # the column to add to the log when the chosen one is missing
    phrases: tuple[str, ...] = ()  # the memo phrases that count as problem-solved signals

    @property
    def fallback(self) -> bool:
        """The chosen signal is not in the log, so the other signals it holds are summed instead."""
        return not self.stand_in and self.key_result != self.chosen


def present_columns(log: pd.DataFrame, phrases: Sequence[str] = ()) -> set[str]:
    """Columns with at least one value written. Problem-solved signals are present once a memo says one:
    ordinary memos ("posted in the morning") are no evidence that the person records them."""
    found = {c for c in log.columns if log[c].notna().any()}
    found.discard("solved_signals")
    if "memo" in log.columns and phrases and int(count_solved_signals(log["memo"], phrases).sum()) > 0:
        found.add("solved_signals")
    return found


def solved_phrases(catalog: PersonaCatalog) -> tuple[str, ...]:
    """Every declared problem-solved phrase, in every language (a person may write either)."""
    return tuple(p for phrases in catalog.solved_phrases.values() for p in phrases)


def chosen_result(plan: Plan, catalog: PersonaCatalog) -> str:
    """The plan's key result with "auto" (or anything no longer declared) read as the persona's default."""
    persona = catalog.personas.get(plan.persona_id)
    default = persona.key_result if persona else VALUE_SIGNALS
    allowed = (VALUE_SIGNALS, *catalog.value_signals(plan.persona_id))
    return plan.key_result if plan.key_result in allowed else default


def resolve(plan: Plan, catalog: PersonaCatalog, log: pd.DataFrame, kpis: Sequence[tuple[Kpi, float]] = ()
            ) -> Measures:
    """Which columns make the plan's result in this log, and what to tell the person about it."""
    signals = catalog.value_signals(plan.persona_id)
    chosen = chosen_result(plan, catalog)
    phrases = solved_phrases(catalog)
    present = present_columns(log, phrases)
    held = tuple(s for s in signals if s in present)
    summed = tuple(s for s in held if s not in catalog.not_summed)
    if chosen != VALUE_SIGNALS and chosen in present:
        key, columns, suggest = chosen, (chosen,), None
    elif summed:
        key, columns = VALUE_SIGNALS, summed
        suggest = None if chosen == VALUE_SIGNALS else chosen
    else:
        # The column to add: the chosen one, else the persona's own first signal (a homemaker's thanks
        # say more about her than the core inquiries).
        persona = catalog.personas.get(plan.persona_id)
        own = persona.value_signals if persona else ()
        key, columns = REACTIONS, (REACTIONS,)
        suggest = chosen if chosen != VALUE_SIGNALS else (own or signals)[0]
    return Measures(tuple(kpis), chosen, key, columns, signals, held, key == REACTIONS, suggest, phrases)


def column_name(column_id: str, lang: str, catalog: PersonaCatalog | None = None) -> str:
    """A column's name in `lang`: the catalogs' label, else a persona column's template header, else the id."""
    key = f"column.{column_id}"
    if key in messages(lang):
        return t(key, lang)
    for persona in (catalog.personas.values() if catalog else ()):
        for column in persona.columns:
            if column.id == column_id:
                name = column.header(lang).replace("_", " ")  # the CSV header: "practice_reports"
                return name[:1].upper() + name[1:]
    return column_id


def result_name(measures: Measures, lang: str, catalog: PersonaCatalog) -> str:
    """What "a result" is, in words: one column's name, or the value signals the sum is made of."""
    if measures.key_result == VALUE_SIGNALS:
        names = "・" if lang == "ja" else ", "
        return t("measures.value_signals", lang, columns=names.join(
            column_name(c, lang, catalog) for c in measures.key_columns))
    return column_name(measures.key_result, lang, catalog)


def explain(measures: Measures, catalog: PersonaCatalog, persona_id: str, lang: str) -> tuple[str, str | None]:
    """What counts as a result and why (always), and a warning when it is not what the plan chose (or None)."""
    persona = catalog.personas.get(persona_id)
    counted_as_chosen = not measures.stand_in and not measures.fallback
    recommended = persona is not None and measures.chosen == persona.key_result and counted_as_chosen
    why = persona.key_result_why.get(lang, "") if recommended else ""
    counted = t("measures.counted", lang, result=result_name(measures, lang, catalog))
    said = (counted + why if lang == "ja" else f"{counted} {why}").strip()
    if measures.stand_in:
        return said, t("measures.stand_in", lang, column=column_name(measures.suggest or "", lang, catalog))
    if measures.fallback:
        return said, t("measures.fallback", lang, column=column_name(measures.chosen, lang, catalog))
    return said, None


def key_result_options(plan: Plan, catalog: PersonaCatalog, log: pd.DataFrame) -> list[str]:
    """What the persona page offers: the sum of all value signals, then each signal the log holds (every
    signal while the log is empty), and the plan's own choice even when the log lacks it."""
    signals = catalog.value_signals(plan.persona_id)
    present = present_columns(log, solved_phrases(catalog))
    held = [s for s in signals if s in present] if not log.empty else list(signals)
    return list(dict.fromkeys([VALUE_SIGNALS, *held, chosen_result(plan, catalog)]))


def result_label(key: str, lang: str, catalog: PersonaCatalog) -> str:
    """A key-result choice in words: a column's name, or "all my value signals"."""
    return t("measures.all_signals", lang) if key == VALUE_SIGNALS else column_name(key, lang, catalog)
