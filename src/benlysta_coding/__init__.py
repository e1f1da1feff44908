"""benlysta_coding: Benlysta (belimumab) claims, coded right.

Code sets (:mod:`~benlysta_coding.hcpcs`, :mod:`~benlysta_coding.cpt`, :mod:`~benlysta_coding.modifiers`,
:mod:`~benlysta_coding.revenue`, :mod:`~benlysta_coding.icd10`, :mod:`~benlysta_coding.place_of_service`,
:mod:`~benlysta_coding.products`), NDC normalisation (:mod:`~benlysta_coding.ndc`), the drug as a value
(:mod:`~benlysta_coding.drug`), exact dose and unit calculators, a claim builder and exports.

Submodules and the names below load on first use, so ``import benlysta_coding`` stays light and
``from benlysta_coding import ndc`` pulls in nothing else.

>>> import benlysta_coding
>>> benlysta_coding.ndc.validate("49401-102-01")
'49401010201'
"""

from __future__ import annotations

import importlib
import sys as _sys
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from benlysta_coding import (
        build,
        checks,
        claim,
        cpt,
        dosing,
        drug,
        encounter,
        errors,
        examples,
        facts,
        hcpcs,
        icd10,
        lines,
        modifiers,
        ndc,
        parties,
        place_of_service,
        policy,
        products,
        revenue,
        stages,
        units,
    )
    from benlysta_coding.build import build_claim
    from benlysta_coding.claim import Claim, ServiceLine
    from benlysta_coding.encounter import Encounter
    from benlysta_coding.errors import InvalidInput, ValidationError
    from benlysta_coding.findings import Finding
    from benlysta_coding.policy import PayerPolicy
    from benlysta_coding.stages import build_claims

__version__ = "0.2.0"

_NAMES: Final = {
    "Claim": "claim",
    "ServiceLine": "claim",
    "build_claim": "build",
    "build_claims": "stages",
    "Encounter": "encounter",
    "InvalidInput": "errors",
    "ValidationError": "errors",
    "Finding": "findings",
    "PayerPolicy": "policy",
}

__all__ = [
    "Claim",
    "Encounter",
    "Finding",
    "InvalidInput",
    "PayerPolicy",
    "ServiceLine",
    "ValidationError",
    "__version__",
    "build",
    "build_claim",
    "build_claims",
    "checks",
    "claim",
    "cpt",
    "dosing",
    "drug",
    "encounter",
    "errors",
    "examples",
    "facts",
    "hcpcs",
    "icd10",
    "lines",
    "modifiers",
    "ndc",
    "parties",
    "place_of_service",
    "policy",
    "products",
    "revenue",
    "stages",
    "units",
]


_SUBMODULES: Final = frozenset(
    name for name in __all__ if name.islower() and name not in _NAMES and not name.startswith("_")
)
"""The submodules loaded on first use: the lower-case names of ``__all__`` that are not functions."""


if "IPython" in _sys.modules:  # in a notebook, the values display as HTML (benlysta_coding.html)
    from benlysta_coding import html as _html

    _html.register()


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
