"""The 1–5 rubric of the self-rating (質的評価), from the catalogs: shown wherever a rating is given or explained."""

from __future__ import annotations

from kpi_core.messages import t

LEVELS = range(1, 6)


def rubric_markdown(lang: str) -> str:
    """The rubric as Markdown: what the rating is, then one line per level (1 = posted for the sake of posting …
    5 = solved a real problem of the one person)."""
    return t("rubric.intro", lang) + "\n\n" + "\n".join(f"- {t(f'rubric.{level}', lang)}" for level in LEVELS)
