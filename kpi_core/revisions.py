"""Rows of a new upload that look like an edited version of a row already in the log (a re-exported sheet)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kpi_core.formats import READ_FORMATS
from kpi_core.messages import DEFAULT_LANG, t

IDENTITY = ("date", "action", "category")  # what stays the same when a person edits a row in their sheet
NOT_COMPARED = ("source", "source_row", "upload_id")  # where a row came from, not what it says
MAX_SHOWN = 24  # characters of a text value shown in an example (a long memo would drown the message)
# " (1)", "(2)": what a browser or Windows adds to a file's name when the same file is downloaded again.
_COPY_MARK = re.compile(r"\s*\(\d+\)$")


@dataclass(frozen=True)
class Change:
    """One value that differs between the earlier row and the new one (plain values: None, float, str)."""

    column: str
    old: object
    new: object


@dataclass(frozen=True)
class Revision:
    """A new row that looks like an edit of an earlier row: same date, action and category, other values differ."""

    earlier_id: int  # the earlier row's index label in the log it was found in (its workspace row id)
    date: str  # ISO date
    action: str
    category: str | None
    changes: tuple[Change, ...]
    same_file: bool = True  # the earlier row came from an earlier upload of a file of the same name (file_key)


@dataclass(frozen=True)
class Replacement:
    """What "keep the new ones" does, decided before the person is asked; the page only shows and applies it.

    The earlier versions (`remove`) leave the log, the new versions (`keep`) and every other row stay, and the
    whole log is backed up first (`backup`) so nothing is lost. Empty when no pair is still true in the log.
    """

    revisions: tuple[Revision, ...]  # the pairs still true in the log, in the order found (the examples shown)
    remove: tuple[int, ...]  # row ids of the earlier versions
    keep: tuple[int, ...]  # row ids of the new versions, one per revision
    backup: bool  # a backup of the whole log is taken before anything is removed

    @property
    def same_file(self) -> bool:
        """True when every earlier version came from an earlier upload of the same file."""
        return all(r.same_file for r in self.revisions)

    def question(self, lang: str = DEFAULT_LANG) -> str:
        """What will happen, said before it happens: 「前回アップロードした同じファイルから2行が変わっていました…」."""
        key = "log.revisions.found" if self.same_file else "log.revisions.found_other"
        return t(key, lang, count=len(self.remove))

    def done(self, lang: str = DEFAULT_LANG, removed: int | None = None) -> str:
        """What happened: the new ones kept, the old ones (`removed`, as the workspace counted them) in the backup."""
        return t("log.revisions.replaced", lang, rows=len(self.remove) if removed is None else removed)


@dataclass(frozen=True)
class UploadCounts:
    """What storing uploaded files did: rows the reader accepted, rows new to the log, rows already in it."""

    accepted: int = 0
    added: int = 0

    def plus(self, accepted: int, added: int) -> UploadCounts:
        """These counts with one more file's."""
        return UploadCounts(self.accepted + accepted, self.added + added)

    @property
    def already_here(self) -> int:
        """Accepted rows the log held already: left as they were, never counted twice."""
        return self.accepted - self.added

    def message(self, lang: str = DEFAULT_LANG) -> str | None:
        """「3行はすでに記録にあったので、そのままにしました…」; None when every accepted row was new."""
        if not self.already_here:
            return None
        return t("log.duplicates", lang, count=self.already_here, accepted=self.accepted, added=self.added)


def file_key(name: object) -> str:
    """A file name as it names one sheet: no folder, no known extension, no copy mark; NFKC, case folded.

    `活動記録.csv`, `活動記録 (1).csv` (the same sheet downloaded again) and `活動記録.xlsx` (the workbook itself,
    now that workbooks are read) are one sheet; `1月.csv` and `2月.csv` are two.
    """
    text = unicodedata.normalize("NFKC", str(name)).strip().replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = text.rpartition(".")
    if dot and stem and extension.lower() in READ_FORMATS:
        text = stem
    return _COPY_MARK.sub("", text).strip().casefold()


def same_file(first: object, second: object) -> bool:
    """True when both are file names (not missing) that name the same sheet (file_key)."""
    missing = [v is None or (not isinstance(v, str) and pd.isna(v)) for v in (first, second)]
    return not any(missing) and file_key(first) == file_key(second)


