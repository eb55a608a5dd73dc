"""Test-only protocols for the calculator. Every number and source here is invented for tests.

The source ids all start with ``test-`` and cite nothing real; these protocols are never written
into a content pack. They exercise each part of the ``dosing`` model the real pack may use.
"""

from __future__ import annotations

from typing import Any

from ketaref.content.format.model import Protocol


def cited(value: str, source: str = "test-source", locator: str = "test §1") -> dict[str, Any]:
    """A cited quantity with an invented source."""
    return {
        "value": value,
        "text": f"Test-only value {value}.",
        "source": source,
        "locator": locator,
    }


WEIGHT_LIMITS = {
    "refuse_below": "20 kg",
    "warn_below": "40 kg",
    "warn_above": "150 kg",
    "refuse_above": "250 kg",
    "basis": "Test-only plausibility checks on a typed weight.",
}


#: Test-only accepted concentrations; the dilution statement shows at 100 mg/mL.
CONCENTRATION_LIMITS = {
    "accepted": {"value": "0.1–100 mg/mL", "site_defined": "Test-only accepted range."},
    "dilution": {**cited("100 mg/mL", "test-dilution", "test §8"), "at_or_above": "100 mg/mL"},
}
del CONCENTRATION_LIMITS["dilution"]["value"]


def durations(accepted: str, rapid_below: str | None = None) -> dict[str, Any]:
    """Test-only duration limits: an invented cited range, and a rapid-rate warning if given."""
    limits: dict[str, Any] = {"accepted": cited(accepted, "test-durations", "test §9")}
    if rapid_below:
        limits["rapid_below"] = rapid_below
        limits["rapid_below_basis"] = "a test-only threshold"
        limits["rapid_administration"] = {
            "text": "Test-only rapid-administration statement.",
            "source": "test-rapid",
            "locator": "test §10",
        }
    return limits


def make_protocol(*regimens: dict[str, Any], rounding: dict[str, str] | None = None) -> Protocol:
    """A consensus protocol with the given regimens, test weight limits and invented sources."""
    dosing: dict[str, Any] = {
        "regimens": list(regimens),
        "weight_limits": WEIGHT_LIMITS,
        "concentration_limits": CONCENTRATION_LIMITS,
    }
    if rounding:
        dosing["rounding"] = rounding
    return Protocol.model_validate(
        {
            "id": "test-iv",
            "title": "Test-only IV protocol",
            "indication": "Test indication",
            "route": "intravenous",
            "regulatory_status": "consensus-off-label",
            "status_statement": {
                "text": "A test-only protocol.",
                "source": "test-source",
                "locator": "test §0",
            },
            "dosing": dosing,
            "checklist": "test-checklist",
            "contraindications": "test-contraindications",
        },
        strict=False,
    )


#: 0.5 mg/kg over 40 min, range 0.1–0.75 mg/kg, warning above 0.5 mg/kg.
BOLUS_OVER_TIME = {
    "kind": "weight-based",
    "name": "single infusion",
    "dose_unit": "mg/kg",
    "standard_dose": cited("0.5 mg/kg", "test-dose", "test §2"),
    "allowed_range": cited("0.1–0.75 mg/kg", "test-range", "test §3"),
    "warn_above": cited("0.5 mg/kg", "test-warn", "test §4"),
    "standard_duration": cited("40 min", "test-duration", "test §5"),
    "duration_limits": durations("2–100 min", rapid_below="40 min"),
}

#: 0.5–2 mg/kg/h, no standard rate, no standard duration.
RATE_RANGE = {
    "kind": "weight-based",
    "name": "continuous infusion",
    "dose_unit": "mg/kg/h",
    "allowed_range": cited("0.5–2 mg/kg/h", "test-rate-range", "test §6"),
    "duration_limits": durations("0.25–72 h"),
}

#: A bolus of 0.35 mg/kg only (no range, no duration).
FIXED_BOLUS = {
    "kind": "weight-based",
    "name": "bolus",
    "dose_unit": "mg/kg",
    "standard_dose": cited("0.35 mg/kg", "test-bolus", "test §7"),
    "duration_limits": durations("1–60 min", rapid_below="60 min"),
}
