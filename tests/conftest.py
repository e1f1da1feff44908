"""Shared test settings."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("mutation", max_examples=20, deadline=None)
"""For scripts/mutation.py: each mutant reruns the tests, so fewer examples keep the run short."""
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
