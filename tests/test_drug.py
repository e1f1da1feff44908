"""A second drug from a drug file, with no code change: anifrolumab (Saphnelo) billed end to end.

The NDC is a placeholder (the library ships no anifrolumab facts); the rest is the drug file of the
issue "Drugs and payers as data files" and the how-to "Bill another drug".
"""

from __future__ import annotations

import ast
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.claim import Claim as FHIRClaim

from benlysta_coding import drug, encounter, findings, parties, products, units
from benlysta_coding.build import build_claim
from benlysta_coding.claim import Claim
from benlysta_coding.cli import main
from benlysta_coding.errors import InvalidFormat, InvalidInput, NotSupported, OutOfRange
from benlysta_coding.export import fhir, forms, x12
from benlysta_coding.stages import build_claims
from tests.helpers import TODAY, hospital, office
from tests.x12check import own_checks, pyx12_errors

ANIFROLUMAB = """\
name = "anifrolumab"          # what --drug and the encounter key "drug" name
brand = "Saphnelo"
hcpcs = "J0491"
unit_mg = "1"                 # mg per billing unit
min_age_years = 18

[[presentations]]
ndc = "00310-3040-00"         # any layout the ndc module reads
strength_mg = "300"
volume_ml = "2"
route = "iv"                  # iv | sc
form = "vial"                 # vial | prefilled-syringe | autoinjector
ndc_unit = "UN"               # UN | ML: the NDC quantity unit on the claim line

[[regimens]]
route = "iv"
indication = "sle"            # the drug's own names, any string
dose = "300 mg"               # flat; or per weight, "10 mg/kg"
every_weeks = 4
# "M05*" or "M05.*": M05 and every code under it
diagnoses = ["M32.1*", "M32.8", "M32.9"]
administration = "infusion"   # infusion (96365/96366) | injection (96372/96401)
"""
PRICES = {"J0491": "1.25", "96365": "150", "96366": "40"}
BELIMUMAB_TEXT = re.compile(r"J0490|benlysta|belimumab|49401|lupus.nephritis|Q2044", re.I)


