"""Helpers the tests share (imported as `support`: pyproject.toml puts tests/ on the path)."""
