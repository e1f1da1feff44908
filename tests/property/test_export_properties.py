"""Hypothesis-generated encounters through every export, checked by the independent validators."""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal
from typing import Any

import attrs
from fhir.resources.R4B.claim import Claim as FHIRClaim
from hypothesis import given, settings
from hypothesis import strategies as st

from benlysta_coding import encounter, policy
from benlysta_coding.build import build_claim
from benlysta_coding.export import fhir, forms, parties, x12
from benlysta_coding.stages import build_claims
from benlysta_coding.strategies import weights_kg
from tests.helpers import TODAY, clear_caches, hospital, office
from tests.x12check import own_checks, pyx12_errors

NAME = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ '-.", min_size=1, max_size=20).filter(
    lambda s: s.strip() != ""
)
PRICES = st.fixed_dictionaries(
    {
        code: st.decimals(min_value=Decimal("0.01"), max_value=500, places=2)
        for code in ("J0490", "96365", "96366", "96374", "96372")
    }
)


@st.composite
def encounters(draw: st.DrawFn, institutional: bool) -> dict[str, Any]:
    base = hospital if institutional else office
    data = base(
        service_date=draw(st.dates(min_value=dt.date(2016, 1, 1), max_value=TODAY)).isoformat(),
        payer=draw(st.sampled_from(["medicare_part_b", "commercial"])),
        indication="sle",
        diagnoses=draw(
            st.lists(
                st.sampled_from(
                    ["M32.10", "M32.11", "M32.13", "M32.19", "M32.9", "M32.8", "Z79.899"]
                ),
                min_size=0,
                max_size=11,
            ).map(lambda d: ["M32.9", *d])
        ),
        infusion_minutes=draw(st.integers(min_value=16, max_value=300)),
        claim_id=draw(st.text("ABCDEFGHJK0123456789-", min_size=1, max_size=20)),
    )
    if institutional:
        data["setting"] = draw(st.sampled_from(["hospital_outpatient", "critical_access_hospital"]))
    weight = draw(weights_kg())
    data["patient"]["weight_kg"] = str(weight)
    data["patient"]["first_name"] = draw(NAME)
    data["patient"]["last_name"] = draw(NAME)
    if draw(st.booleans()):  # the vials the record says were opened, enough for the dose
        dose = weight * 10
        large = draw(st.integers(min_value=0, max_value=int(dose // 400) + 1))
        short = max(Decimal(0), dose - large * 400)
        small = math.ceil(short / 120) + draw(st.integers(min_value=0, max_value=2))
        data["products_used"] = [
            {"ndc": ndc, "count": count}
            for ndc, count in (("49401-102-01", large), ("49401010101", small))
            if count
        ] or [{"ndc": "49401-101-01", "count": 1 + int(dose // 120)}]
    if data["payer"] == "commercial" and draw(st.booleans()):
        data["subscriber"] = {
            "relationship": draw(st.sampled_from(["spouse", "child", "other"])),
            "first_name": draw(NAME),
            "last_name": draw(NAME),
            "member_id": draw(st.text("ABC0123456789", min_size=2, max_size=80)),
        }
        if draw(st.booleans()):
            data["subscriber"]["address"] = data["patient"]["address"]
            data["subscriber"]["birth_date"] = "1970-01-31"
    if not institutional and draw(st.booleans()):
        data["rendering"] = {"first_name": draw(NAME), "last_name": draw(NAME), "npi": "1003000100"}
    if draw(st.booleans()):
        data["service_facility"] = {
            "name": draw(NAME),
            "address": {"line1": "5 EAST RD", "city": "URBANA", "state": "IL", "zip": "61801"},
        }
    frequency = draw(st.sampled_from(["original", "replacement", "void"]))
    if frequency != "original" and not (data["payer"] == "medicare_part_b" and not institutional):
        data["frequency"] = frequency
        data["payer_claim_number"] = draw(st.text("ABC0123456789-", min_size=1, max_size=50))
    return data


def build(
    data: dict[str, Any], prices: dict[str, Decimal], lines: policy.LinesPerNDC
) -> tuple[Any, parties.Parties]:
    enc = encounter.from_dict(data)
    chosen = attrs.evolve(enc.payer, lines_per_ndc=lines)
    return build_claim(enc, policy=chosen, prices=prices, today=TODAY), parties.from_encounter(enc)


@settings(max_examples=30)
@given(
    st.booleans(),
    st.lists(st.tuples(st.data(), PRICES), min_size=1, max_size=15),
    st.sampled_from(list(policy.LinesPerNDC)),
)
def test_generated_claims_validate_with_pyx12(
    institutional: bool,
    draws: list[tuple[st.DataObject, dict[str, Decimal]]],
    lines: policy.LinesPerNDC,
) -> None:
    items = [build(data.draw(encounters(institutional)), prices, lines) for data, prices in draws]
    first = items[0][1]
    items = [(claim, first) for claim, _ in items]
    out = io.StringIO()
    x12.write_837(iter(items), out, x12.Envelope(claims_per_transaction=4))
    text = out.getvalue()
    assert [] == pyx12_errors(text)
    own_checks(text)


@settings(max_examples=40)
@given(st.data(), st.booleans(), PRICES)
def test_generated_claims_validate_as_fhir_and_forms(
    data: st.DataObject, institutional: bool, prices: dict[str, Decimal]
) -> None:
    claim, who = build(data.draw(encounters(institutional)), prices, policy.LinesPerNDC.ONE_PER_NDC)
    resource = fhir.claim_resource(claim, who, created=TODAY)
    parsed = FHIRClaim.model_validate_json(fhir.dumps(resource))
    assert claim.total_charge == resource["total"]["value"]
    assert resource["total"]["value"] == sum(item["net"]["value"] for item in resource["item"])
    assert parsed.total is not None
    assert len(claim.lines) == len(parsed.item or [])
    if institutional:
        page = forms.ub04(claim)
        assert claim.total_charge == Decimal(page["FL47_total"])
        assert claim.total_charge == sum(Decimal(row["FL47"]) for row in page["rows"])
    else:
        page = forms.cms1500(claim)
        assert claim.total_charge == Decimal(page["item_28"])
        assert all(row["24E"] for row in page["rows"])


@settings(max_examples=25)
@given(st.booleans(), st.lists(st.tuples(st.data(), PRICES), min_size=2, max_size=6))
def test_a_warm_cache_gives_what_a_cold_one_gives(
    institutional: bool, draws: list[tuple[st.DataObject, dict[str, Decimal]]]
) -> None:
    made = [(data.draw(encounters(institutional)), prices) for data, prices in draws]
    envelope = x12.Envelope(control_number=3, created=dt.datetime(2026, 1, 2, 3, 4))

    def run() -> list[tuple[Any, str]]:
        found = []
        for data, prices in made:
            claim, who = build(data, prices, policy.LinesPerNDC.ONE_PER_NDC)
            text = x12.render_837(claim, who, envelope) if not claim.errors else ""
            found.append((claim, text))
        return found

    warm = run()  # the later encounters meet the caches the earlier ones filled
    assert clear_caches() >= 1  # the library has caches to warm (tests/test_layers.py counts them)
    cold = run()
    assert warm == cold
    assert repr(warm) == repr(cold)  # the digits too: Decimal("683.0") == Decimal("683.00")


@settings(max_examples=25)
@given(st.lists(st.tuples(st.data(), st.booleans()), min_size=1, max_size=12), PRICES)
def test_claims_built_in_stages_are_the_claims_built_one_by_one(
    draws: list[tuple[st.DataObject, bool]], prices: dict[str, Decimal]
) -> None:
    read = [encounter.from_dict(data.draw(encounters(kind))) for data, kind in draws]
    one_by_one = [build_claim(enc, prices=prices, today=TODAY) for enc in read]
    assert one_by_one == list(build_claims(read, prices=prices, today=TODAY))
