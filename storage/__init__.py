"""Persistence on aiosqlite: one connection helper, numbered migrations, repositories that
return plain dataclasses. Nothing here imports discord."""
