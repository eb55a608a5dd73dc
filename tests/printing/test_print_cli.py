"""``ketaref print`` as IT scripts and our checks run it: exit codes, no leftovers, no leaks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.content.format.pack import load_pack
from ketaref.dosing.units import DoseInputError
from ketaref.printing.checklist_pdf import build_checklist_pdf
from ketaref.printing.patient import PatientDetails
from tests.printing.pdf_tools import page_count, page_size, pdf_text, pdf_text_in_drawing_order
from tests.processes import as_a_user, end_a_held_write, needs_proc

CANARY = "Quillon Canarybeak"
LIBRARY = load_pack(paths.bundled_content_dir())
WITHOUT_CHECKLIST = [p.id for p in LIBRARY.protocols.values() if p.checklist is None]


def run_print(
    *args: str, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ketaref", "print", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def assert_refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_refused_weight_is_refused_in_the_words_of_the_core(tmp_path: Path) -> None:
    with pytest.raises(DoseInputError) as core:
        build_checklist_pdf(LIBRARY, "iv-ketamine-trd", patient=PatientDetails(weight="900 kg"))
    out = tmp_path / "x.pdf"
    result = run_print("--protocol", "iv-ketamine-trd", "--weight", "900 kg", "--out", str(out))
    assert result.returncode == 2
    assert result.stderr == f"ketaref: --weight: {core.value}\n"
    assert not out.exists()


def test_print_writes_the_checklist(tmp_path: Path) -> None:
    out = tmp_path / "session.pdf"
    result = run_print(
        "--protocol", "spravato-trd", "--out", str(out), "--paper", "letter",
        "--patient-name", CANARY, "--patient-id", "MRN-77", "--weight", "70kg",
        "--date", "2026-12-01", "--clinician", "Nurse Okafor",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert CANARY not in result.stdout + result.stderr
    assert os.listdir(tmp_path) == ["session.pdf"]
    assert page_size(out) == (612, 792)
    text = pdf_text(out, 1)
    for shown in (CANARY, "MRN-77", "70 kg", "2026-12-01", "Nurse Okafor"):
        assert shown in text
    assert f"Page 1 of {page_count(out)}" in text


def test_paper_defaults_to_the_locale(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    out = tmp_path / "us.pdf"
    result = run_print(
        "--protocol", "spravato-trd", "--out", str(out), env=environment | {"LANG": "en_US.UTF-8"}
    )
    assert result.returncode == 0, result.stderr
    assert page_size(out) == (612, 792)
    result = run_print(
        "--protocol", "spravato-trd", "--out", str(out), env=environment | {"LANG": "de_DE.UTF-8"}
    )
    assert page_size(out) == (595, 842)


def test_clinic_name_and_paper_come_from_the_machine_policy(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('clinic_name = "Lakeside Ketamine Service"\ndefault_paper = "letter"\n')
    environment = dict(os.environ) | {"KETAREF_POLICY": str(policy), "LANG": "de_DE.UTF-8"}
    out = tmp_path / "policy.pdf"
    result = run_print("--protocol", "spravato-trd", "--out", str(out), env=environment)
    assert result.returncode == 0, result.stderr
    assert page_size(out) == (612, 792)
    assert "Lakeside Ketamine Service" in pdf_text(out, 1)
    result = run_print(
        "--protocol", "spravato-trd", "--out", str(out), "--paper", "a4", env=environment
    )
    assert page_size(out) == (595, 842)


def test_read_only_folder_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run_print(
            "--protocol", "spravato-trd", "--out", str(folder / "x.pdf"),
            prefix=as_a_user(),
        )  # fmt: skip
        assert_refused(result, "cannot save the checklist")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(
    ("target", "words"),
    [("missing/x.pdf", "does not exist"), (".", "is a folder")],
)
def test_bad_targets_are_refused_and_nothing_is_left(
    tmp_path: Path, target: str, words: str
) -> None:
    (tmp_path / "keep.txt").write_text("already here")
    result = run_print("--protocol", "spravato-trd", "--out", str(tmp_path / target))
    assert_refused(result, words)
    assert os.listdir(tmp_path) == ["keep.txt"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--protocol", "no-such-protocol"), "no protocol “no-such-protocol”"),
        (("--protocol", "spravato-trd", "--weight", "70"), "weight “70”"),
        (("--protocol", "spravato-trd", "--weight", "0 kg"), "weight “0 kg”"),
        (("--protocol", "spravato-trd", "--weight", "5000 kg"), "not a plausible value"),
        # The calculator's weight rule (issue 15, F17): the protocol's own checks, or the pack's.
        (("--protocol", "iv-ketamine-trd", "--weight", "900 kg"), "above 350 kg"),
        (("--protocol", "iv-ketamine-trd", "--weight", "0.001 kg"), "below 20 kg"),
        (("--protocol", "spravato-trd", "--weight", "900 kg"), "above 350 kg"),
        (("--protocol", "spravato-trd", "--weight", "0.001 kg"), "below 20 kg"),
        (("--protocol", "spravato-trd", "--date", "1/12/2026"), "date “1/12/2026”"),
        (("--protocol", "spravato-trd", "--date", "2026-02-30"), "date “2026-02-30”"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    result = run_print(*args, "--out", str(tmp_path / "x.pdf"))
    assert_refused(result, words)
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not WITHOUT_CHECKLIST, reason="the bundled pack has no protocol without one")
@pytest.mark.parametrize("protocol_id", WITHOUT_CHECKLIST)
def test_protocol_without_checklist_is_refused(tmp_path: Path, protocol_id: str) -> None:
    result = run_print("--protocol", protocol_id, "--out", str(tmp_path / "x.pdf"))
    assert_refused(result, "has no session checklist")
    assert os.listdir(tmp_path) == []


def test_patient_name_goes_onto_the_pdf_and_nowhere_else(tmp_path: Path) -> None:
    homes = {
        "HOME": "home",
        "XDG_CONFIG_HOME": "config",
        "XDG_DATA_HOME": "data",
        "XDG_CACHE_HOME": "cache",
        "XDG_STATE_HOME": "state",
        "XDG_RUNTIME_DIR": "runtime",
        "TMPDIR": "tmp",
        "KETAREF_STATE_DIR": "ketaref-state",
    }
    environment = dict(os.environ)
    for variable, name in homes.items():
        (tmp_path / name).mkdir()
        environment[variable] = str(tmp_path / name)
    out_dir = tmp_path / "printouts"
    out_dir.mkdir()
    out = out_dir / "session.pdf"

    result = run_print(
        "--protocol", "spravato-trd", "--out", str(out), "--patient-name", CANARY,
        "--patient-id", "MRN-CANARY-9", env=environment,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    assert CANARY in pdf_text(out)
    assert os.listdir(out_dir) == ["session.pdf"]
    leaks = []
    for name in homes.values():
        for file in (tmp_path / name).rglob("*"):
            if file.is_file():
                content = file.read_bytes()
                if b"Canarybeak" in content or b"MRN-CANARY-9" in content:
                    leaks.append(file)
    assert leaks == []


def test_the_cli_loads_neither_qt_nor_reportlab_nor_pdfium() -> None:
    code = (
        "import sys, ketaref.cli; "
        "print(sorted(m for m in ('PySide6', 'reportlab', 'pypdfium2') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("option", "what"),
    [
        ("--patient-name", "patient name"),
        ("--patient-id", "patient ID"),
        ("--clinician", "clinician"),
    ],
)
def test_an_overlong_field_is_refused_without_quoting_it(
    tmp_path: Path, option: str, what: str
) -> None:
    target = tmp_path / "checklist.pdf"
    typed = "Canary" * 40
    result = run_print("--protocol", "spravato-trd", "--out", str(target), option, typed)
    assert result.returncode == 2
    assert what in result.stderr
    assert "characters its box can hold" in result.stderr
    assert "Canary" not in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@needs_proc
@pytest.mark.parametrize(
    ("signum", "returncode"),
    [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGHUP, -signal.SIGHUP), (signal.SIGINT, 130)],
)
def test_a_signal_mid_write_leaves_no_file_with_the_patient_name(
    tmp_path: Path, signum: int, returncode: int
) -> None:
    out_dir = tmp_path / "printouts"
    out_dir.mkdir()
    code, stderr = end_a_held_write(
        "from ketaref.cli import main; sys.exit(main(sys.argv[2:]))", out_dir, signum,
        "print", "--protocol", "spravato-trd", "--out", str(out_dir / "session.pdf"),
        "--patient-name", CANARY,
    )  # fmt: skip
    assert code == returncode, stderr
    assert "Traceback" not in stderr
    assert list(out_dir.iterdir()) == []


def test_a_255_character_file_name_is_written(tmp_path: Path) -> None:
    name = "checklist-" + "x" * (255 - len("checklist-.pdf")) + ".pdf"
    assert len(name.encode()) == 255
    result = run_print("--protocol", "spravato-trd", "--out", str(tmp_path / name))
    assert result.returncode == 0, result.stderr
    assert os.listdir(tmp_path) == [name]


def test_a_write_removes_temporaries_left_by_an_earlier_one_that_was_killed(
    tmp_path: Path,
) -> None:
    left_over = tmp_path / ".ketaref-k1ll3d_x.part"
    left_over.write_text(CANARY)
    os.utime(left_over, (0, 0))  # long ago
    running_now = tmp_path / ".ketaref-runn1ng0.part"  # another process's write, in progress
    running_now.write_text("in progress")
    not_ours = [tmp_path / ".ketaref-k1ll3d_x.part.kept", tmp_path / ".notes.pdf.abcdefgh.part"]
    for other in not_ours:
        other.write_text("not ketaref's")
        os.utime(other, (0, 0))
    result = run_print("--protocol", "spravato-trd", "--out", str(tmp_path / "session.pdf"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["session.pdf", running_now.name, *(p.name for p in not_ours)]
    )


@pytest.mark.parametrize(
    ("option", "what"),
    [
        ("--patient-name", "patient name"),
        ("--patient-id", "patient ID"),
        ("--clinician", "clinician"),
    ],
)
@pytest.mark.parametrize(
    "hidden",
    ["\a", "\x1b[31m", "\t", "\r", "\n", "\x7f", "\u0085", "\u200b", "\u202e", "\u2066", "\u2028"],
    ids=repr,
)
def test_a_control_character_in_a_typed_field_is_refused(
    tmp_path: Path, option: str, what: str, hidden: str
) -> None:
    target = tmp_path / "checklist.pdf"
    typed = f"Quillon{hidden}Canarybeak"
    result = run_print("--protocol", "spravato-trd", "--out", str(target), option, typed)
    assert_refused(result, f"the {what}")
    assert "control character" in result.stderr
    assert "Canary" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("option", "what"),
    [
        ("--patient-name", "patient name"),
        ("--patient-id", "patient ID"),
        ("--clinician", "clinician's name"),
    ],
)
@pytest.mark.parametrize(
    ("typed", "code", "words"),
    [
        ("Quillon 李 Canarybeak", "U+674E, character 9", "the printout's font cannot show"),
        ("Quillon नमन", "U+0928, character 9", "the printout's font cannot show"),
        ("Quillon ｱ", "U+FF71, character 9", "the printout's font cannot show"),
        ("Quillon עברית", "U+05E2, character 9", "right-to-left writing"),
        ("Quillon محمد", "U+0645, character 9", "right-to-left writing"),
    ],
    ids=["CJK", "Devanagari", "half-width", "Hebrew", "Arabic"],
)
def test_a_character_that_would_not_print_as_typed_is_refused(
    tmp_path: Path, option: str, what: str, typed: str, code: str, words: str
) -> None:
    target = tmp_path / "checklist.pdf"
    result = run_print("--protocol", "spravato-trd", "--out", str(target), option, typed)
    assert_refused(result, f"the {what} contains")
    assert code in result.stderr
    assert words in result.stderr
    assert "write it by hand on the printout" in result.stderr
    assert "Quillon" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_names_in_scripts_the_font_has_print_as_typed(tmp_path: Path) -> None:
    target = tmp_path / "checklist.pdf"
    name = "Zoë Łukasz-Ørsted Şahin Αλέξης Дмитрий"
    result = run_print(
        "--protocol", "spravato-trd", "--out", str(target), "--patient-name", name,
        "--clinician", "Ngô Bảo Châu",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = " ".join(pdf_text_in_drawing_order(target).split())  # a long name wraps in its box
    assert name in text
    assert "Ngô Bảo Châu" in text


def test_a_control_character_in_the_clinic_name_is_refused_by_the_core() -> None:
    from ketaref.printing.checklist_pdf import build_checklist_pdf
    from ketaref.printing.errors import PrintError

    with pytest.raises(PrintError, match="the clinic name contains an invisible control"):
        build_checklist_pdf(LIBRARY, "spravato-trd", clinic_name="Lakeside\x1b[2J Service")


def test_a_character_beyond_what_the_pdf_carries_as_text_is_refused(tmp_path: Path) -> None:
    # DejaVu draws 😀, but reportlab writes its text as U+1F60 ("ὠ"): copied or read aloud,
    # the name would be wrong (outside read).
    out = tmp_path / "sheet.pdf"
    result = run_print("--protocol", "spravato-trd", "--out", str(out), "--patient-name", "Bob 😀")
    assert_refused(result, "(U+1F600, character 5)")
    assert not out.exists()


def test_a_name_typed_with_combining_accents_prints_composed(tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    typed = "Nguye\u0302\u0303n"  # e + circumflex + tilde, as some keyboards send it
    result = run_print("--protocol", "spravato-trd", "--out", str(out), "--patient-name", typed)
    assert result.returncode == 0, result.stderr
    assert "Nguy\u1ec5n" in pdf_text(out)  # one letter, the marks stacked as they should be


def test_every_typed_name_prints_composed(tmp_path: Path) -> None:
    # "e" + a combining acute accent in each typed field: each prints as one letter, "é".
    accent = "\u0301"
    data = build_checklist_pdf(
        LIBRARY,
        "spravato-trd",
        patient=PatientDetails(name=f"Zoe{accent} Martin", patient_id=f"ID-e{accent}-7"),
        clinician=f"Dr Se{accent}verine Roy",
        clinic_name=f"Cafe{accent} Street Clinic",
    )
    out = tmp_path / "sheet.pdf"
    out.write_bytes(data)
    text = pdf_text_in_drawing_order(out)
    for composed in ("Zoé Martin", "ID-é-7", "Dr Séverine Roy", "Café Street Clinic"):
        assert composed in text
    assert accent not in text


# Marks the printout's font has (those it lacks are refused as such before this rule).
@pytest.mark.parametrize("mark", ["\u0334", "\u0336", "\u0338", "\u0489"], ids=ascii)
def test_a_mark_drawn_over_a_typed_name_is_refused(tmp_path: Path, mark: str) -> None:
    # A strike-through or an enclosing circle can make a name read as another; an accent is fine.
    target = tmp_path / "checklist.pdf"
    result = run_print(
        "--protocol", "spravato-trd", "--out", str(target), "--patient-name", f"Quillon{mark}x"
    )
    assert_refused(result, "the patient name")
    assert f"U+{ord(mark):04X}" in result.stderr
    assert "drawn over or around the letters" in result.stderr
    accented = run_print(
        "--protocol", "spravato-trd", "--out", str(target), "--patient-name", "Quille\u0301n"
    )
    assert accented.returncode == 0, accented.stderr
