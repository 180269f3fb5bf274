"""Reply chains: capture, trees, outlines, exports and imports of nested discussions.

What a cog calls (all plain values, no Discord objects):

- capture: `ReplyCapture(repo).record(MessageRecord(...))`, `.mark_deleted(id, bulk=...)`,
  `await .mark_removed(id, by)` (before a moderation delete), `await .stop()` on shutdown;
  `CaptureScope.captures(...)` and `.track(...)` for `/thread track`.
- views: `thread_outline`, `chain_outline`, `original_text`, `parse_message_ref`.
- files: `export_thread`, `import_wxr`, `posting.compose` (re-posting imports); backfill:
  `merge_history`.
"""

from bot.replies.backfill import BackfillReport, merge_history
from bot.replies.capture import ReplyCapture, refresh_structure, save_messages
from bot.replies.export import ExportFormat, ExportResult, export_thread, parse_format
from bot.replies.render import RenderedTree, RenderOptions, render_chain, render_tree
from bot.replies.scope import CaptureScope
from bot.replies.service import chain_outline, original_text, thread_outline
from bot.replies.tree import Marker, ReplyTree, build_tree, posting_order
from bot.replies.wxr import ImportedThread, import_wxr, parse_wxr
from storage.replies import MessageRecord, MessageState, ReplyRepository, StoredMessage

__all__ = [
    "BackfillReport",
    "CaptureScope",
    "ExportFormat",
    "ExportResult",
    "ImportedThread",
    "Marker",
    "MessageRecord",
    "MessageState",
    "RenderOptions",
    "RenderedTree",
    "ReplyCapture",
    "ReplyRepository",
    "ReplyTree",
    "StoredMessage",
    "build_tree",
    "chain_outline",
    "export_thread",
    "import_wxr",
    "merge_history",
    "original_text",
    "parse_format",
    "parse_wxr",
    "posting_order",
    "refresh_structure",
    "render_chain",
    "render_tree",
    "save_messages",
    "thread_outline",
]
