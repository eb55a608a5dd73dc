"""Patient details for one printout: held in memory, printed on the PDF, never stored."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PatientDetails:
    """Name, ID and weight for the printout header; any may be empty (a blank box is printed).

    ``weight`` is text already checked by the caller (``ketaref.dosing.units.parse_weight``),
    e.g. "70 kg". The fields are left out of ``repr`` so a stray log line or traceback never
    shows them.
    """

    name: str = field(default="", repr=False)
    patient_id: str = field(default="", repr=False)
    weight: str = field(default="", repr=False)
