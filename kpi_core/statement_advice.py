"""Gentle checks on a value statement: answers that will not lead anywhere, said before they cost weeks."""

from __future__ import annotations

import re
import unicodedata

from kpi_core.plan import ValueStatement

# "Everyone" is nobody: the method asks for one concrete person.
_EVERYONE = re.compile(r"(みんな|皆さん|誰でも|全員|すべての人|全ての人|万人|everyone|everybody|anyone|all people)")
# A follower count or likes as the goal puts the person back on the treadmill.
_VANITY = re.compile(r"(フォロワー|いいね|インプレッション|バズ|follower|likes?\b|impressions?|go viral|viral)")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def statement_advice(statement: ValueStatement, *, upto_step: int = 99) -> list[str]:
    """Advice codes (`advice.<code>` in the catalogs) for the answers given so far, in step order."""
    codes: list[str] = []
    if _EVERYONE.search(_fold(statement.person)):
        codes.append("everyone")
    if statement.person.strip() and len(statement.person.strip()) < 4 and not statement.situation.strip():
        codes.append("person_vague")
    goals = " ".join([statement.problem, statement.future, statement.change])
    if _VANITY.search(_fold(goals)):
        codes.append("vanity_goal")
    if upto_step >= 3 and statement.problem.strip() and not statement.solution.strip():
        codes.append("how_empty")
    if upto_step >= 5 and statement.solution.strip() and not statement.change.strip():
        codes.append("change_empty")
    return codes
