"""The parties of a claim, as the X12 and FHIR exports need them.

:func:`from_encounter` gathers them from an encounter and reports every missing piece at once, with its
JSON path.
"""

from __future__ import annotations

import attrs

from benlysta_coding.encounter import (
    Clinician,
    Encounter,
    Insurance,
    Patient,
    Provider,
    Receiver,
    Submitter,
)
from benlysta_coding.errors import InvalidInput, Problem

__all__ = ["Parties", "from_encounter"]


@attrs.frozen(kw_only=True)
class Parties:
    """Submitter, receiver, billing provider, patient (who is the subscriber), payer and, for
    institutional claims, the attending physician."""

    submitter: Submitter
    receiver: Receiver
    billing_provider: Provider
    patient: Patient
    insurance: Insurance
    attending: Clinician | None = None
    """The attending physician, written in 837I loop 2310A when given."""


def from_encounter(encounter: Encounter) -> Parties:
    """Return the parties of an encounter, or raise listing every missing one with its path."""
    if not isinstance(encounter, Encounter):
        raise TypeError("encounter: expected a benlysta_coding.encounter.Encounter")
    problems = [
        Problem(f"$.{name}", "missing", f"required for this export ({what})")
        for name, what in (
            ("submitter", "the X12 submitter: name, id, contact_name, phone"),
            ("receiver", "the X12 receiver: name, id"),
            ("billing_provider", "name, npi, tax_id, address"),
            ("insurance", "payer_name, payer_id"),
        )
        if getattr(encounter, name) is None
    ]
    patient = encounter.patient
    for name in ("first_name", "last_name", "member_id", "address"):
        if not getattr(patient, name):
            problems.append(Problem(f"$.patient.{name}", "missing", "required for this export"))
    submitter, receiver = encounter.submitter, encounter.receiver
    provider, insurance = encounter.billing_provider, encounter.insurance
    if problems or submitter is None or receiver is None or provider is None or insurance is None:
        raise InvalidInput(problems)
    return Parties(
        submitter=submitter,
        receiver=receiver,
        billing_provider=provider,
        patient=patient,
        insurance=insurance,
        attending=encounter.attending,
    )
