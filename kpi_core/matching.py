"""The column-matching step: which of a file's own headers is which log field, when the names are not known.

A file whose header says 作業時間2, 反応, 満足度… cannot be read by name. The reader then reports what a
person needs to say which column is which (`ColumnMatch`: the headers as written, a few values under each,
the required fields no header matched); a mapping `{field id: header as written}` makes those headers those
fields. A mapping is remembered per header set under `signature(header)`.

The signature is the same for the same header cells in another order, with other widths (NFKC), case or
spaces around them, and with empty cells added: a mapping names headers, not positions, so it fits every
such file. A renamed, added or removed header is another header set, and is asked about again.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kpi_core.columns import Column, header_key, is_vanity
from kpi_core.decoding import SEPARATORS, sniff_records
from kpi_core.messages import t

SAMPLES = 3  # non-empty values shown under each header


@dataclass(frozen=True)
class ColumnMatch:
    """What matching a file's columns needs, and how they are matched now."""

    headers: tuple[str, ...]  # the header cells as written (spaces around them trimmed), each once, in file order
    samples: tuple[tuple[str, ...], ...]  # up to SAMPLES non-empty values under each header
    header_row: int  # the spreadsheet row of the header
    guessed: bool  # no row named two known columns: the first row with the most filled cells was taken
    missing: tuple[str, ...]  # required field ids no header is matched to
    optional: tuple[str, ...]  # optional field ids no header is matched to (choosable, or left out)
    matched: dict[str, str] = field(default_factory=dict)  # field id → header, as the file is (or would be) read
    mapping: dict[str, str | None] = field(default_factory=dict)  # the mapping given (empty when none)
    remembered: bool = False  # the mapping came from the remembered ones (same signature), not from the caller
    signature: str = ""

    def as_dict(self) -> dict:
        """The `matching` object of `kpi-coach check --json`."""
        return {
            "header_row": self.header_row,
            "guessed": self.guessed,
            "signature": self.signature,
            "headers": [{"header": h, "samples": list(s)} for h, s in zip(self.headers, self.samples, strict=True)],
            "missing": list(self.missing),
            "optional": list(self.optional),
            "matched": dict(self.matched),
            "mapping": dict(self.mapping),
            "remembered": self.remembered,
        }


@dataclass(frozen=True)
class MappingProblem:
    """Why a mapping cannot be used; rendered late in any language (a `reader.error.map_*` message)."""

    code: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        """The problem in the person's language."""
        return t(f"reader.{self.code}", lang, **self.params)


@dataclass
class Matched:
    """Position → field id for the columns read, the rest with why, or the mapping's first problem."""

    positions: dict[int, str]
    ignored: list[tuple[str, str]]  # (header as written, reason: vanity | unknown | duplicate | left_out)
    problem: MappingProblem | None = None


class MappingError(ValueError):
    """A mapping written on the command line that cannot be used (exit status 2)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str) -> str:
        """The mistake in the person's language (a `cli.map.*` message)."""
        return t(f"cli.map.{self.code}", lang, **self.params)


