"""benlysta_coding: Benlysta (belimumab) claims, coded right.

Code sets (:mod:`~benlysta_coding.hcpcs`, :mod:`~benlysta_coding.cpt`, :mod:`~benlysta_coding.modifiers`,
:mod:`~benlysta_coding.revenue`, :mod:`~benlysta_coding.icd10`, :mod:`~benlysta_coding.place_of_service`,
:mod:`~benlysta_coding.products`), NDC normalisation (:mod:`~benlysta_coding.ndc`), exact dose and unit
calculators, a claim builder and exports.

>>> import benlysta_coding
>>> benlysta_coding.ndc.validate("49401-102-01")
'49401010201'
"""

from __future__ import annotations

from benlysta_coding import (
    claim,
    cpt,
    dosing,
    encounter,
    errors,
    facts,
    hcpcs,
    icd10,
    modifiers,
    ndc,
    place_of_service,
    policy,
    products,
    revenue,
    units,
)
from benlysta_coding.claim import Claim, ServiceLine, build_claim
from benlysta_coding.encounter import Encounter
from benlysta_coding.errors import InvalidInput, ValidationError
from benlysta_coding.findings import Finding
from benlysta_coding.policy import PayerPolicy

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "Encounter",
    "Finding",
    "InvalidInput",
    "PayerPolicy",
    "ServiceLine",
    "ValidationError",
    "__version__",
    "build_claim",
    "claim",
    "cpt",
    "dosing",
    "encounter",
    "errors",
    "facts",
    "hcpcs",
    "icd10",
    "modifiers",
    "ndc",
    "place_of_service",
    "policy",
    "products",
    "revenue",
    "units",
]