@pytest.fixture(scope="module")
def drug_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("drugs") / "anifrolumab.toml"
    path.write_text(ANIFROLUMAB, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def saphnelo(drug_file: Path) -> drug.Drug:
    return drug.load(drug_file)


def record(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, "drug": "anifrolumab", "infusion_minutes": 35, **changes}


def built(saphnelo: drug.Drug, data: dict[str, Any]) -> tuple[Claim, parties.Parties]:
    read = encounter.from_dict(data, drugs=drug.registry([saphnelo]))
    return build_claim(read, prices=PRICES, today=TODAY), parties.from_encounter(read)


def test_the_file_loads_as_a_drug(saphnelo: drug.Drug) -> None:
    assert ("anifrolumab", "J0491", "1", 18) == (
        saphnelo.name,
        saphnelo.hcpcs.code,
        str(saphnelo.unit_mg),
        saphnelo.min_age_years,
    )
    (regimen,) = saphnelo.regimens
    assert (Decimal(300), None, 4) == (regimen.dose_mg, regimen.mg_per_kg, regimen.interval_weeks)
    assert saphnelo.supports("M32.14")
    assert saphnelo.supports("M32.1")
    assert saphnelo.supports("M32.9")
    assert not saphnelo.supports("M32.0")
    assert not saphnelo.supports("M05.9")
    assert ["00310304000"] == [p.ndc11 for p in saphnelo.iv_vials]


def test_an_adult_sle_infusion_bills_the_flat_dose_in_every_format(saphnelo: drug.Drug) -> None:
    claim, who = built(saphnelo, record(office()))
    assert () == claim.errors
    assert [("J0491", ("JZ",), 300), ("96365", (), 1)] == [
        (line.code, line.modifiers, line.units) for line in claim.lines
    ]
    assert "N400310304000 UN1" == str(claim.lines[0].claim_ndc)
    assert 300 == claim.dose_mg
    assert "anifrolumab" == claim.drug.name
    assert "dose-assumed" in [f.code for f in claim.findings]
    text = x12.render_837(claim, who, x12.Envelope(control_number=5))
    assert [] == pyx12_errors(text)
    own_checks(text)
    assert "SV1*HC:J0491:JZ*375*UN*300***1:2~" in text
    assert "LIN**N4*00310304000~" in text
    assert "CTP****1*UN~" in text
    institutional, who_i = built(
        saphnelo, record(hospital(), indication="sle", diagnoses=["M32.13"])
    )
    assert ["J0491", "96365"] == [line.code for line in institutional.lines]
    text_i = x12.render_837(institutional, who_i, x12.Envelope(control_number=6))
    assert [] == pyx12_errors(text_i)
    own_checks(text_i)
    resource = fhir.claim_resource(claim, who)
    FHIRClaim.model_validate_json(fhir.dumps(resource))
    detail = resource["item"][0]["detail"][0]
    assert "00310304000" == detail["productOrService"]["coding"][0]["code"]
    outputs = [
        text,
        text_i,
        fhir.dumps(resource),
        json.dumps(claim.to_dict()),
        json.dumps(institutional.to_dict()),
        repr(forms.cms1500(claim)),
        repr(forms.ub04(institutional)),
    ]
    assert [] == [
        BELIMUMAB_TEXT.findall(output) for output in outputs if BELIMUMAB_TEXT.search(output)
    ]
    assert Claim.from_dict(claim.to_dict(), drugs=drug.registry([saphnelo])) == claim


def test_a_child_and_an_unlisted_diagnosis_are_findings_in_the_drugs_terms(
    saphnelo: drug.Drug,
) -> None:
    child, _ = built(
        saphnelo, record(office(), patient={**office()["patient"], "birth_date": "2013-01-01"})
    )
    # a warning, as for belimumab (use outside the label is a coverage question); a payer
    # policy's [rules] or rules= makes it an error
    (young,) = [f for f in child.findings if f.code == "patient-under-5"]
    assert "the minimum age for anifrolumab is 18" in young.message
    assert "Saphnelo is indicated from 18 years of age" in young.fix
    other, _ = built(saphnelo, record(office(), diagnoses=["M32.0"]))
    (unsupported,) = [f for f in other.errors if f.code == "dx-no-sle"]
    assert "supports anifrolumab (M32.1*, M32.8, M32.9)" in unsupported.message
    for made in (child, other):
        assert not BELIMUMAB_TEXT.search(json.dumps(made.to_dict()))


def test_a_route_the_drug_has_no_product_for_is_an_error(saphnelo: drug.Drug) -> None:
    data = record(office(), route="sc", payer="commercial", infusion_minutes=None)
    claim, _ = built(saphnelo, data)
    assert "route-no-product" in [f.code for f in claim.errors]
    assert [] == [line for line in claim.lines if line.code == "J0491"]


def test_a_dose_given_is_checked_against_the_flat_dose(saphnelo: drug.Drug) -> None:
    claim, _ = built(saphnelo, record(office(), dose_mg="150"))
    (far,) = [f for f in claim.findings if f.code == "dose-far-from-label"]
    assert "differs from the labeled 300 mg" in far.message
    assert "mg/kg" not in far.message
    same, _ = built(saphnelo, record(office(), dose_mg="300"))
    assert "dose-far-from-label" not in [f.code for f in same.findings]


def test_an_unknown_drug_name_lists_the_loaded_ones(saphnelo: drug.Drug) -> None:
    with pytest.raises(InvalidInput, match=r"\$\.drug: expected 'belimumab' or 'anifrolumab'"):
        encounter.from_dict(record(office(), drug="saphnelo"), drugs=drug.registry([saphnelo]))
    with pytest.raises(InvalidInput, match=r"\$\.drug: expected 'belimumab' \(the drugs loaded\)"):
        encounter.from_dict(record(office()))
    with pytest.raises(InvalidInput, match=r"\$\.indication: expected one of 'sle' \["):
        encounter.from_dict(
            record(office(), indication="lupus_nephritis"), drugs=drug.registry([saphnelo])
        )


def test_build_claims_batch_and_the_command_line_bill_the_file(
    saphnelo: drug.Drug, drug_file: Path, tmp_path: Path
) -> None:
    data = [record(office(), claim_id=f"A-{n}") for n in range(3)] + [office(claim_id="B-1")]
    registry = drug.registry([saphnelo])
    read = [encounter.from_dict(item, drugs=registry) for item in data]
    made = list(build_claims(read, prices=PRICES, today=TODAY))
    assert ["J0491"] * 3 + ["J0490"] == [claim.lines[0].code for claim in made]
    lines = tmp_path / "visits.jsonl"
    lines.write_text("\n".join(json.dumps(item) for item in data) + "\n")
    prices = [f"--price={code}={price}" for code, price in {**PRICES, "J0490": "12.5"}.items()]
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["batch", str(lines), "--format", "837p", "--drug", str(drug_file), *prices], out, err
    )
    assert (0, "4 claim(s) written, 0 line(s) with problems\n") == (status, err.getvalue())
    assert 3 == out.getvalue().count("SV1*HC:J0491")
    assert "SV1*HC:J0490*" in out.getvalue()
    assert [] == pyx12_errors(out.getvalue())
    single = tmp_path / "one.json"
    single.write_text(json.dumps(data[0]))
    out = io.StringIO()
    assert 0 == main(
        ["claim", str(single), "--format", "837p", "--drug", str(drug_file), *prices], out, err
    )
    assert "SV1*HC:J0491:JZ*375*UN*300***1:2~" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert 2 == main(["claim", str(single)], out, err)
    assert "$.drug: expected 'belimumab'" in err.getvalue()


