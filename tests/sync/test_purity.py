"""sync/ is pure Python: no Flask, no webapp; SQLAlchemy only in sync/sqlstore.py."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

SYNC = Path(__file__).resolve().parents[2] / "sync"


def imported_top_level_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_module_imports_only_the_standard_library_marshmallow_and_itself():
    allowed = set(sys.stdlib_module_names) | {"marshmallow", "sync"}
    modules = sorted(SYNC.glob("*.py"))
    assert {p.name for p in modules} >= {"__init__.py", "protocol.py", "handlers.py", "engine.py", "feed.py",
                                         "memory.py", "sqlstore.py"}
    for path in modules:
        extra = imported_top_level_modules(path) - allowed
        assert extra == ({"sqlalchemy"} if path.name == "sqlstore.py" else set()), (path.name, extra)


def test_importing_the_package_loads_neither_flask_nor_webapp_nor_sqlalchemy():
    # A fresh interpreter: this one has Flask loaded already by the top-level conftest.
    code = ("import sys, sync, sync.protocol, sync.handlers, sync.engine, sync.feed, sync.memory; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'werkzeug', 'webapp', 'sqlalchemy'}))")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, "-c", code], cwd=SYNC.parent, env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