def cell_key(text: str) -> str:
    """A header cell as compared for mappings and signatures: NFKC, spaces collapsed, case folded.

    Lighter than columns.header_key: a bracketed note stays, so 反応(いいね) and 反応(コメント) stay two headers.
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").split()).casefold()


def signature(header: Sequence[str]) -> str:
    """A stable name for a header set: 16 hex digits, the same under cell order, width, case and empty cells."""
    cells = sorted(key for cell in header if (key := cell_key(cell)))
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def mapped_keys(mapping: Mapping[str, str | None]) -> set[str]:
    """The mapped headers as header detection knows names (so a header of unknown names is found by them)."""
    return {key for header in mapping.values() if header and (key := header_key(header))}


def candidate(records: Sequence[Sequence[str]]) -> tuple[int, int, list[str]] | None:
    """(filled cells, record index, cells) of the first record with the most filled cells, two at least.

    The header to offer for matching when no record names two known columns: a title line above it has
    fewer cells, and the rows under it rarely more.
    """
    best: tuple[int, int, list[str]] | None = None
    for index, record in enumerate(records):
        filled = sum(1 for cell in record if str(cell).strip())
        if filled >= 2 and (best is None or filled > best[0]):
            best = (filled, index, list(record))
    return best


def candidate_in_text(text: str) -> tuple[str, int, list[str]] | None:
    """(separator, record index, cells) of the header candidate of a text file, under the separator that
    splits it into the most cells (comma first on a tie)."""
    best: tuple[int, str, int, list[str]] | None = None
    for separator in SEPARATORS:
        found = candidate(sniff_records(text, separator))
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], separator, found[1], found[2])
    return None if best is None else (best[1], best[2], best[3])


def _names(column: Column) -> str:
    return f"{column.ja} / {column.en}"


def _columns(index: Mapping[str, Column]) -> dict[str, Column]:
    """Each column of a header index once, in its order (required, core optional, persona, income)."""
    return {column.id: column for column in index.values()}


def _check_fields(mapping: Mapping[str, str | None], by_id: dict[str, Column]) -> MappingProblem | None:
    for field_id, header in mapping.items():
        if field_id not in by_id:
            return MappingProblem("error.map_unknown_field", {"field": field_id, "known": ", ".join(by_id)})
        if not (header or "").strip() and by_id[field_id].required:
            return MappingProblem("error.map_required_none", {"field": _names(by_id[field_id])})
    return None


def match(header: Sequence[str], index: Mapping[str, Column],
          mapping: Mapping[str, str | None] | None = None) -> Matched:
    """The header's columns: the mapping's first (it wins over a name), then every known name once.

    A mapping value of None (or "") says the file has no such column: allowed for optional fields only, and
    a header whose name matches that field is then left out. A mapped header the file does not have and two
    fields mapped to one header are problems; nothing is read until they are put right.
    """
    by_id = _columns(index)
    mapping = dict(mapping or {})
    if problem := _check_fields(mapping, by_id):
        return Matched({}, [], problem)
    keys = [cell_key(cell) for cell in header]
    chosen: dict[int, str] = {}
    for field_id, written in mapping.items():
        if not (written or "").strip():
            continue
        position = next((p for p, key in enumerate(keys) if key == cell_key(written)), None)
        if position is None:
            shown = "、".join(dict.fromkeys(cell.strip() for cell in header if cell.strip()))
            return Matched({}, [], MappingProblem("error.map_no_such_header", {"header": written, "headers": shown}))
        if position in chosen:
            return Matched({}, [], MappingProblem("error.map_same_header", {
                "header": written, "first": _names(by_id[chosen[position]]), "second": _names(by_id[field_id])}))
        chosen[position] = field_id
    left_out = {field_id for field_id, written in mapping.items() if not (written or "").strip()}
    taken = set(chosen.values())
    positions = dict(chosen)
    ignored: list[tuple[str, str]] = []
    for position, cell in enumerate(header):
        key = header_key(cell)
        if position in chosen or not key:
            continue  # unnamed columns are checked for content when the rows are read
        column = index.get(key)
        if column is None:
            ignored.append((cell, "vanity" if is_vanity(cell) else "unknown"))
        elif column.id in left_out:
            ignored.append((cell, "left_out"))
        elif column.id in taken:
            ignored.append((cell, "duplicate"))
        else:
            positions[position] = column.id
            taken.add(column.id)
    return Matched(dict(sorted(positions.items())), ignored)


def column_match(header: Sequence[str], records_below: Sequence[Sequence[str]], header_row: int,
                 index: Mapping[str, Column], positions: Mapping[int, str], *, guessed: bool = False,
                 mapping: Mapping[str, str | None] | None = None, remembered: bool = False) -> ColumnMatch:
    """The ColumnMatch of a header: its cells, values under them, and the fields matched and missing."""
    first: dict[str, int] = {}
    for position, cell in enumerate(header):
        if cell.strip():
            first.setdefault(cell.strip(), position)
    samples = []
    for position in first.values():
        values: list[str] = []
        for record in records_below:
            value = str(record[position]).strip() if position < len(record) else ""
            if value:
                values.append(value)
                if len(values) == SAMPLES:
                    break
        samples.append(tuple(values))
    found = set(positions.values())
    left_out = {f for f, written in (mapping or {}).items() if not (written or "").strip()}
    columns = _columns(index).values()
    return ColumnMatch(
        headers=tuple(first), samples=tuple(samples), header_row=header_row, guessed=guessed,
        missing=tuple(c.id for c in columns if c.required and c.id not in found),
        optional=tuple(c.id for c in columns if not c.required and c.id not in found and c.id not in left_out),
        matched={field_id: header[position].strip() for position, field_id in positions.items()},
        mapping=dict(mapping or {}), remembered=remembered, signature=signature(header),
    )


def check_choice(match_: ColumnMatch, choice: Mapping[str, str | None], index: Mapping[str, Column]) -> list[
        MappingProblem]:
    """Problems of a mapping chosen for a file before it is read again with it: every required field still
    missing must be chosen (`error.map_required_none`), then the reader's own checks on the file's headers."""
    by_id = _columns(index)
    unchosen = [f for f in match_.missing if not (choice.get(f) or "").strip()]
    if unchosen:
        return [MappingProblem("error.map_required_none", {"field": _names(by_id[f])}) for f in unchosen]
    found = match(match_.headers, index, choice)
    if found.problem is not None:
        return [found.problem]
    still = [c for c in by_id.values() if c.required and c.id not in found.positions.values()]
    return [MappingProblem("error.map_required_none", {"field": _names(c)}) for c in still]


def parse_option(values: Sequence[str], index: Mapping[str, Column]) -> dict[str, str]:
    """`--map "作業時間=minutes"` values (header=field id, split at the last "=") as `{field id: header}`."""
    by_id = _columns(index)
    mapping: dict[str, str] = {}
    for value in values:
        header, equals, field_id = value.rpartition("=")
        header, field_id = header.strip(), field_id.strip()
        if not equals or not header or not field_id:
            raise MappingError("bad", value=value)
        if field_id not in by_id:
            raise MappingError("unknown_field", value=value, field=field_id, known=", ".join(by_id))
        if field_id in mapping:
            raise MappingError("twice", field=field_id)
        same = next((f for f, h in mapping.items() if cell_key(h) == cell_key(header)), None)
        if same is not None:
            raise MappingError("same_header", header=header, fields=f"{same}, {field_id}")
        mapping[field_id] = header
    return mapping


def describe(mapping: Mapping[str, str | None], labels: Mapping[str, str], lang: str) -> str:
    """「作業時間2」→ 投入時間(分)、「反応」→ 直接反応数 — a mapping as a person reads it."""
    parts = [t("log.match.pair", lang, header=header, field=labels.get(field_id, field_id))
             for field_id, header in mapping.items() if header]
    return t("log.match.separator", lang).join(parts)
