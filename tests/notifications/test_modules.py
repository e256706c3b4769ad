"""How the notification code is laid out: the services never import the tasks (the tasks are
thin wrappers around the services, so importing both ways made a cycle), every task the
services queue by name exists, and no module grows past the size the conventions allow."""

import ast
from pathlib import Path

from celery import current_app

import forum.notifications
import forum.privacy
from forum.notifications.services import queue

SERVICES = Path(forum.notifications.__file__).parent / "services"


def _imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside a function, as written:
    ``from ..tasks import x`` gives ``..tasks`` and ``..tasks.x``, ``from .. import tasks``
    gives ``..`` and ``..tasks``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            separator = "." if node.module else ""
            names.add(base)
            names.update(f"{base}{separator}{alias.name}" for alias in node.names)
    return names


def test_services_modules_never_import_the_tasks():
    modules = sorted(SERVICES.glob("*.py"))
    assert len(modules) > 5  # the package, not a single file

    offenders = {
        path.name: sorted(name for name in _imported_modules(path) if "tasks" in name)
        for path in modules
    }

    assert {name: found for name, found in offenders.items() if found} == {}


def test_tasks_queued_by_name_are_registered():
    names = [queue.DELIVER_BATCH, queue.DELIVER_DIGEST]

    assert [name for name in names if name not in current_app.tasks] == []
    assert current_app.tasks[queue.DELIVER_BATCH].__module__ == "forum.notifications.tasks"


def test_modules_stay_under_600_lines():
    roots = [Path(forum.notifications.__file__).parent, Path(forum.privacy.__file__).parent]
    sizes = {
        str(path.relative_to(root.parent)): len(path.read_text().splitlines())
        for root in roots
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
    }

    assert {name: lines for name, lines in sizes.items() if lines > 600} == {}
