"""Worker threads reach the UI one way: by posting a message. A thread that calls into widgets
(``call_from_thread`` blocks it and fails while the app shuts down) or writes the screen's or
the app's attributes races the event loop."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_SOURCES = sorted(
    [*ROOT.glob("screens/*.py"), *ROOT.glob("widgets/*.py"), *ROOT.glob("tui/*.py")]
)
# what a thread worker may not call on self/self.app: the widget tree, toasts, screens
UI_CALLS = frozenset(
    {
        "call_from_thread",
        "query_one",
        "query",
        "notify",
        "push_screen",
        "pop_screen",
        "mount",
        "refresh",
        "update",
        "switch_mode",
        "exit",
        "bell",
    }
)


def _is_thread_worker(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and getattr(decorator.func, "id", "") == "work"
            and any(
                k.arg == "thread" and getattr(k.value, "value", False) is True
                for k in decorator.keywords
            )
        ):
            return True
    return False


def _rooted_at_self(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id == "self"


def violations(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "call_from_thread":
            found.append(f"{name}:{node.lineno} call_from_thread")
        if not (isinstance(node, ast.FunctionDef) and _is_thread_worker(node)):
            continue
        for inner in ast.walk(node):
            targets = (
                inner.targets
                if isinstance(inner, ast.Assign)
                else [inner.target]
                if isinstance(inner, ast.AugAssign | ast.AnnAssign)
                else []
            )
            for target in targets:
                if isinstance(target, ast.Attribute) and _rooted_at_self(target):
                    found.append(f"{name}:{inner.lineno} {node.name} writes self.{target.attr}")
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr in UI_CALLS
                and _rooted_at_self(inner.func.value)
            ):
                found.append(f"{name}:{inner.lineno} {node.name} calls {inner.func.attr}")
    return found


def test_thread_workers_only_post_messages() -> None:
    found = [
        problem
        for path in UI_SOURCES
        for problem in violations(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_the_check_sees_what_it_forbids() -> None:
    source = (
        "@work(thread=True)\n"
        "def load(self):\n"
        "    self.rows = fetch()\n"
        "    self.app.call_from_thread(self.refresh)\n"
        "    self.notify('done')\n"
    )
    assert sorted(violations(source, "x.py")) == [
        "x.py:3 load writes self.rows",
        "x.py:4 call_from_thread",
        "x.py:4 load calls call_from_thread",
        "x.py:5 load calls notify",
    ]
