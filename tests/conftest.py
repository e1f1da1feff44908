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


def pytest_configure(config: object) -> None:
    """``BENLYSTA_RULE_OFF=CODE`` (scripts/rule_deletions.py) switches one rule off for the whole
    run, where the registry's settings are applied to every claim built and where the public check
    functions hand out their findings, mandatory rules included: a run in which no test fails means
    no test notices that rule."""
    del config
    code = os.environ.get("BENLYSTA_RULE_OFF")
    if not code:
        return
    from benlysta_coding import build, findings

    assert code in findings.RULES, f"BENLYSTA_RULE_OFF: {code} is not a rule"
    applied = findings.apply_settings

    def without(found: object, settings: object) -> object:
        kept = applied(found, settings)  # type: ignore[arg-type]
        return [f for f in kept if f.code != code]

    setattr(build, "apply_settings", without)  # noqa: B010 - where the claim builder applies them
    from benlysta_coding import checks

    for name in ("check_lines", "diagnosis_findings"):
        function = getattr(checks, name)

        def filtered(*args: object, _function: object = function, **kwargs: object) -> object:
            return [f for f in _function(*args, **kwargs) if f.code != code]  # type: ignore[operator]

        setattr(checks, name, filtered)
