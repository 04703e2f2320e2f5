"""The rooms are layered (docs/architecture.md#rooms): a module imports only rooms at or below its own. The
import graph is read from the source with ``ast`` (module-level and function-level imports alike), so a
new arrow from a lower room to a higher one fails here, whoever adds it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Django's lazy model references ("campaigns.Campaign") are data, not imports: not checked.
LAYERS = [
    "core",
    "tenants",
    "leads",
    "voice",
    "calls",
    "appointments",
    "knowledge",
    "campaigns",
    "analytics",
    "demo",
    "config",
]
RANK = {room: rank for rank, room in enumerate(LAYERS)}


def imported_rooms(path: Path) -> set[str]:
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        rooms.update(name.split(".")[0] for name in names if name.split(".")[0] in RANK)
    return rooms


def upward_imports(room: str) -> list[str]:
    found = []
    for path in sorted((ROOT / room).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for other in imported_rooms(path):
            if RANK[other] > RANK[room]:
                found.append(f"{path.relative_to(ROOT)} imports {other}")
    return found


@pytest.mark.parametrize("room", LAYERS)
def test_a_room_imports_only_rooms_below_it(room):
    assert (ROOT / room).is_dir()
    assert upward_imports(room) == []


def test_the_check_sees_every_form_of_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import calls.models\nfrom analytics import kpi\n\ndef f():\n    from demo.seed import run\n")
    assert imported_rooms(module) == {"calls", "analytics", "demo"}


def test_every_python_package_at_the_top_is_a_room():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages - {"tests", "bench"} == set(LAYERS)