def find_revisions(earlier: pd.DataFrame, incoming: pd.DataFrame, *, file_name: str | None = None) -> list[Revision]:
    """Pair the rows of one upload (`incoming`) with rows already in the log (`earlier`) they look like edits of.

    `file_name`: the upload's file name; only earlier rows whose `source` is a file of the same name (file_key)
    are compared, so rows of another file on the same days are never taken for older versions. None compares
    with every earlier row (the person asked to), and each Revision says whether its pair shares a file.

    Within a date+action+category group, exact copies are matched first (they are duplicates, not edits);
    the rows left on each side are then paired one to one, fewest differing values first, so a second post
    on the same day is not mistaken for an edit. Rows of `incoming` are never paired with each other.
    An incoming row whose exact copy is already stored (the sheet uploaded again after an edit was kept)
    still pairs with a leftover row stored before that copy by another upload: the older version.
    """
    if earlier.empty or incoming.empty:
        return []
    columns = [c for c in dict.fromkeys([*earlier.columns, *incoming.columns])
               if c not in IDENTITY and c not in NOT_COMPARED]
    # Only rows on the upload's days can pair: this keeps a long log cheap.
    earlier = earlier[earlier["date"].isin(incoming["date"].dropna())]
    if file_name is not None:
        earlier = earlier[_from_file(earlier, file_name)]
    earlier_sources = earlier["source"].to_dict() if "source" in earlier else {}
    incoming_sources = incoming["source"].tolist() if "source" in incoming else [None] * len(incoming)
    old_groups, new_groups = _groups(earlier, columns), _groups(incoming, columns)
    uploads = earlier["upload_id"].to_dict() if "upload_id" in earlier else {}
    found = []
    for key, new_rows in new_groups.items():
        old_left, new_left, copies = _without_copies(old_groups.get(key, []), new_rows)
        for (_, label, old), (position, _, new) in _closest_pairs(old_left, new_left, copies, uploads):
            changes = tuple(Change(c, o, n) for c, o, n in zip(columns, old, new, strict=True) if o != n)
            shared = file_name is not None or same_file(earlier_sources.get(label), incoming_sources[position])
            found.append((position, Revision(_label(label), key[0], key[1], key[2], changes, shared)))
    return [revision for _, revision in sorted(found, key=lambda pair: pair[0])]


def decide(revisions: Sequence[Revision], log: pd.DataFrame) -> Replacement:
    """What keeping the new versions will do to `log` (index = row ids): the pairs still true in it (still_valid),
    the earlier rows that go, the new rows that stay, and whether a backup is taken first."""
    valid = still_valid(list(revisions), log)
    keep: list[int] = []
    for revision in valid:
        same_day = log[(log["date"] == pd.Timestamp(revision.date)) & (log["action"] == revision.action)]
        others = same_day.drop(index=revision.earlier_id, errors="ignore")
        newer = [_label(label) for label, row in others.iterrows() if _shows(row, revision, "new")]
        keep.append(next((label for label in newer if label not in keep), newer[0]))  # still_valid: never empty
    remove = tuple(dict.fromkeys(r.earlier_id for r in valid))
    return Replacement(tuple(valid), remove, tuple(keep), backup=bool(remove))


def still_valid(revisions: list[Revision], log: pd.DataFrame) -> list[Revision]:
    """The revisions whose earlier row and new version are both still in `log` (index = row ids), as found.

    The log may change between finding and replacing (an edit, another tab, a restore, a demo): removing
    a row that is no longer the one shown, or whose new version is gone, could lose what the person entered.
    """
    if not revisions or log.empty:
        return []
    kept = []
    for revision in revisions:
        same_day = log[(log["date"] == pd.Timestamp(revision.date)) & (log["action"] == revision.action)]
        old_ok = revision.earlier_id in same_day.index and _shows(same_day.loc[revision.earlier_id], revision, "old")
        others = same_day.drop(index=revision.earlier_id, errors="ignore")
        new_ok = any(_shows(row, revision, "new") for _, row in others.iterrows())
        if old_ok and new_ok:
            kept.append(revision)
    return kept


