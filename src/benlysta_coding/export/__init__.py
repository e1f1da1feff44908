"""Exports: a built claim written in the formats payers read.

One module per format; each reads a :class:`~benlysta_coding.claim.Claim` (and, where the format
needs them, the :class:`~benlysta_coding.export.parties.Parties`) and writes it. Exports only format:
they never decide units, modifiers or codes. Import the module you need; none is loaded with the
package.

* :mod:`benlysta_coding.export.x12`: X12 5010 837P (005010X222A1) and 837I (005010X223A2).
* :mod:`benlysta_coding.export.forms`: CMS-1500 item 24 and UB-04 form-locator rows.
* :mod:`benlysta_coding.export.fhir`: an HL7 FHIR R4 ``Claim`` resource as a JSON-ready dict.
"""
