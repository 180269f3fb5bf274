"""Building trees from whatever parents the data claims: unknown parents, self-replies, loops."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from replies_support import START

from bot.replies.model import MessageState, StoredMessage
from bot.replies.tree import Marker, build_tree, posting_order, shown_text, structure_updates


def stored(number: int, parent: int | None = None, *, minutes=None, state=MessageState.VISIBLE):
    return StoredMessage(
        message_id=number,
        thread_id=1,
        guild_id=9,
        author_id=number,
        author_name=f"member{number}",
        content=f"comment {number}",
        attachments=(),
        created_at=START + timedelta(minutes=number if minutes is None else minutes),
        edited_at=None,
        parent_id=parent,
        root_id=number,
        depth=0,
        state=state,
    )


def outline(tree) -> list[tuple[int, int, str | None]]:
    """(depth, id, marker) in reading order."""
    return [(n.depth, n.id, n.marker and n.marker.name) for n in tree.walk()]


def test_replies_nest_under_their_parents_oldest_first():
    tree = build_tree([stored(4, 1), stored(2, 1), stored(1), stored(3, 2), stored(5)])

    assert outline(tree) == [(0, 1, None), (1, 2, None), (2, 3, None), (1, 4, None), (0, 5, None)]
    assert tree.by_id[1].size == 4
    assert [n.id for n in tree.path_to(3)] == [1, 2, 3]


def test_a_reply_to_an_unknown_message_is_top_level_with_a_marker():
    tree = build_tree([stored(1), stored(2, 77), stored(3, 2)])

    assert outline(tree) == [(0, 1, None), (0, 2, "UNKNOWN_PARENT"), (1, 3, None)]
    assert Marker.UNKNOWN_PARENT.value == "reply to a message the bot never saw"


def test_a_self_reply_is_top_level_with_a_marker():
    tree = build_tree([stored(1, 1), stored(2, 1)])

    assert outline(tree) == [(0, 1, "SELF_REPLY"), (1, 2, None)]


def test_a_reply_loop_is_cut_at_its_oldest_message():
    # 1 -> 3 -> 2 -> 1 is a loop; 4 hangs below it; 5 is ordinary.
    tree = build_tree([stored(1, 2), stored(2, 3), stored(3, 1), stored(4, 3), stored(5)])

    assert outline(tree) == [
        (0, 1, "LOOP"),
        (1, 3, None),
        (2, 2, None),
        (2, 4, None),
        (0, 5, None),
    ]


def test_tombstones_keep_their_replies_under_them():
    tree = build_tree(
        [
            stored(1, state=MessageState.DELETED_BY_AUTHOR),
            stored(2, 1, state=MessageState.REMOVED_BY_MODERATOR),
            stored(3, 2),
        ]
    )

    assert outline(tree) == [(0, 1, None), (1, 2, None), (2, 3, None)]
    assert [shown_text(n.message) for n in tree.walk()] == [
        "[deleted by its author]",
        "[removed by a moderator]",
        "comment 3",
    ]


def test_a_very_deep_chain_needs_no_recursion():
    chain = [stored(1)] + [stored(n, n - 1) for n in range(2, 20_001)]

    tree = build_tree(chain)

    assert tree.by_id[20_000].depth == 19_999
    assert tree.roots[0].size == 20_000
    assert len(structure_updates(tree)) == 19_999  # every stored depth was 0


def test_posting_order_puts_parents_first_even_with_odd_dates():
    # The reply claims to be older than its parent (bad dates in an import).
    tree = build_tree([stored(1, minutes=10), stored(2, 1, minutes=5), stored(3, minutes=7)])

    order = [(m.message_id, parent) for m, parent in posting_order(tree)]

    assert order == [(3, None), (1, None), (2, 1)]


parents = st.dictionaries(
    keys=st.integers(1, 40),
    values=st.one_of(st.none(), st.integers(1, 45)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=120, deadline=None)
@given(parents)
def test_any_parent_data_gives_a_forest_holding_every_message_once(parent_of):
    tree = build_tree([stored(i, p, minutes=(i * 7) % 13) for i, p in parent_of.items()])

    walked = [n.id for n in tree.walk()]
    assert sorted(walked) == sorted(parent_of)
    for node in tree.walk():
        if node.parent is None:
            assert node.depth == 0
            assert (node.marker is None) == (parent_of[node.id] is None)
        else:
            assert node.depth == node.parent.depth + 1
            assert node.parent.id == parent_of[node.id]
    assert sum(root.size for root in tree.roots) == len(parent_of)
    posted = [m.message_id for m, _ in posting_order(tree)]
    assert sorted(posted) == sorted(parent_of)
    seen: set[int] = set()
    for message, parent in posting_order(tree):
        assert parent is None or parent in seen
        seen.add(message.message_id)
