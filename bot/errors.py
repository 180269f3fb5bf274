"""Errors a user is meant to read. Cogs show them ephemerally, exactly as written."""

from __future__ import annotations


class UserFacingError(Exception):
    """A precise, user-readable reason an action could not be done; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserFacingError):
    """The thing the user named does not exist (unknown film, case, thread...)."""


class InvalidInput(UserFacingError):
    """The user's input is malformed (a duration, a number, a too-long reason...)."""


class PermissionDenied(UserFacingError):
    """The user, or the bot, lacks a permission; the message names it."""


class StorageUnavailable(UserFacingError):
    """The database cannot be written (disk full, read-only, locked too long).

    `problem` is the short cause ("disk full"); the message says nothing was done.
    """

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"The database cannot be written: {problem}. Nothing was done; "
            "an admin needs to fix the bot's storage (see /about)."
        )
        self.problem = problem
