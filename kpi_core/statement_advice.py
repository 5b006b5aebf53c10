"""Gentle checks on a value statement: answers that will not lead anywhere, said before they cost weeks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from kpi_core.plan import ValueStatement

# "Everyone" is nobody: the method asks for one concrete person. (万人 only on its own: 1万人 is a count.)
_EVERYONE = re.compile(r"(みんな|皆さん|誰でも|全員|すべての人|全ての人|(?<![0-9])万人|"
                       r"everyone|everybody|anyone|all people)")
# A follower count or likes as the goal puts the person back on the treadmill. ("likes" alone is too common
# in ordinary English — "what her boss likes" — so only the counted forms are caught.)
_VANITY = re.compile(r"(フォロワー|いいね数|いいねを|インプレッション|バズ|followers?\b|impressions|go viral|"
                     r"more likes|likes count|number of likes)")
_GOAL_FIELDS = ("problem", "future", "change")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def statement_advice(statement: ValueStatement, fields: Iterable[str] | None = None) -> list[str]:
    """Advice codes (`advice.<code>` in the catalogs) about the given fields (all when None), in order.

    Only the fields on screen are judged, so the advice always points at something the person can see.
    """
    shown = set(fields) if fields is not None else None

    def on_screen(name: str) -> bool:
        return shown is None or name in shown

    codes: list[str] = []
    person = statement.person.strip()
    if on_screen("person") and _EVERYONE.search(_fold(person)):
        codes.append("everyone")
    elif on_screen("person") and person and len(person) < 4 and not statement.situation.strip():
        codes.append("person_vague")
    if any(on_screen(name) and _VANITY.search(_fold(getattr(statement, name))) for name in _GOAL_FIELDS):
        codes.append("vanity_goal")
    if on_screen("solution") and statement.problem.strip() and not statement.solution.strip():
        codes.append("how_empty")
    if shown is None and statement.solution.strip() and not statement.change.strip():
        codes.append("change_empty")
    return codes
