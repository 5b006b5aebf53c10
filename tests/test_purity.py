"""kpi_core stays a pure domain: it never imports streamlit or altair."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "kpi_core"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_kpi_core_imports_no_ui_library():
    offenders = {p.name: imported_modules(p) & {"streamlit", "altair"} for p in CORE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) >= 8  # the walk really saw the package
