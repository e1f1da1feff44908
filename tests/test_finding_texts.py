"""Each finding's code, path and message for hand-checked scenarios: a table of expectations written
out here (a mutation run found messages and paths that no test read)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest

from benlysta_coding import checks, examples, policy, units
from tests.helpers import claim_of, hospital, office, sc

PLAUSIBLE = (
    "weight_kg: expected 10 to 350 kg (a plausibility range for patients aged 5 and older; a "
    "weight outside it is usually pounds or grams given as kg)"
)
SC_ROUTE = (
    "sc-medical-benefit",
    "$.route",
    "payer policy commercial does not cover SC Benlysta on the medical benefit",
)

CASES: list[tuple[str, dict[str, Any], list[tuple[str, str, str]], list[tuple[str, int]]]] = [
    (
        "no infusion time",
        office(infusion_minutes=None),
        [
            (
                "infusion-minutes-missing",
                "$.infusion_minutes",
                "no infusion_minutes for an IV administration; administration lines are left out",
            )
        ],
        [],
    ),
    (
        "15 minutes is a push",
        office(infusion_minutes=15),
        [("infusion-too-short", "$.infusion_minutes", "15 minutes is a push, not an infusion")],
        [("96374", 1)],
    ),
    (
        "85 minutes: 6 short of a 96366 unit",
        office(infusion_minutes=85),
        [
            (
                "infusion-additional-hour",
                "$.infusion_minutes",
                "85 minutes end just below the time that adds a unit of 96366; check the recorded "
                "start and stop times",
            )
        ],
        [("96365", 1)],
    ),
    (
        "800 mg for 70 kg: 100 mg over 700, more than 10 %",
        office(patient__weight_kg="70", dose_mg="800"),
        [
            (
                "dose-far-from-label",
                "$.dose_mg",
                "dose 800 mg differs from 10 mg/kg (700 mg) by more than 10%",
            )
        ],
        [("96365", 1)],
    ),
    (
        "no weight and no dose",
        office(patient__weight_kg=None),
        [("dose-not-determined", "$.dose_mg", "give dose_mg or the patient's weight")],
        [("96365", 1)],
    ),
    (
        "500 kg with a dose given",
        office(patient__weight_kg="500", dose_mg="700"),
        [("weight-implausible", "$.patient.weight_kg", PLAUSIBLE)],
        [("96365", 1)],
    ),
    (
        "500 kg without a dose",
        office(patient__weight_kg="500"),
        [("dose-not-determined", "$.patient.weight_kg", PLAUSIBLE)],
        [("96365", 1)],
    ),
    (
        "SC without a dose: the adult SLE regimen",
        sc(),
        [
            SC_ROUTE,
            (
                "dose-assumed",
                "$.dose_mg",
                "200 mg SC once weekly: billed as 200 mg (maintenance dose)",
            ),
        ],
        [("96372", 1)],
    ),
    (
        "SC 300 mg: two devices, no regimen",
        sc(dose_mg="300"),
        [
            SC_ROUTE,
            (
                "sc-dose-unusual",
                "$.dose_mg",
                "300 mg matches no dose of the regimen '200 mg SC once weekly'",
            ),
        ],
        [("96372", 2)],
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "expected", "administration"), CASES, ids=[c[0] for c in CASES]
)
def test_finding_texts(
    name: str,
    data: dict[str, Any],
    expected: list[tuple[str, str, str]],
    administration: list[tuple[str, int]],
) -> None:
    claim = claim_of(data)
    found = [(f.code, f.path, f.message) for f in claim.findings if f.code != "products-from-plan"]
    assert expected == found
    assert administration == [
        (line.code, line.units) for line in claim.lines if line.kind == "administration"
    ]


def waste_findings(weight: str, day: str) -> list[tuple[str, str, str]]:
    """The line checks of the office claim on ``day`` with its JW line removed."""
    claim = claim_of(office(patient__weight_kg=weight, service_date=day))
    plan = units.plan_vials(claim.dose_mg or 0)
    kept = [line for line in claim.lines if "JW" not in line.modifiers]
    return [
        (f.code, f.path, f.message)
        for f in checks.check_lines(None, kept, policy.MEDICARE_PART_B, plan)
    ]


def test_jw_required_from_2017() -> None:
    # 68.3 kg: 3 units discarded; Medicare requires the JW line from 2017-01-01
    assert [] == waste_findings("68.3", "2016-12-31")
    assert [("jw-missing", "$.lines", "3 unit(s) discarded without a JW line")] == waste_findings(
        "68.3", "2017-01-01"
    )


def test_one_wasted_unit_still_needs_jw() -> None:
    # 71 kg: 710 mg from six 120 mg vials (720 mg): 71 units, 1 unit discarded
    assert [("jw-missing", "$.lines", "1 unit(s) discarded without a JW line")] == waste_findings(
        "71", "2024-01-02"
    )


def test_jz_texts_and_paths() -> None:
    # 63.4 kg: nothing wasted; both drug lines lack JZ on 2024-01-02
    claim = claim_of(office(patient__weight_kg="63.4", service_date="2024-01-02"))
    bare = [attrs.evolve(line, modifiers=()) for line in claim.lines]
    found = checks.check_lines(None, bare, policy.MEDICARE_PART_B, units.plan_vials(634))
    message = "nothing was discarded but the drug line has no JZ"
    assert [("jz-missing", "$.lines[0]", message), ("jz-missing", "$.lines[1]", message)] == [
        (f.code, f.path, f.message) for f in found
    ]
    with_jw = [attrs.evolve(bare[0], modifiers=("JZ",)), attrs.evolve(bare[1], modifiers=("JW",))]
    found = checks.check_lines(None, with_jw, policy.MEDICARE_PART_B, units.plan_vials(634))
    assert [
        (
            "jz-with-jw",
            "$.lines[0]",
            "JZ (nothing discarded) on a line while a JW line bills waste on 2024-01-02",
        )
    ] == [(f.code, f.path, f.message) for f in found if f.code == "jz-with-jw"]


HEADER = "Category header, not billable: use M32.10 to M32.19."
N059 = "N05.9: unspecified nephritic syndrome, not lupus nephritis (that is M32.14)"
MORE_CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[tuple[str, str, str]]]] = [
    (
        "institutional without attending",
        hospital(attending=None),
        {},
        [
            (
                "attending-missing",
                "$.attending",
                "an institutional claim needs the attending physician (837I loop 2310A): give "
                "'attending' with first_name, last_name and npi",
            )
        ],
    ),
    (
        "a place of service on an institutional claim",
        hospital(place_of_service="11"),
        {},
        [
            (
                "pos-not-used",
                "$.place_of_service",
                "place_of_service 11 is not used: an institutional claim carries a type of bill "
                "instead",
            )
        ],
    ),
    (
        "place 22 on a professional claim",
        office(place_of_service="22"),
        {},
        [
            (
                "pos-hospital-professional",
                "$.place_of_service",
                "place of service 22 (outpatient hospital): the hospital bills the drug and its "
                "administration on its institutional claim; use setting 'hospital_outpatient' for "
                "that claim",
            )
        ],
    ),
    (
        "a Medicare Part B replacement",
        office(frequency="replacement", payer_claim_number="P1"),
        {},
        [
            (
                "medicare-reopening",
                "$.frequency",
                "Medicare Part B professional claims are corrected by a reopening, not by a "
                "replacement claim",
            )
        ],
    ),
    (
        "a Medicare Part B void",
        office(frequency="void", payer_claim_number="P1"),
        {},
        [
            (
                "medicare-reopening",
                "$.frequency",
                "Medicare Part B professional claims are cancelled through the contractor (a "
                "reopening, or its portal), not by a void claim",
            )
        ],
    ),
    (
        "a subscriber on a Medicare claim",
        office(subscriber=examples.DEPENDANT_OFFICE_IV["subscriber"]),
        {},
        [
            (
                "subscriber-medicare",
                "$.subscriber",
                "a Medicare beneficiary is always the subscriber: remove 'subscriber'",
            )
        ],
    ),
    ("no claim id", office(claim_id=None), {}, [("claim-id-missing", "$.claim_id", "no claim_id")]),
    (
        "diagnoses: header, N05.9, drug-induced, unknown",
        office(diagnoses=["M32.1", "N05.9", "M32.0", "Z79.899"]),
        {},
        [
            ("dx-not-billable", "$.diagnoses[0]", f"M32.1 is a category header: {HEADER}"),
            ("dx-indication-mismatch", "$.diagnoses[1]", N059),
            ("dx-drug-induced", "$.diagnoses[2]", "M32.0: drug-induced SLE is not an indication"),
            ("dx-not-in-library", "$.diagnoses[3]", "Z79.899 is not in this library's code set"),
            (
                "dx-no-sle",
                "$.diagnoses",
                "no billable diagnosis that supports belimumab (M32.10, M32.11, M32.12, M32.13, "
                "M32.14, M32.15, M32.19, M32.8, M32.9)",
            ),
        ],
    ),
    (
        "N05.9 for lupus nephritis",
        office(indication="lupus_nephritis", diagnoses=["M32.13", "N05.9"]),
        {},
        [
            ("dx-n059-lupus-nephritis", "$.diagnoses[1]", N059),
            (
                "dx-indication-mismatch",
                "$.diagnoses",
                "indication is lupus nephritis but M32.14 is not among the diagnoses",
            ),
        ],
    ),
    (
        "M32.14 billed for SLE",
        office(diagnoses=["M32.14"]),
        {},
        [
            (
                "dx-indication-mismatch",
                "$.indication",
                "M32.14 (lupus nephritis) is billed but the indication is 'sle'",
            )
        ],
    ),
    (
        "550 mg from 400 + 2 x 120 instead of 5 x 120",
        office(
            patient__weight_kg="55",
            products_used=[
                {"ndc": "49401-102-01", "count": 1},
                {"ndc": "49401-101-01", "count": 2},
            ],
        ),
        {},
        [
            (
                "products-differ-from-plan",
                "$.products_used",
                "the record opened 1 x 400 mg + 2 x 120 mg; the least_waste plan is 5 x 120 mg, "
                "so 40 mg more is wasted",
            )
        ],
    ),
    (
        "five 120 mg vials for 683 mg",
        office(products_used=[{"ndc": "49401-101-01", "count": 5}]),
        {},
        [
            (
                "products-insufficient",
                "$.products_used",
                "the products opened hold 600 mg, less than the dose 683 mg",
            )
        ],
    ),
    (
        "a prefilled syringe for a 12-year-old",
        sc(ndc="49401-088-47", patient__birth_date="2013-05-01", patient__weight_kg="45"),
        {},
        [
            SC_ROUTE,
            (
                "dose-assumed",
                "$.dose_mg",
                "200 mg SC once weekly (children 40 kg or more; autoinjector only): billed as "
                "200 mg (maintenance dose)",
            ),
            (
                "sc-syringe-child",
                "$.ndc",
                "NDC 49401-088-47 is a prefilled_syringe for a patient under 18",
            ),
        ],
    ),
    (
        "SC to Medicare Part B",
        office(route="sc", infusion_minutes=None),
        {},
        [
            (
                "sc-medicare-part-b",
                "$.route",
                "SC Benlysta is self-administered and excluded from Medicare Part B",
            ),
            (
                "dose-assumed",
                "$.dose_mg",
                "200 mg SC once weekly: billed as 200 mg (maintenance dose)",
            ),
        ],
    ),
    (
        "no price for the administration code",
        office(),
        {"prices": {"J0490": "12.50"}},
        [("price-missing", "$.prices", "no price given for 96365")],
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "options", "expected"), MORE_CASES, ids=[c[0] for c in MORE_CASES]
)
def test_claim_level_finding_texts(
    name: str, data: dict[str, Any], options: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    claim = claim_of(data, **options)
    found = [(f.code, f.path, f.message) for f in claim.findings if f.code != "products-from-plan"]
    assert expected == found


ORDER = "the order: drug, dose (mg), route and frequency"
DIAGNOSIS = (
    "the diagnosis supporting medical necessity (SLE or lupus nephritis, with organ involvement "
    "where billed)"
)
NDCS = "the NDC and number of each vial or device used"


def test_what_the_record_must_show() -> None:
    assert (
        ORDER,
        DIAGNOSIS,
        "the patient's weight on the date of service",
        NDCS,
        "infusion start and stop times (they support the administration codes)",
        "the amount discarded (37 mg) and that it was discarded",
        "the prior authorization on file",
    ) == claim_of(office()).documentation
    assert (
        ORDER,
        DIAGNOSIS,
        "the patient's weight on the date of service",
        NDCS,
        "infusion start and stop times (they support the administration codes)",
        "that no billable amount was discarded (supports JZ where required)",
    ) == claim_of(office(patient__weight_kg="63.4", prior_authorization=None)).documentation
    assert (
        ORDER,
        DIAGNOSIS,
        "that SC administration in the clinic was medically needed",
        NDCS,
        "that no billable amount was discarded (supports JZ where required)",
        "the prior authorization on file",
    ) == claim_of(sc()).documentation
    no_weight = office(prior_authorization=None)
    del no_weight["patient"]["weight_kg"]  # no dose, so no vials: nothing said about waste
    assert (
        ORDER,
        DIAGNOSIS,
        "the patient's weight on the date of service",
        NDCS,
        "infusion start and stop times (they support the administration codes)",
    ) == claim_of(no_weight).documentation


def test_line_check_paths_and_texts() -> None:
    """Findings about one line point at that line (line 2 is ``$.lines[1]``); an unknown modifier
    that is not letters and digits is shown as ``(value)``, a long one cut to four characters."""
    claim = claim_of(office())
    plan = units.plan_vials(claim.dose_mg or 0)
    lines = list(claim.lines)
    assert ("J0490", ("JW",)) == (lines[1].code, lines[1].modifiers)
    lines[1] = attrs.evolve(
        lines[1], modifiers=("JW", "Q!", "ZZZZZ9", "JG", "TB"), charge=Decimal("1.005")
    )
    found = [
        (f.code, f.path, f.message)
        for f in checks.check_lines(None, lines, policy.MEDICARE_PART_B, plan)
    ]
    assert [
        ("modifier-unknown", "$.lines[1]", "modifier (value) is not known"),
        ("modifier-unknown", "$.lines[1]", "modifier ZZZZ is not known"),
        ("modifier-jg-tb", "$.lines[1]", "the line carries both JG and TB"),
        ("modifier-count", "$.lines[1]", "5 modifiers; a line holds 4"),
        ("charge-precision", "$.lines[1]", "charge 1.005 has more than 2 decimals"),
    ] == found


def test_an_ndc_quantity_of_four_decimals_is_named_with_its_line() -> None:
    claim = claim_of(office())
    lines = list(claim.lines)
    lines[0] = attrs.evolve(lines[0], ndc_quantity=Decimal("6.0005"))
    plan = units.plan_vials(claim.dose_mg or 0)
    found = [
        (f.path, f.message)
        for f in checks.check_lines(None, lines, policy.MEDICARE_PART_B, plan)
        if f.code == "ndc-quantity-precision"
    ]
    assert [("$.lines[0]", "NDC quantity 6.0005 has more than 3 decimals")] == found
    lines[0] = attrs.evolve(lines[0], ndc_quantity=Decimal("6.000"))  # trailing zeros are not
    codes = [f.code for f in checks.check_lines(None, lines, policy.MEDICARE_PART_B, plan)]
    assert "ndc-quantity-precision" not in codes
