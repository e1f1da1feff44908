"""Example encounters as JSON-like dicts: ready to load with :func:`benlysta_coding.encounter.from_dict`.

Kept as Python data so that the demo works installed or vendored.

``examples/encounter-office-iv.json``, ``examples/encounter-hospital-iv.json``,
``examples/encounter-dependant-office-iv.json`` and ``examples/encounter-replacement-hospital-iv.json``
in the repository hold the same data (a test keeps them equal). The people, provider and numbers are fictitious; the
NPIs have valid check digits.
"""

from __future__ import annotations

from typing import Any, Final

OFFICE_IV: Final[dict[str, Any]] = {
    "claim_id": "BEN-2025-0001",
    "service_date": "2025-03-03",
    "route": "iv",
    "indication": "sle",
    "setting": "office",
    "payer": "medicare_part_b",
    "infusion_minutes": 62,
    "diagnoses": ["M32.13", "M32.19"],
    "prior_authorization": "PA-778812",
    "patient": {
        "birth_date": "1978-06-14",
        "weight_kg": "68.3",
        "sex": "F",
        "first_name": "JANE",
        "last_name": "SAMPLE",
        "member_id": "1EG4TE5MK73",
        "address": {"line1": "12 ELM ST", "city": "SPRINGFIELD", "state": "IL", "zip": "627010001"},
    },
    "billing_provider": {
        "name": "PRAIRIE RHEUMATOLOGY",
        "npi": "1234567893",
        "tax_id": "371234567",
        "taxonomy": "207RR0500X",
        "address": {
            "line1": "400 CLINIC WAY",
            "city": "SPRINGFIELD",
            "state": "IL",
            "zip": "627020002",
        },
    },
    "insurance": {"payer_name": "MEDICARE PART B", "payer_id": "00952"},
    "submitter": {
        "name": "PRAIRIE RHEUMATOLOGY",
        "id": "PRAIRIE01",
        "contact_name": "BILLING OFFICE",
        "phone": "2175550100",
    },
    "receiver": {"name": "MEDICARE CONTRACTOR", "id": "00952"},
}
"""A physician-office IV infusion for SLE, Medicare Part B: 683 mg, six 120 mg vials, 3 units wasted."""

HOSPITAL_IV: Final[dict[str, Any]] = {
    "claim_id": "BEN-2025-0002",
    "service_date": "2025-04-14",
    "route": "iv",
    "indication": "lupus_nephritis",
    "setting": "hospital_outpatient",
    "payer": "commercial",
    "infusion_minutes": 95,
    "diagnoses": ["M32.14"],
    "patient": {
        "birth_date": "1990-11-02",
        "weight_kg": "52",
        "sex": "F",
        "first_name": "MARIA",
        "last_name": "EXAMPLE",
        "member_id": "XQZ123456789",
        "address": {"line1": "9 OAK AVE", "city": "COLUMBUS", "state": "OH", "zip": "432150001"},
    },
    "billing_provider": {
        "name": "RIVERSIDE GENERAL HOSPITAL",
        "npi": "1245319599",
        "tax_id": "314567890",
        "address": {
            "line1": "1 HOSPITAL DR",
            "city": "COLUMBUS",
            "state": "OH",
            "zip": "432150002",
        },
    },
    "insurance": {"payer_name": "ACME HEALTH PLAN", "payer_id": "60054"},
    "submitter": {
        "name": "RIVERSIDE GENERAL HOSPITAL",
        "id": "RIVERSIDE01",
        "contact_name": "PATIENT ACCOUNTS",
        "phone": "6145550100",
    },
    "receiver": {"name": "ACME CLEARINGHOUSE", "id": "ACMECH"},
    "attending": {"first_name": "ALEX", "last_name": "RIVERA", "npi": "1003000001"},
}
"""A hospital outpatient IV infusion for lupus nephritis, commercial payer: 520 mg, nothing wasted."""

DEPENDANT_OFFICE_IV: Final[dict[str, Any]] = {
    "claim_id": "BEN-2025-0003",
    "service_date": "2025-06-09",
    "route": "iv",
    "indication": "sle",
    "setting": "office",
    "payer": "commercial",
    "infusion_minutes": 65,
    "diagnoses": ["M32.19"],
    "products_used": [{"ndc": "49401-0101-01", "count": 3}],
    "patient": {
        "birth_date": "2013-02-20",
        "weight_kg": "33",
        "sex": "F",
        "first_name": "LILY",
        "last_name": "SAMPLE",
        "address": {"line1": "12 ELM ST", "city": "SPRINGFIELD", "state": "IL", "zip": "627010001"},
    },
    "subscriber": {
        "relationship": "child",
        "first_name": "JOHN",
        "last_name": "SAMPLE",
        "member_id": "ACM778812001",
        "birth_date": "1982-09-30",
        "sex": "M",
        "address": {"line1": "12 ELM ST", "city": "SPRINGFIELD", "state": "IL", "zip": "627010001"},
    },
    "rendering": {"first_name": "PAT", "last_name": "MORGAN", "npi": "1003000100"},
    "billing_provider": {
        "name": "PRAIRIE RHEUMATOLOGY",
        "npi": "1234567893",
        "tax_id": "371234567",
        "taxonomy": "207RR0500X",
        "address": {
            "line1": "400 CLINIC WAY",
            "city": "SPRINGFIELD",
            "state": "IL",
            "zip": "627020002",
        },
    },
    "insurance": {"payer_name": "ACME HEALTH PLAN", "payer_id": "60054"},
    "submitter": {
        "name": "PRAIRIE RHEUMATOLOGY",
        "id": "PRAIRIE01",
        "contact_name": "BILLING OFFICE",
        "phone": "2175550100",
    },
    "receiver": {"name": "ACME CLEARINGHOUSE", "id": "ACMECH"},
}
"""A child (12) on a parent's commercial plan, office IV infusion: 330 mg from three 120 mg vials
recorded in ``products_used``, 3 units wasted; the parent is the subscriber."""

REPLACEMENT_HOSPITAL_IV: Final[dict[str, Any]] = {
    **HOSPITAL_IV,
    "frequency": "replacement",
    "payer_claim_number": "2025104500123",
    "infusion_minutes": 62,
    "products_used": [
        {"ndc": "49401-0102-01", "count": 1},
        {"ndc": "49401-0101-01", "count": 1},
    ],
}
"""The hospital example corrected (a replacement claim, type of bill 0137): the infusion took 62
minutes, not 95, so the additional-hour line goes; the vials are recorded."""
