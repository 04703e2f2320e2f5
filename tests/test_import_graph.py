"""Rooms import only rooms below them (docs/architecture.md): news goes up by signals, never by imports.

Read from the source with ``ast``, so an import inside a function counts as much as one at the top.
``FORBIDDEN`` is the layer table: a room, and the rooms above it that it must not import. Add a row to
hold another room to it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    # voice is a pure adapter below calls: it hands events to a receiver that calls connects.
    "voice": {"calls", "campaigns", "appointments", "knowledge"},
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every module ``path`` imports, relative imports resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def violations(room: str, forbidden: set[str]) -> list[str]:
    found = []
    for path in sorted((ROOT / room).rglob("*.py")):
        for line, name in imported_modules(path):
            if name.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_a_room_imports_no_room_above_it(room):
    assert violations(room, FORBIDDEN[room]) == []


def test_the_check_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    room = tmp_path / "lower" / "sub"
    room.mkdir(parents=True)
    (room / "mod.py").write_text("def f():\n    from upper.x import y\n\nfrom ..upper_sibling import z\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert violations("lower", {"upper"}) == ["lower/sub/mod.py:2 imports upper.x"]
    assert violations("lower", {"lower"}) == ["lower/sub/mod.py:4 imports lower.upper_sibling"]