def describe(revision: Revision, lang: str = DEFAULT_LANG, labels: Mapping[str, str] | None = None) -> str:
    """One example line: 「2025-01-06 投稿:直接反応数 9→11 / メモ (空欄)→DMで相談」 or its English form."""
    labels = labels or {}
    changes = " / ".join(
        t("log.revisions.change", lang, column=labels.get(c.column, c.column), old=_shown(c.old, lang),
          new=_shown(c.new, lang)) for c in revision.changes)
    return t("log.revisions.example", lang, date=revision.date, action=revision.action, changes=changes)


def _from_file(log: pd.DataFrame, file_name: str) -> pd.Series:
    """Which rows of `log` came from a file of the same name as `file_name` (one file_key per distinct name)."""
    if "source" not in log:
        return pd.Series(False, index=log.index)
    names = log["source"].astype(object)
    same = {name: same_file(name, file_name) for name in names.dropna().unique()}
    return names.map(lambda name: same.get(name, False)).astype(bool)


def _plain(value: object) -> object:
    """A cell as a plain comparable value: empty -> None, numbers -> float, dates -> ISO text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value or None  # a blank memo is "" in the log and NA in a fresh read: the same thing
    if isinstance(value, (pd.Timestamp, dt.date)):
        return pd.Timestamp(value).date().isoformat()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)  # an Int64 5 and a float 5.0 say the same
    return str(value)


def _groups(log: pd.DataFrame, columns: list[str]) -> dict[tuple, list[tuple[int, object, tuple]]]:
    """Rows by (date, action, category), each as (position, index label, compared values), in log order."""
    groups: dict[tuple, list[tuple[int, object, tuple]]] = {}
    frame = log.reindex(columns=[*IDENTITY, *columns])
    for position, (label, *cells) in enumerate(frame.itertuples(index=True, name=None)):
        date, action, category, *values = (_plain(c) for c in cells)
        if date is None or action is None:
            continue  # a row without a date or an action cannot be told apart from another one
        groups.setdefault((date, action, category), []).append((position, label, tuple(values)))
    return groups


def _without_copies(old: list[tuple], new: list[tuple]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Both sides with exact copies taken out one for one (what the workspace already left out as duplicates),
    and the copies as (new entry, the earlier row it copies)."""
    old_left = list(old)
    new_left, copies = [], []
    for entry in new:
        match = next((i for i, (_, _, values) in enumerate(old_left) if values == entry[2]), None)
        if match is None:
            new_left.append(entry)
        else:
            copies.append((entry, old_left.pop(match)))
    return old_left, new_left, copies


def _closest_pairs(old: list[tuple], new: list[tuple], copies: list[tuple] = (),
                   uploads: Mapping[object, object] | None = None) -> list[tuple[tuple, tuple]]:
    """Pairs (earlier, new) one to one, taking the pair with the fewest differing values first.

    A copied new row may pair only with an earlier row stored before its copy, by another upload: a row that
    came in with its copy is a second activity of the day, not an older version.
    """
    uploads = uploads or {}
    entries = [(n, None) for n in new] + list(copies)
    candidates = sorted(
        (sum(a != b for a, b in zip(o[2], n[2], strict=True)), j, i)
        for i, o in enumerate(old) for j, (n, copy) in enumerate(entries)
        if copy is None or (_label(o[1]) < _label(copy[1]) and _other_upload(uploads, o[1], copy[1])))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _, j, i in candidates:
        if j not in used_new and i not in used_old:
            used_new.add(j)
            used_old.add(i)
            pairs.append((old[i], entries[j][0]))
    return pairs


def _other_upload(uploads: Mapping[object, object], first: object, second: object) -> bool:
    """True when both rows' uploads are known and differ (rows rewritten by the editor have none)."""
    a, b = uploads.get(first), uploads.get(second)
    return a is not None and b is not None and not pd.isna(a) and not pd.isna(b) and a != b


def _label(label: object) -> int:
    """A row id as a plain int, whatever integer type the index held."""
    return int(label.item() if hasattr(label, "item") else label)


def _shows(row: pd.Series, revision: Revision, side: str) -> bool:
    """True when `row` holds the old (or new) value of every changed column of the revision."""
    return all(_plain(row.get(c.column)) == (c.old if side == "old" else c.new) for c in revision.changes)


def _shown(value: object, lang: str) -> str:
    """A plain value as the example shows it: 9 not 9.0, a blank named, a long text cut short."""
    if value is None:
        return t("log.revisions.blank", lang)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"
