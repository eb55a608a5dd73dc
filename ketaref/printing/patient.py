"""Patient details for one printout: held in memory, printed on the PDF, never stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from ketaref.printing.errors import PrintError

#: The longest text each header box holds legibly; longer is refused, never cut silently.
MAX_LENGTHS = {"name": 80, "patient_id": 40, "weight": 20}


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

    def __post_init__(self) -> None:
        labels = {"name": "patient name", "patient_id": "patient ID", "weight": "weight"}
        for name, limit in MAX_LENGTHS.items():
            if len(getattr(self, name)) > limit:
                raise PrintError(
                    f"the {labels[name]} is longer than the {limit} characters its box can hold"
                )