def test_the_dask_path_bills_the_file(saphnelo: drug.Drug, tmp_path: Path) -> None:
    dask_bag = pytest.importorskip("dask.bag")
    from benlysta_coding.distributed import write_837_partitions

    records = [json.dumps(record(office(), claim_id=f"D-{n}")) for n in range(3)]
    bag = dask_bag.from_sequence(records, npartitions=2)
    report = write_837_partitions(
        bag, tmp_path, prices=PRICES, first_control_number=1, scheduler="synchronous",
        drugs=[saphnelo],
    )  # fmt: skip
    assert (3, ()) == (sum(f.claims for f in report.files), report.rejected)
    for written in report.files:
        text = Path(written.path).read_text()
        assert [] == pyx12_errors(text)
        assert "SV1*HC:J0491:JZ*375*UN*300" in text
    refused = write_837_partitions(
        bag, tmp_path / "none", prices=PRICES, first_control_number=1, scheduler="synchronous"
    )
    assert 3 == len(refused.rejected)
    assert all("$.drug: expected 'belimumab'" in r.reason for r in refused.rejected)


def test_a_bad_drug_file_reports_every_problem_naming_the_file_and_key(tmp_path: Path) -> None:
    bad = (
        ANIFROLUMAB.replace('hcpcs = "J0491"', 'hcpcs = "J491"')
        .replace('route = "iv"                  # iv', 'route = "im"                  # iv')
        .replace('dose = "300 mg"', 'dose = "300 mcg"')
        + 'colour = "blue"\n'
    )
    bad = bad.replace('colour = "blue"\n', "")
    bad = 'colour = "blue"\n' + bad
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    with pytest.raises(InvalidInput) as caught:
        drug.load(path)
    found = [(p.path, p.code) for p in caught.value.problems]
    assert {
        ("bad.toml: hcpcs", "invalid-value"),
        ("bad.toml: presentations[0].route", "invalid-value"),
        ("bad.toml: regimens[0].dose", "invalid-value"),
        ("bad.toml: colour", "unknown-key"),
    } <= set(found)
    assert "'iv', 'sc'" in str(caught.value)
    path.write_text("name = [")
    with pytest.raises(InvalidInput, match=r"bad\.toml: not valid TOML: "):
        drug.load(path)
    with pytest.raises(InvalidInput, match=r"missing\.toml: cannot read the file"):
        drug.load(tmp_path / "missing.toml")


def test_the_how_to_shows_the_file_these_tests_bill() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "drugs.rst").read_text()
    after = page.split(":caption: anifrolumab.toml\n\n", 1)[1].splitlines()
    block = []
    for line in after:
        if line and not line.startswith("   "):
            break
        block.append(line.removeprefix("   "))
    assert ANIFROLUMAB == "\n".join(block).strip() + "\n"


def test_belimumab_is_the_shipped_file() -> None:
    assert drug.load(products.BELIMUMAB_FILE) == drug.BELIMUMAB
    assert ("belimumab", "Benlysta", 5) == (
        drug.BELIMUMAB.name,
        drug.BELIMUMAB.brand,
        drug.BELIMUMAB.min_age_years,
    )


BUILD_MODULES = (
    "claim",
    "build",
    "stages",
    "edits",
    "lines",
    "checks",
    "encounter",
    "_pipeline",
    "distributed",
)
EXPORT_MODULES = ("x12", "forms", "fhir", "text", "parties")


