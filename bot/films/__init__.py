"""The film catalog: model, search, summaries with spoiler levels, importers."""
