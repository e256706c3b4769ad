"""The rules of docs/architecture.md that code can check (issue 12): one home for row locks,
rooms of a readable size, the layers, and admin and signal modules that write only through
services."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("forum", "members", "research_needs", "events")
#: Demo data and migrations are data, not rooms one reads to change a rule.
LONG_ALLOWED = {"events/demo.py", "research_needs/demo.py", "members/demo.py"}
MAX_LINES = 600
#: The project's wiring names every app on purpose (URLs, settings, the demo seeders).
WIRING = {
    "forum/urls.py",
    "forum/settings.py",
    "forum/test_settings.py",
    "forum/management/commands/seed_demo.py",
}
#: Model methods that write; admin and signal modules call services instead.
WRITES = {
    "save",
    "delete",
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def _modules(*packages):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path


def _runtime_imports(tree):
    """Imports outside ``if TYPE_CHECKING:`` blocks."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_row_locks_are_taken_only_in_forum_locking():
    found = [
        relative
        for relative, path in _modules(*APPS)
        if relative != "forum/locking.py" and "select_for_update" in path.read_text()
    ]
    assert found == []


def test_no_module_is_longer_than_a_readable_room():
    long = {
        relative: lines
        for relative, path in _modules(*APPS, "bench")
        if relative not in LONG_ALLOWED
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    ("package", "above"),
    [("forum", {"members", "events", "research_needs"}), ("members", {"events", "research_needs"})],
)
def test_no_app_imports_an_app_above_it(package, above):
    found = [
        f"{relative} imports {module}"
        for relative, path in _modules(package)
        if relative not in WIRING
        for module in _runtime_imports(ast.parse(path.read_text()))
        if module.split(".")[0] in above
    ]
    assert found == []


def _plumbing(call: ast.Call) -> bool:
    """Calls named like writes that write no model: ``super().save_model(...)``, the cache,
    and a formset's ``save(commit=False)``, which only collects the rows."""
    receiver = call.func.value
    if isinstance(receiver, ast.Call) and getattr(receiver.func, "id", "") == "super":
        return True
    if getattr(receiver, "id", "") == "cache":
        return True
    return any(
        keyword.arg == "commit" and getattr(keyword.value, "value", True) is False
        for keyword in call.keywords
    )


def _admin_and_signal_modules():
    for relative, path in _modules("members", "research_needs", "events", "forum"):
        name = Path(relative)
        if name.name in {"admin.py", "signals.py"} or "admin" in name.parent.parts:
            yield relative, path


@pytest.mark.parametrize(
    ("relative", "path"), list(_admin_and_signal_modules()), ids=lambda value: str(value)
)
def test_admin_and_signal_modules_write_only_through_services(relative, path):
    writes = [
        f"{relative}:{node.lineno} .{node.func.attr}()"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
        and not _plumbing(node)
    ]
    assert writes == []