def _literals(path: Path) -> list[str]:
    """The string literals of a module, docstrings and comments aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            docstrings.add(id(node.value))  # an attribute docstring
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_belimumab_fact_is_written_in_the_build_and_export_code() -> None:
    root = Path(drug.__file__).parent
    files = [root / f"{name}.py" for name in BUILD_MODULES]
    files += [root / "export" / f"{name}.py" for name in EXPORT_MODULES]
    facts = re.compile(
        r"J0490|Benlysta(?!_coding)|BENLYSTA|belimumab|49401|M32\.|lupus|(?<![-\w])(sle|SLE)\b"
        r"|Q2044"
    )
    found = {
        path.name: hits
        for path in files
        if (
            hits := [
                text
                for text in _literals(path)
                if facts.search(text) and text not in findings.RULES  # a rule code names no fact
            ]
        )
    }
    assert {} == found


PRESENTATION = ANIFROLUMAB.split("[[regimens]]")[0].split("[[presentations]]")[1]
BAD_FILES = [
    ('hcpcs = "J0491"', 'hcpcs = "J0490"', "unit_mg", "10 (the unit of J0490)"),
    ('name = "anifrolumab"', 'name = "Anif Rolumab"', "name", "lower-case letters"),
    (
        "min_age_years = 18",
        'min_age_years = 18\ndiagnosis_category = "M3"',
        "diagnosis_category",
        "'M32'",
    ),
    ('indication = "sle"', 'indication = "S L E"', "regimens[0].indication", "lower-case"),
    ('"M32.8", "M32.9"]', '"M32.8", "XYZ"]', "regimens[0].diagnoses", "patterns"),
    (
        "every_weeks = 4",
        "every_weeks = 4\nloading_weeks = [1, 2]",
        "regimens[0].loading_weeks",
        "starting at 0",
    ),
    (
        "every_weeks = 4",
        'every_weeks = 4\nloading_dose = "5 mg/kg"',
        "regimens[0].loading_dose",
        "flat dose",
    ),
    (
        'administration = "infusion"',
        'administration = "injection"',
        "regimens[0].administration",
        "'infusion' for route 'iv'",
    ),
    (
        "every_weeks = 4",
        'every_weeks = 4\ndevices = ["pump"]',
        "regimens[0].devices",
        "'autoinjector'",
    ),
    (
        "min_age_years = 18",
        'min_age_years = 18\ndefault_sc_ndc = "00310-3040-00"',
        "default_sc_ndc",
        "SC presentation",
    ),
    (
        "[[regimens]]",
        "[[presentations]]" + PRESENTATION + "[[regimens]]",
        "presentations",
        "each NDC once",
    ),
    ('route = "iv"\nindication', 'route = "sc"\nindication', "regimens", "route 'sc'"),
    ('diagnoses = ["M32.1*", "M32.8", "M32.9"]', "", "indications.sle", "at least one diagnosis"),
    (
        "min_age_years = 18",
        "min_age_years = 18\n[indications]\nsle = [1]",
        "indications.sle",
        "patterns",
    ),
    (
        "min_age_years = 18",
        'min_age_years = 18\ninjection_code = "99999"',
        "injection_code",
        "'96372', '96401'",
    ),
    (
        "min_age_years = 18",
        'min_age_years = 18\ninfusion_families = ["fast"]',
        "infusion_families",
        "'therapeutic'",
    ),
    (
        'ndc_unit = "UN"',
        'ndc_unit = "UN"\nper_carton = 0',
        "presentations[0].per_carton",
        "1 to 1000",
    ),
    ('ndc = "00310-3040-00"', 'ndc = "123"', "presentations[0].ndc", "layout"),
    ('strength_mg = "300"', "strength_mg = 300.0", "presentations[0].strength_mg", "as text"),
    ('dose = "300 mg"', 'dose = "0 mg"', "regimens[0].dose", "'300 mg'"),
    (
        "min_age_years = 18",
        'min_age_years = 18\n[misleading_diagnoses."N05.9"]\nwhy = "x"\nindication = "sle"\n'
        'finding = "no-such-rule"',
        'misleading_diagnoses."N05.9".finding',
        "dx-",
    ),
    (
        "min_age_years = 18",
        'min_age_years = 18\n[not_indicated]\n"M32.0" = 5',
        'not_indicated."M32.0"',
        "why",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "key", "accepted"), BAD_FILES, ids=[c[2] for c in BAD_FILES]
)
def test_each_bad_key_is_named_with_what_is_accepted(
    old: str, new: str, key: str, accepted: str, tmp_path: Path
) -> None:
    assert old in ANIFROLUMAB
    path = tmp_path / "drug.toml"
    path.write_text(ANIFROLUMAB.replace(old, new, 1))
    with pytest.raises(InvalidInput) as caught:
        drug.load(path)
    shown = {p.path: p.message for p in caught.value.problems}
    assert f"drug.toml: {key}" in shown, shown
    assert accepted in shown[f"drug.toml: {key}"]


def test_the_regimen_choice_refuses_what_the_file_does_not_cover(saphnelo: drug.Drug) -> None:
    with pytest.raises(InvalidFormat, match="indication: expected 'sle'"):
        saphnelo.regimen_for("iv", "lupus_nephritis", 40)
    with pytest.raises(NotSupported, match="no SC regimen for sle"):
        saphnelo.regimen_for("sc", "sle", 40)
    with pytest.raises(OutOfRange, match="Saphnelo is indicated from 18 years of age"):
        saphnelo.regimen_for("iv", "sle", 12)
    assert Decimal(300) == saphnelo.regimen_for("iv", "sle", 40).dose_mg
    assert saphnelo.iv_mg_per_kg is None
    with pytest.raises(NotSupported, match="no weight-based IV dose"):
        units.plan_table(["70"], drug=saphnelo)
