"""Benchmarks (not tests): `python -m bench NAME`. Each module exposes `main(argv) -> int`."""
