"""The journal: every action that touches both Discord and the database is written as an
intent first, carried out step by step and marked done; unfinished intents are completed at
start-up and after every reconnect. See docs/journal.md."""

from bot.journal.crash import CRASH_ENV, NO_CRASHES, CrashPoints
from bot.journal.handler import INTERRUPTED, Handler, Step, StepContext, was_interrupted
from bot.journal.model import Finished, Intent, Retryable, RetryPolicy, SimulatedCrash, Status
from bot.journal.runner import Journal

__all__ = [
    "CRASH_ENV",
    "INTERRUPTED",
    "NO_CRASHES",
    "CrashPoints",
    "Finished",
    "Handler",
    "Intent",
    "Journal",
    "RetryPolicy",
    "Retryable",
    "SimulatedCrash",
    "Status",
    "Step",
    "StepContext",
    "was_interrupted",
]
