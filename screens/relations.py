"""``X`` on a row, or ``:xray KIND/NAME``: the object's relations as a tree you move in (k9s'
xray): owners up, dependents down, a Service's endpoints and their pods, an Ingress' Services,
an HPA's target, the pods mounting a PVC, what a Pod uses. Read once when opened (``r`` reads
again); enter opens a node's object."""

from __future__ import annotations

from typing import ClassVar

from gok_tui.domain.relations import RELATION_WORDS, RelationNode, relation_kind
from gok_tui.domain.text import clean
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.store.relations import read_relations
from gok_tui.widgets.plain import SafeText
from gok_tui.widgets.resource_table import TONE_STYLES
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

STATUS_STYLES = {**TONE_STYLES, "ok": "green"}


def node_text(node: RelationNode) -> SafeText:
    """A node's line: relation (dim), kind (bold), name, status in its tone's colour."""
    text = SafeText(no_wrap=True, overflow="ellipsis")
    if node.relation == "note":
        text.append(clean(node.status), style=f"italic {STATUS_STYLES.get(node.tone, '')}")
        return text
    words = RELATION_WORDS.get(node.relation, "")
    if words:
        text.append(f"{words} ", style="dim")
    text.append(f"{clean(node.kind, 60)} ", style="bold")
    text.append(clean(node.name))
    if node.status:
        text.append(f"  {clean(node.status)}", style=STATUS_STYLES.get(node.tone, ""))
    return text


def _tree_bindings_but(*keys: str) -> list[BindingType]:
    """Tree's own bindings (and its scroll view's) except those of ``keys``, which the
    screen's keymap bindings take (so they show in the footer and can be remapped)."""
    kept: dict[str, BindingType] = {}
    for cls in Tree.__mro__:  # the most derived class's binding of a key wins, as in Textual
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.key not in keys:
                kept.setdefault(binding.key, binding)
    return list(kept.values())


class RelationTree(Tree[RelationNode], inherit_bindings=False):
    """The tree; enter (open) and space (fold) are the screen's keymap bindings."""

    BINDINGS: ClassVar[list[BindingType]] = _tree_bindings_but("enter", "space")
    DEFAULT_CSS = """
    RelationTree { height: 1fr; padding: 0 1; }
    """


class RelationsScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("xray")
    DEFAULT_CSS = """
    RelationsScreen #xray-title { height: 1; padding: 0 1; background: $boost; }
    """

    class Loaded(Message):
        def __init__(self, tree: RelationNode | None, error: str = "") -> None:
            super().__init__()
            self.relations = tree
            self.error = error

    def __init__(self, plural: str, namespace: str | None, name: str) -> None:
        super().__init__()
        self.plural = plural
        self.namespace = namespace
        self.object_name = name
        kind = relation_kind(plural)
        self.kind_name = kind.name if kind is not None else plural
        self.reading = True
        self.error = ""
        self.relations: RelationNode | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="xray-title")
        yield RelationTree(node_text(self._root_stub()), id="xray-tree")

    def _root_stub(self) -> RelationNode:
        return RelationNode(self.kind_name, self.namespace, self.object_name, "", "ok", "")

    def on_mount(self) -> None:
        super().on_mount()
        tree = self.query_one(RelationTree)
        tree.auto_expand = False
        tree.focus()
        self._show_title()
        self.load()

    @work(thread=True, exclusive=True, group="xray", exit_on_error=False)
    def load(self) -> None:
        backend = self.session.backend
        if backend is None:
            self.post_message(self.Loaded(None, "no cluster to read from"))
            return
        tree, _calls = read_relations(backend, self.plural, self.namespace, self.object_name)
        self.post_message(self.Loaded(tree))

    def on_relations_screen_loaded(self, message: Loaded) -> None:
        self.reading = False
        self.error = message.error
        if message.relations is not None:
            self.relations = message.relations
            self._fill(message.relations)
        self._show_title()

    def _show_title(self) -> None:
        title = SafeText(no_wrap=True, overflow="ellipsis")
        title.append("XRAY ", style="bold")
        where = f"{self.namespace}/" if self.namespace else ""
        title.append(clean(f"{self.kind_name} {where}{self.object_name}"), style="cyan")
        if self.reading:
            title.append("  loading…", style="yellow")
        elif self.error:
            title.append(f"  {clean(self.error)}", style="red")
        elif self.relations is not None and not self.relations.found:
            title.append(f"  {clean(self.relations.status)}", style="red")
        elif self.relations is not None:
            related = sum(1 for node in self.relations.walk() if node.kind) - 1
            title.append(f"  {related} related")
        if self.query("#xray-title"):
            self.query_one("#xray-title", Static).update(title)

    def _fill(self, root: RelationNode) -> None:
        widget = self.query_one(RelationTree)
        widget.clear()
        widget.root.set_label(node_text(root))
        widget.root.data = root
        self._add_branches(widget.root, root)
        widget.root.expand()
        widget.move_cursor(widget.root)

    def _add_branches(self, parent: TreeNode[RelationNode], node: RelationNode) -> None:
        for child in node.children:
            if not child.children:
                parent.add_leaf(node_text(child), data=child)
                continue
            # a Pod reached from elsewhere starts folded: what it uses is one space away
            folded = child.kind == "Pod"
            branch = parent.add(node_text(child), data=child, expand=not folded)
            self._add_branches(branch, child)

    # -- keys ------------------------------------------------------------------------------
    def on_tree_node_selected(self, event: Tree.NodeSelected[RelationNode]) -> None:
        event.stop()  # a click on a node: open it, as enter does
        self.open_node(event.node.data)

    def action_open(self) -> None:
        cursor = self.query_one(RelationTree).cursor_node
        self.open_node(cursor.data if cursor is not None else None)

    def open_node(self, node: RelationNode | None) -> None:
        if node is None:
            return
        kind = relation_kind(node.plural or "")
        if not node.openable or kind is None:
            what = node.status if node.relation == "note" else f"{node.kind} {node.name}"
            self.notify(f"nothing to open here: {clean(what)}", severity="warning")
            return
        from gok_tui.screens.detail import DetailScreen

        metadata = {"name": node.name, **({"namespace": node.namespace} if node.namespace else {})}
        self.app.push_screen(DetailScreen(kind, {"metadata": metadata}, "describe"))

    def action_fold(self) -> None:
        cursor = self.query_one(RelationTree).cursor_node
        if cursor is not None and cursor.allow_expand:
            cursor.toggle()

    def action_reload(self) -> None:
        self.reading = True
        self._show_title()
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cursor_down(self) -> None:
        self.query_one(RelationTree).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(RelationTree).action_cursor_up()

    def action_cursor_top(self) -> None:
        self.query_one(RelationTree).move_cursor_to_line(0)

    def action_cursor_bottom(self) -> None:
        widget = self.query_one(RelationTree)
        widget.move_cursor_to_line(max(0, widget.last_line))

    def focus_body(self) -> None:
        self.query_one(RelationTree).focus()
