"""Bounds on what a visitor sends: how long a typed text may be, and (hosted mode) how much one visit may upload.

Each text cap is far above what its field needs, so nobody writing meets it; it exists so that one field
cannot hold megabytes that every rerun of a page copies, compares, saves and draws. The pages give each
input these caps as `max_chars`; a plan or review arriving from a file with longer text is cut to them and
the person is told which field was cut (kpi_core.plan.repair_plan, kpi_core.store.bundle).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from kpi_core.cycle import REFLECTION_FIELDS
from kpi_core.messages import DEFAULT_LANG, t

# One line: the one person, the words that move them, the offer. The longest shipped example is 89
# characters (English); 200 is more than twice that, about three lines on a phone.
MAX_SHORT_CHARS = 200
# One answer of the value statement (situation, worries, problem, solution…): a paragraph. 2,000 characters
# is five 400-character manuscript pages (原稿用紙), twenty times the longest shipped example.
MAX_LONG_CHARS = 2_000
# A week's reflection (what worked, what to change, thanks, the experiment): the person's diary of the week.
# 4,000 characters is ten manuscript pages; the share report and the cycle story quote these texts.
MAX_REFLECTION_CHARS = 4_000
# The follower figure typed for the share report: a number, perhaps with its platforms ("1,200 (X) + 300").
MAX_FIGURE_CHARS = 100
# The statement sentence and the custom KPI's name start as generated from the person (short), the problem
# and the solution (long) plus the template's own words (under 100 characters in both languages): the cap
# holds any generated one, so showing it never cuts it.
MAX_SENTENCE_CHARS = MAX_SHORT_CHARS + 2 * MAX_LONG_CHARS + 100

# Review fields that hold typed text, with their caps (other fields hold a choice or a number).
REVIEW_TEXT_LIMITS = {**dict.fromkeys(REFLECTION_FIELDS, MAX_REFLECTION_CHARS), "followers": MAX_FIGURE_CHARS}
REVIEW_TEXT_LABELS = {**{name: f"review.field.{name}" for name in REFLECTION_FIELDS},
                      "followers": "review.share.followers"}  # the review page's labels, to name a field cut

# Hosted mode (a shared server): what one visit (one browser session) may upload, log files and imports
# together. Each file read stays in the visit's in-memory workspace and the reader needs about four times a
# file's size while reading it (bench/RESULTS.md: a 1,000,000-row log peaks near 400 MB), so one visit
# stops at 100 MB: a ten-year daily log is under 1 MB, so this is a hundred such files' worth. 30 files:
# a person uploads one log a week and perhaps a backup, so 30 in one visit is already a lot.
MAX_VISIT_FILES = 30
MAX_VISIT_BYTES = 100 * 2**20


def cut(text: str, limit: int) -> str:
    """`text` cut to its first `limit` characters (the same cut a capped input makes)."""
    return text[:limit]


@dataclass(frozen=True)
class ReviewRepair:
    """One review text `repair_reviews` changed: cut to its cap, or (not text at all) written out as text."""

    week: str
    field: str
    length: int  # characters before the cut (0 for a value that was not text)
    cut: bool = True  # False: the value was not text

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The change in `lang`, naming the week and the field as the review page labels it."""
        name = t(REVIEW_TEXT_LABELS[self.field], lang)
        if not self.cut:
            return t("review.repair.not_text", lang, week=self.week, name=name)
        return t("review.repair.cut", lang, week=self.week, name=name, length=f"{self.length:,}",
                 limit=f"{REVIEW_TEXT_LIMITS[self.field]:,}")


def repair_reviews(reviews: dict[str, dict]) -> tuple[dict[str, dict], list[ReviewRepair]]:
    """The reviews with every typed text as text within its cap (REVIEW_TEXT_LIMITS), and what was changed; the
    reviews given are left as they were (returned as they are when nothing needs changing). An empty field
    (None, as YAML reads "worked:" with nothing after it) becomes "" without a word; other fields (a choice, a
    number, a field no page shows) are kept."""

    def fine(value: object, limit: int) -> bool:
        return isinstance(value, str) and len(value) <= limit

    if all(fine(fields.get(name, ""), limit) for fields in reviews.values()
           for name, limit in REVIEW_TEXT_LIMITS.items()):
        return reviews, []
    reviews = copy.deepcopy(reviews)
    changes = []
    for week, fields in reviews.items():
        for name, limit in REVIEW_TEXT_LIMITS.items():
            value = fields.get(name, "")
            if value is None:
                value = fields[name] = ""
            elif not isinstance(value, str):
                changes.append(ReviewRepair(week, name, 0, cut=False))
                value = fields[name] = str(value)
            if len(value) > limit:
                changes.append(ReviewRepair(week, name, len(value)))
                fields[name] = cut(value, limit)
    return reviews, changes


@dataclass(frozen=True)
class VisitUploads:
    """The files one visit has had read so far (hosted mode): how many, and their bytes."""

    files: int = 0
    bytes: int = 0

    def admits(self, size: int) -> bool:
        """True when one more file of `size` bytes stays within MAX_VISIT_FILES and MAX_VISIT_BYTES."""
        return self.files + 1 <= MAX_VISIT_FILES and self.bytes + size <= MAX_VISIT_BYTES

    def plus(self, size: int) -> VisitUploads:
        """The count with one more file of `size` bytes read."""
        return VisitUploads(self.files + 1, self.bytes + size)
