"""The tree of a discussion, built in memory from one query's rows.

Whatever the data says, the result is a forest: a reply to a message the bot never saw, a
self-reply and a reply loop each become a top-level comment with a marker saying why. No
recursion anywhere, so a 50,000-message chain does not hit Python's recursion limit.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from operator import attrgetter

from bot.replies.model import MessageState, StoredMessage


class Marker(StrEnum):
    """Why a comment with a parent is shown at the top level."""

    UNKNOWN_PARENT = "reply to a message the bot never saw"
    SELF_REPLY = "reply to itself"
    LOOP = "reply loop broken here"


TOMBSTONES = {
    MessageState.DELETED_BY_AUTHOR: "[deleted by its author]",
    MessageState.REMOVED_BY_MODERATOR: "[removed by a moderator]",
}


def shown_text(message: StoredMessage) -> str:
    """What readers see: the text, or the tombstone (the original stays in storage)."""
    return TOMBSTONES.get(message.state, message.content)


class Node:
    """One comment in the tree. A plain slotted class: a thread view makes thousands."""

    __slots__ = ("id", "message", "children", "marker", "depth", "parent", "size")

    def __init__(self, message: StoredMessage) -> None:
        self.id: int = message.message_id
        self.message = message
        self.children: list[Node] = []
        self.marker: Marker | None = None
        self.depth = 0
        self.parent: Node | None = None
        self.size = 1  # this comment and all its replies

    def __repr__(self) -> str:
        return f"Node({self.id}, depth={self.depth}, replies={self.size - 1})"


@dataclass
class ReplyTree:
    roots: list[Node]
    by_id: dict[int, Node]

    def __len__(self) -> int:
        return len(self.by_id)

    def walk(self, starts: Sequence[Node] | None = None) -> Iterator[Node]:
        """Comments in reading order: each one followed by its replies, oldest first."""
        stack = list(reversed(self.roots if starts is None else starts))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def events(self) -> Iterator[tuple[bool, Node]]:
        """(True, node) when a comment opens, (False, node) after its last reply: for writers."""
        stack: list[tuple[bool, Node]] = [(True, n) for n in reversed(self.roots)]
        while stack:
            opening, node = stack.pop()
            yield opening, node
            if opening:
                stack.append((False, node))
                stack.extend((True, child) for child in reversed(node.children))

    def path_to(self, message_id: int) -> list[Node]:
        """The comment and its ancestors, top-level first."""
        node = self.by_id[message_id]
        path = [node]
        while node.parent is not None:
            node = node.parent
            path.append(node)
        return path[::-1]


def _sort_key(node: Node) -> tuple[datetime, int]:
    return (node.message.created_at, node.message.message_id)


def build_tree(messages: Sequence[StoredMessage]) -> ReplyTree:
    """Arrange messages (any order) into comments and replies, oldest first at every level."""
    ordered = sorted(messages, key=attrgetter("created_at", "message_id"))
    by_id = {m.message_id: Node(m) for m in ordered}
    roots: list[Node] = []
    for node in by_id.values():
        parent_id = node.message.parent_id
        if parent_id is None:
            roots.append(node)
        elif parent_id == node.id:
            node.marker = Marker.SELF_REPLY
            roots.append(node)
        elif parent_id not in by_id:
            node.marker = Marker.UNKNOWN_PARENT
            roots.append(node)
        else:
            parent = by_id[parent_id]
            node.parent = parent
            parent.children.append(node)
    tree = ReplyTree(roots, by_id)
    placed = _place(roots)
    if placed < len(by_id):
        _break_loops(tree)
    tree.roots.sort(key=_sort_key)
    return tree


def _place(starts: Sequence[Node]) -> int:
    """Set depth and size of every comment below the top-level `starts`; returns how many."""
    placed = 0
    stack: list[tuple[bool, Node]] = [(True, n) for n in starts]
    while stack:
        opening, node = stack.pop()
        if opening:
            placed += 1
            node.depth = 0 if node.parent is None else node.parent.depth + 1
            stack.append((False, node))
            stack.extend([(True, child) for child in node.children])
        elif node.parent is not None:
            node.parent.size += node.size
    return placed


def _break_loops(tree: ReplyTree) -> None:
    """A message no top-level comment reaches is in a loop or below one: cut each loop at its
    oldest member, which becomes a top-level comment."""
    reached = {node.id for node in tree.walk()}
    for node in list(tree.by_id.values()):
        if node.id in reached:
            continue
        loop = _find_loop(node)
        cut = min(loop, key=_sort_key)
        assert cut.parent is not None  # every member of a loop has a parent
        cut.parent.children.remove(cut)
        cut.parent = None
        cut.marker = Marker.LOOP
        tree.roots.append(cut)
        _place([cut])
        reached.update(n.id for n in tree.walk([cut]))


def _find_loop(node: Node) -> list[Node]:
    seen: dict[int, int] = {}
    chain: list[Node] = []
    current: Node | None = node
    while current is not None and current.id not in seen:
        seen[current.id] = len(chain)
        chain.append(current)
        current = current.parent
    assert current is not None  # only called for a node no top-level comment reaches
    return chain[seen[current.id] :]


def structure_updates(tree: ReplyTree) -> list[tuple[int, int, int]]:
    """(message_id, root_id, depth) for stored rows whose chain differs from the tree's."""
    changes = []
    for root in tree.roots:
        for node in tree.walk([root]):
            stored = node.message
            if stored.root_id != root.id or stored.depth != node.depth:
                changes.append((node.id, root.id, node.depth))
    return changes


def posting_order(tree: ReplyTree) -> Iterator[tuple[StoredMessage, int | None]]:
    """Messages oldest first, each after its parent, with the parent's id as shown in the tree.

    This is the order a poster (webhook replay of an imported thread) walks: every reply can
    point at the already-posted message of its parent.
    """
    heap = [(_sort_key(root), root.id, root) for root in tree.roots]
    heapq.heapify(heap)
    while heap:
        _, _, node = heapq.heappop(heap)
        yield node.message, None if node.parent is None else node.parent.id
        for child in node.children:
            heapq.heappush(heap, (_sort_key(child), child.id, child))
