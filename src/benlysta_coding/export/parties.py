"""The parties of a claim, as the exports need them: kept for compatibility.

The classes and :func:`from_encounter` now live in :mod:`benlysta_coding.parties`, which both the
encounter loader and the exports import; this module re-exports them.
"""

from __future__ import annotations

from benlysta_coding.parties import Parties, from_encounter

__all__ = ["Parties", "from_encounter"]
