"""The demo app is the top room: it may import every product app, and no product app imports it
(docs/architecture.md, "Demo data")."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
NOT_PRODUCT = {"demo", "tests"}


def product_packages() -> list[Path]:
    return sorted(init.parent for init in ROOT.glob("*/__init__.py") if init.parent.name not in NOT_PRODUCT)


def imported_modules(source: str) -> set[str]:
    """Every module a file imports, including ``import_module("…")`` with a literal name."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def test_the_product_packages_are_found():
    names = {package.name for package in product_packages()}
    assert {"tenants", "leads", "voice", "calls", "campaigns", "appointments", "knowledge", "config"} <= names
    assert "demo" not in names


def test_no_product_app_imports_demo():
    offenders = []
    for package in product_packages():
        for path in sorted(package.rglob("*.py")):
            for name in imported_modules(path.read_text(encoding="utf-8")):
                if name == "demo" or name.startswith("demo."):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_check_sees_every_way_of_importing():
    source = "import demo\nfrom demo.seed import seed\nimport_module('demo.leads')\nfrom . import demo_local\n"
    assert imported_modules(source) == {"demo", "demo.seed", "demo.leads"}
