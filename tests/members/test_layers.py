"""No app imports an app above it (issue 12): ``forum`` is below every app, ``members`` below
``events`` and ``research_needs``. Those add to lower pages through ``forum/sections.py`` and
react to lower events through signals (``members.signals``)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UPPER = ("events", "research_needs")
# The project's wiring names every app on purpose.
WIRING = {"forum/urls.py", "forum/settings.py", "forum/test_settings.py"}


def _imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _upward_imports(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in WIRING or "/migrations/" in relative:
            continue
        for line, module in _imported_modules(path):
            if module.split(".")[0] in UPPER:
                found.append(f"{relative}:{line} imports {module}")
    return found


@pytest.mark.parametrize("package", ["members", "forum"])
def test_lower_apps_do_not_import_events_or_research_needs(package):
    assert _upward_imports(package) == []
