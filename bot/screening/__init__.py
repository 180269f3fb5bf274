"""Toxicity screening, without Discord: see docs/screening.md.

normalise.py (undo evasions) -> film_aware.py (film dialogue, characters) -> pipeline.py
(chunks, batcher.py's worker thread, a backend: detoxify_backend.py or embedded.py, chosen
by loader.py) -> policy.py (pass/flag/hide) -> service.py (storage, review queue, reports).
"""
