"""Writes tests/data/workspace_v1.sqlite3: a workspace exactly as schema version 1 stored it (run by hand).

The SQL and the stored values are frozen here on purpose: later versions of kpi_core.store.workspace must keep
opening this file, so it must not be rebuilt with the current code's own migration.

    python tests/data/make_workspace_v1.py
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

TARGET = Path(__file__).resolve().parent / "workspace_v1.sqlite3"

SCHEMA_V1 = (
    "CREATE TABLE plan (id INTEGER PRIMARY KEY CHECK (id = 1), yaml TEXT NOT NULL, saved_at TEXT NOT NULL)",
    "CREATE TABLE log_columns (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL)",
    "CREATE TABLE log_rows (id INTEGER PRIMARY KEY, date TEXT, action TEXT, category TEXT, minutes REAL,"
    " reactions INTEGER, quality INTEGER, source TEXT, source_row INTEGER, extra TEXT NOT NULL DEFAULT '{}')",
    "CREATE INDEX log_rows_order ON log_rows (date, source, source_row)",
    "CREATE TABLE reviews (week_start TEXT PRIMARY KEY, fields TEXT NOT NULL, saved_at TEXT NOT NULL)",
    "PRAGMA application_id = 1263552835",  # 0x4B504943, "KPIC"
)

PLAN_YAML = """# kpi-coach plan
version: 1
persona_id: "homemaker"
statement:
  person: "未就学児を育てながら働く30代のママ"
  situation: ""
  worries: ""
  words: ""
  future: ""
  problem: "朝の支度が回らない悩み"
  solution: "時短家事の工夫を伝えること"
  offer: ""
  why_me: ""
  change: ""
  custom_kpi: ""
  sentence: ""
kpis:
- id: "conversations_per_week"
  target: 3
- id: "thanks_per_week"
  target: 2
weekly_budget_minutes: 210
week_start: 0
key_result: "auto"
start_date: "2025-01-06"
rest_weeks: []
"""

COLUMNS = (
    ("date", "datetime64[us]"), ("action", "object"), ("category", "str"), ("minutes", "float64"),
    ("reactions", "Int64"), ("quality", "Int64"), ("inquiries", "Int64"), ("memo", "object"),
    ("conversations", "Int64"), ("source", "str"), ("source_row", "int64"),
)

# (date, action, category, minutes, reactions, quality, source, source_row, extra JSON)
ROWS = (
    ("2025-01-06T00:00:00.000000", "投稿", "post", 15.0, 4, 3, "jan.csv", 2,
     '{"inquiries":0,"memo":"「悩みが解決した」とコメント","conversations":2}'),
    ("2025-01-07T00:00:00.000000", "コメント返信", "reply", 7.5, 1, 4, "jan.csv", 3, '{"inquiries":1}'),
    ("2025-01-09T00:00:00.000000", "投稿", "post", 10.0, 6, 4, "jan.csv", 4, '{"conversations":0}'),
    ("2025-02-03T00:00:00.000000", "ストーリーズ", "post", 5.0, 2, 3, "feb.csv", 2, '{}'),
    ("2025-02-04T00:00:00.000000", "下書き・準備", "other", 10.0, 0, 3, "feb.csv", 3, '{"memo":"=昼寝中に"}'),
)

REVIEWS = (("2025-01-06", '{"learned": "朝の投稿に反応が多い", "experiment": "夜にも1回投稿"}'),)


def main() -> None:
    TARGET.unlink(missing_ok=True)
    conn = sqlite3.connect(TARGET, isolation_level=None)
    conn.execute("BEGIN")
    for statement in SCHEMA_V1:
        conn.execute(statement)
    conn.execute("INSERT INTO plan VALUES (1, ?, '2025-02-04T21:00:00+00:00')", (PLAN_YAML,))
    conn.executemany("INSERT INTO log_columns VALUES (?, ?, ?)", [(i, n, k) for i, (n, k) in enumerate(COLUMNS)])
    conn.executemany("INSERT INTO log_rows (date, action, category, minutes, reactions, quality, source,"
                     " source_row, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    conn.executemany("INSERT INTO reviews VALUES (?, ?, '2025-01-12T21:00:00+00:00')", REVIEWS)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    conn.execute("VACUUM")
    conn.close()
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
