"""Broken, tampered and hostile packs, each built from a copy of the real one.

Every case goes through the command line's entry point (``ketaref content validate DIR``): exit 1,
every problem as ``FILE:LINE:COL: message`` naming the right file and line, no traceback, and the
pack left exactly as it was. They run in this process (a child would only add its start-up); a
few run as ``python -m ketaref`` too, end to end, as a user runs them.
"""

from __future__ import annotations

import os
import shutil
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ketaref.content.format.pack import load_pack
from ketaref.content.format.problems import ContentError
from ketaref.content.format.yaml_source import MAX_VALUES, DataPath, parse
from tests.content.packs import (
    CHECKLIST,
    CONTRAINDICATIONS,
    MANIFEST,
    PROTOCOL,
    SOURCES,
    add_manifest_entry,
    cut_top_level_block,
    drop_key,
    edit,
    force_seal,
    insert_beside,
    line_of,
    one_about,
    refused,
    run_cli,
    run_cli_in_process,
    set_value,
    value_line,
)


@dataclass(frozen=True)
class Expected:
    """The problem a broken pack must produce: file, line (None: the file as a whole), words,
    and the column where that matters."""

    file: str
    line: int | None
    fragment: str
    column: int | None = None


CASES: dict[str, Callable[[Path], Expected]] = {}


def case(function: Callable[[Path], Expected]) -> Callable[[Path], Expected]:
    """Register a way to break a pack; it returns the problem that must be reported."""
    CASES[function.__name__] = function
    return function


def breaks(pack: Path, name: str, old: str, new: str, needle: str, fragment: str) -> Expected:
    """Edit, re-record the hashes, and expect ``fragment`` on the line holding ``needle``."""
    edit(pack, name, old, new)
    force_seal(pack)
    return Expected(name, line_of(pack, name, needle), fragment)


def changes(pack: Path, name: str, path: DataPath, written: str, fragment: str) -> Expected:
    """Write ``written`` as the value at ``path``, re-record the hashes, expect ``fragment``
    on that line."""
    line = set_value(pack, name, path, written)
    force_seal(pack)
    return Expected(name, line, fragment)


#: Places in the bundled SPRAVATO files every edit below starts from (structure, not wording).
FIRST_ADMINISTRATION = ("administration", 0)
PER_DEVICE = ("dosing", "regimens", 0, "per_device", "value")
SECOND_ALLOWED_DOSE = ("dosing", "regimens", 0, "allowed_doses", 1, "value")
HIGHEST_DOSE_OPTIONS = ("dosing", "regimens", 0, "local_highest_dose", "options")
FIRST_SOURCE = ("sources", 0)


# --- YAML that is not plain data ---------------------------------------------------------------


@case
def truncated_file(pack: Path) -> Expected:
    line = value_line(pack, PROTOCOL, (*FIRST_ADMINISTRATION, "text"))
    lines = (pack / PROTOCOL).read_text(encoding="utf-8").splitlines(keepends=True)
    cut = "".join(lines[: line - 1]) + lines[line - 1][: lines[line - 1].index('"') + 12]
    (pack / PROTOCOL).write_text(cut, encoding="utf-8")
    force_seal(pack)
    return Expected(PROTOCOL, line, "cut short")


@case
def empty_file(pack: Path) -> Expected:
    (pack / CHECKLIST).write_bytes(b"")
    force_seal(pack)
    return Expected(CHECKLIST, 1, "is empty")


@case
def only_comments(pack: Path) -> Expected:
    (pack / CHECKLIST).write_text("# nothing here yet\n", encoding="utf-8")
    force_seal(pack)
    return Expected(CHECKLIST, 1, "is empty")


@case
def tab_indentation(pack: Path) -> Expected:
    line = value_line(pack, PROTOCOL, FIRST_ADMINISTRATION)
    lines = (pack / PROTOCOL).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = "\t" + lines[line - 1].lstrip(" ")
    (pack / PROTOCOL).write_text("".join(lines), encoding="utf-8")
    force_seal(pack)
    return Expected(PROTOCOL, line, "tab")


@case
def duplicate_key(pack: Path) -> Expected:
    return breaks(
        pack,
        PROTOCOL,
        "route: intranasal",
        "route: intranasal\nroute: oral",
        "route: oral",
        "appears twice",
    )


@case
def anchor_and_alias(pack: Path) -> Expected:
    return breaks(
        pack,
        PROTOCOL,
        "route: intranasal",
        "route: &r intranasal\nsynonyms_again: *r",
        "&r",
        "anchors are not allowed",
    )


@case
def alias_without_anchor(pack: Path) -> Expected:
    return breaks(pack, PROTOCOL, "route: intranasal", "route: *r", "route: *r", "alias")


@case
def alias_bomb(pack: Path) -> Expected:
    rows = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    (pack / PROTOCOL).write_text("\n".join(rows) + "\n", encoding="utf-8")
    force_seal(pack)
    return Expected(PROTOCOL, 1, "anchor")


@case
def python_object_tag(pack: Path) -> Expected:
    marker = pack.parent / "pwned"
    return breaks(
        pack,
        PROTOCOL,
        "route: intranasal",
        f'route: !!python/object/apply:os.system ["touch {marker}"]',
        "route: !!python",
        "tags are not allowed",
    )


@case
def custom_tag(pack: Path) -> Expected:
    return breaks(
        pack, CHECKLIST, "pause_point: during", "pause_point: !pause during", "!pause", "tag !pause"
    )


@case
def merge_key(pack: Path) -> Expected:
    return breaks(
        pack, PROTOCOL, "route: intranasal", "route: intranasal\n<<: {}", "<<", "merge keys"
    )


@case
def two_documents(pack: Path) -> Expected:
    text = (pack / CONTRAINDICATIONS).read_text(encoding="utf-8")
    (pack / CONTRAINDICATIONS).write_text(text + "---\nid: again\n", encoding="utf-8")
    force_seal(pack)
    return Expected(CONTRAINDICATIONS, text.count("\n") + 1, "more than one YAML document")


@case
def list_at_top(pack: Path) -> Expected:
    (pack / CHECKLIST).write_text("- id: spravato-session\n", encoding="utf-8")
    force_seal(pack)
    return Expected(CHECKLIST, 1, "mapping of keys to values")


@case
def not_utf8(pack: Path) -> Expected:
    raw = (pack / PROTOCOL).read_bytes().replace(b"route: intranasal", b"route: intran\xe4sal")
    (pack / PROTOCOL).write_bytes(raw)
    force_seal(pack)
    return Expected(PROTOCOL, line_of_bytes(raw, b"intran\xe4sal"), "not UTF-8")


@case
def deep_block_nesting(pack: Path) -> Expected:
    text = "".join("  " * level + f"k{level}:\n" for level in range(60)) + "  " * 60 + "end\n"
    (pack / PROTOCOL).write_text(text, encoding="utf-8")
    force_seal(pack)
    return Expected(PROTOCOL, 41, "nested more than 40 levels")


@case
def deep_flow_nesting(pack: Path) -> Expected:
    (pack / PROTOCOL).write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    force_seal(pack)
    return Expected(PROTOCOL, 1, "nested more than 40 levels")


@case
def eight_megabytes(pack: Path) -> Expected:
    (pack / PROTOCOL).write_bytes(b"id: spravato-trd\n# " + b"x" * (8 * 1024 * 1024) + b"\n")
    force_seal(pack)
    return Expected(PROTOCOL, None, "larger than the 1024 KiB limit")


@case
def ten_megabytes_on_one_line(pack: Path) -> Expected:
    # One line, no line break anywhere: a reader that looks for the end of a line first never
    # finds one. The size cap refuses it unread.
    (pack / PROTOCOL).write_bytes(b'title: "' + b"A" * (10 * 1000 * 1000) + b'"')
    force_seal(pack)
    return Expected(PROTOCOL, None, "larger than the 1024 KiB limit")


@case
def too_many_values(pack: Path) -> Expected:
    values_before = len(parse((pack / PROTOCOL).read_bytes()).value_marks) + 1  # and the list
    rows = "".join(f"  - synonym {n}\n" for n in range(30_000))
    with (pack / PROTOCOL).open("a", encoding="utf-8") as stream:
        stream.write(f"more_synonyms:\n{rows}")
    force_seal(pack)
    first_too_many = MAX_VALUES + 1 - values_before - 1  # counted from 0
    return Expected(PROTOCOL, line_of(pack, PROTOCOL, f"- synonym {first_too_many}"), "more than")


# --- YAML 1.1 surprises: values other tools would not read as text ------------------------------


@case
def unquoted_no(pack: Path) -> Expected:
    return breaks(pack, PROTOCOL, "route: intranasal", "route: no", "route: no", "yes/no value")


@case
def sexagesimal_time(pack: Path) -> Expected:
    return changes(pack, PROTOCOL, (*FIRST_ADMINISTRATION, "locator"), "1:30", "quotes")


@case
def octal_looking_number(pack: Path) -> Expected:
    return changes(pack, PROTOCOL, (*FIRST_ADMINISTRATION, "locator"), "013", "quotes")


@case
def unquoted_decimal(pack: Path) -> Expected:
    return changes(pack, PROTOCOL, PER_DEVICE, "0.5", "quotes")


# --- model: types, keys, values -----------------------------------------------------------------


@case
def number_for_text(pack: Path) -> Expected:
    return changes(pack, PROTOCOL, ("indication",), "12", "must be text, not the number 12")


@case
def text_for_list(pack: Path) -> Expected:
    edit(pack, PROTOCOL, "\nsynonyms:", '\nsynonyms: "Spravato"\nold_synonyms:')
    force_seal(pack)
    return Expected(PROTOCOL, line_of(pack, PROTOCOL, 'synonyms: "Spravato"'), "must be a list")


@case
def unknown_key(pack: Path) -> Expected:
    return breaks(
        pack,
        PROTOCOL,
        "route: intranasal",
        "route: intranasal\nroutes: oral",
        "routes:",
        "unknown key “routes”",
    )


@case
def missing_key(pack: Path) -> Expected:
    drop_key(pack, PROTOCOL, ("indication",))
    force_seal(pack)
    return Expected(PROTOCOL, 1, "the key “indication” is missing")


@case
def statement_without_locator(pack: Path) -> Expected:
    drop_key(pack, PROTOCOL, ("population", 0, "locator"))
    force_seal(pack)
    line = value_line(pack, PROTOCOL, ("population", 0))
    return Expected(PROTOCOL, line, "population #1: the key “locator” is missing")


@case
def blank_locator(pack: Path) -> Expected:
    return changes(pack, PROTOCOL, (*FIRST_ADMINISTRATION, "locator"), '"  "', "must not be empty")


@case
def unknown_regimen_kind(pack: Path) -> Expected:
    return breaks(
        pack,
        PROTOCOL,
        "kind: fixed-device",
        "kind: fixed",
        "kind: fixed",
        "kind “fixed” is not one of",
    )


@case
def unknown_status(pack: Path) -> Expected:
    return breaks(
        pack,
        PROTOCOL,
        "regulatory_status: fda-approved-labelling",
        "regulatory_status: approved",
        "regulatory_status",
        "use one of: fda-approved-labelling",
    )


@case
def bad_id_spelling(pack: Path) -> Expected:
    return changes(
        pack, SOURCES, (*FIRST_SOURCE, "id"), "Spravato_Label", "lowercase ASCII letters"
    )


@case
def date_as_number(pack: Path) -> Expected:
    return changes(pack, SOURCES, (*FIRST_SOURCE, "retrieved"), "20261125", "YYYY-MM-DD")


@case
def impossible_date(pack: Path) -> Expected:
    return changes(pack, SOURCES, (*FIRST_SOURCE, "retrieved"), "2026-13-01", "not a date")


@case
def http_url(pack: Path) -> Expected:
    return changes(pack, SOURCES, (*FIRST_SOURCE, "url"), "http://example.org/label", "https://")


# --- cross-references ---------------------------------------------------------------------------


@case
def unknown_source(pack: Path) -> Expected:
    path = ("status_statement", "source")
    return changes(pack, PROTOCOL, path, "no-such-source", "“no-such-source”, which is not in")


@case
def unknown_checklist(pack: Path) -> Expected:
    return changes(
        pack, PROTOCOL, ("checklist",), "spravato-sesion", "no checklist “spravato-sesion”"
    )


@case
def unknown_contraindication_list(pack: Path) -> Expected:
    return changes(
        pack,
        PROTOCOL,
        ("contraindications", 0),
        "spravato-contraindication]",
        "no contraindication list “spravato-contraindication”",
    )


@case
def contraindication_list_named_twice(pack: Path) -> Expected:
    twice = "[spravato-contraindications, spravato-contraindications]"
    line = set_value(pack, PROTOCOL, ("contraindications",), twice)
    force_seal(pack)
    return Expected(PROTOCOL, line, "names a list twice")


@case
def clinic_protocol_without_checklist(pack: Path) -> Expected:
    drop_key(pack, PROTOCOL, ("checklist",))
    force_seal(pack)
    # The problem sits where the links are written: at the contraindications link beside it.
    return Expected(PROTOCOL, line_of(pack, PROTOCOL, "contraindications:"), "needs a checklist")


@case
def id_not_file_name(pack: Path) -> Expected:
    return breaks(
        pack,
        PROTOCOL,
        "id: spravato-trd",
        "id: spravato-trd-2",
        "id: spravato-trd-2",
        "must match the file name",
    )


@case
def duplicate_item_id(pack: Path) -> Expected:
    shutil.copy(pack / PROTOCOL, pack / "protocols/spravato-session.yaml")
    edit(pack, "protocols/spravato-session.yaml", "id: spravato-trd", "id: spravato-session")
    force_seal(pack)
    return Expected(
        "protocols/spravato-session.yaml", 1, "also used by checklists/spravato-session.yaml"
    )


@case
def duplicate_source_id(pack: Path) -> Expected:
    first, second = (value_line(pack, SOURCES, ("sources", n)) for n in (0, 1))
    lines = (pack / SOURCES).read_text(encoding="utf-8").splitlines(keepends=True)
    (pack / SOURCES).write_text("".join(lines + lines[first - 1 : second - 1]), encoding="utf-8")
    force_seal(pack)
    return Expected(SOURCES, len(lines) + 1, "appears twice")


@case
def research_protocol_says_recommended(pack: Path) -> Expected:
    cut_top_level_block(pack, PROTOCOL, "dosing")
    set_value(pack, PROTOCOL, ("regulatory_status",), "research-only")
    sentence = '"Recommended for adults in the studies this protocol describes."'
    line = set_value(pack, PROTOCOL, ("population", 0, "text"), sentence)
    force_seal(pack)
    return Expected(PROTOCOL, line, "never say “recommended”")


# --- ISMP: quantities and prose ------------------------------------------------------------------


def _quantity(pack: Path, written: str, fragment: str) -> Expected:
    return changes(pack, PROTOCOL, PER_DEVICE, f'"{written}"', fragment)


@case
def naked_decimal(pack: Path) -> Expected:
    return _quantity(pack, ".5 mg", "leading zero")


@case
def trailing_zero(pack: Path) -> Expected:
    return _quantity(pack, "28.0 mg", "trailing zero")


@case
def no_space_before_unit(pack: Path) -> Expected:
    return _quantity(pack, "28mg", "one space")


@case
def microgram_sign(pack: Path) -> Expected:
    return _quantity(pack, "28 µg", "mcg")


@case
def cubic_centimetre(pack: Path) -> Expected:
    return _quantity(pack, "2 cc", "mL")


@case
def units_abbreviated(pack: Path) -> Expected:
    return _quantity(pack, "2 U", "units")


@case
def unknown_unit(pack: Path) -> Expected:
    return _quantity(pack, "28 grains", "unknown unit")


@case
def hyphen_range(pack: Path) -> Expected:
    line = insert_beside(pack, PROTOCOL, ("schedule", 0, "phase"), 'dose_range: "56-84 mg"')
    force_seal(pack)
    return Expected(PROTOCOL, line, "en dash")


def _prose(pack: Path, written: str, fragment: str) -> Expected:
    path = (*FIRST_ADMINISTRATION, "text")
    return changes(pack, PROTOCOL, path, f'"Each device delivers {written}."', fragment)


@case
def prose_naked_decimal(pack: Path) -> Expected:
    return _prose(pack, ".5 mg", "leading zero")


@case
def prose_trailing_zero(pack: Path) -> Expected:
    return _prose(pack, "5.0 mg", "trailing zero")


@case
def prose_no_space(pack: Path) -> Expected:
    return _prose(pack, "5mg", "one space")


@case
def prose_microgram_sign(pack: Path) -> Expected:
    return _prose(pack, "28 µg", "write mcg")


@case
def prose_cc(pack: Path) -> Expected:
    return _prose(pack, "0.2 cc", "write mL")


@case
def prose_units(pack: Path) -> Expected:
    return _prose(pack, "10 U", "units")


@case
def prose_hyphen_range(pack: Path) -> Expected:
    return _prose(pack, "28-56 mg", "en dash")


@case
def fixed_dose_in_mg_per_kg(pack: Path) -> Expected:
    return changes(pack, PROTOCOL, SECOND_ALLOWED_DOSE, '"84 mg/kg"', "fixed dose must be in mg")


@case
def mg_in_a_mg_per_kg_regimen(pack: Path) -> Expected:
    cut_top_level_block(pack, PROTOCOL, "dosing")
    source = parse((pack / PROTOCOL).read_bytes()).data["status_statement"]["source"]
    # Test data only (0.5 mg/kg over 40 minutes, as in the APA consensus statement), with the
    # standard dose written in mg where the regimen doses in mg/kg.
    regimen = f"""dosing:
  regimens:
    - kind: weight-based
      name: "Infusion"
      dose_unit: mg/kg
      standard_dose:
        value: "0.5 mg"
        text: "The consensus statement calls 0.5 mg/kg over 40 minutes the standard dose."
        source: {source}
        locator: "page"
      duration_limits:
        accepted: {{value: "1–60 min", site_defined: "Input check for typing errors."}}
  weight_limits:
    refuse_below: "2 kg"
    refuse_above: "300 kg"
    basis: "Input check for typing errors."
"""
    with (pack / PROTOCOL).open("a", encoding="utf-8") as stream:
        stream.write(regimen)
    force_seal(pack)
    return Expected(PROTOCOL, line_of(pack, PROTOCOL, "standard_dose:"), "mix-up")


# --- amounts of zero (issue 15, F14) -------------------------------------------------------------

IV_PROTOCOL = "protocols/iv-ketamine-trd.yaml"
IV_RANGE = ("dosing", "regimens", 0, "allowed_range", "value")


@case
def zero_per_device(pack: Path) -> Expected:
    return _quantity(pack, "0 mg", "more than zero")


@case
def zero_dose_in_the_schedule(pack: Path) -> Expected:
    return changes(pack, PROTOCOL, SECOND_ALLOWED_DOSE, '"0 mg"', "more than zero")


@case
def range_from_zero(pack: Path) -> Expected:
    return changes(pack, IV_PROTOCOL, IV_RANGE, '"0–0.75 mg/kg"', "write “up to 0.75 mg/kg”")


@case
def ceiling_of_zero(pack: Path) -> Expected:
    return changes(pack, IV_PROTOCOL, IV_RANGE, '"up to 0 mg/kg"', "more than zero")


@case
def zero_weight_limit(pack: Path) -> Expected:
    path = ("dosing", "weight_limits", "refuse_below")
    return changes(pack, IV_PROTOCOL, path, '"0 kg"', "more than zero")


# --- characters a reader cannot see, or that turn text around (F15, F16) -------------------------


def _hidden(pack: Path, path: DataPath, written: str, character: str) -> Expected:
    line = set_value(pack, PROTOCOL, path, f'"{written}"')
    force_seal(pack)
    column = (pack / PROTOCOL).read_text(encoding="utf-8").splitlines()[line - 1].index(character)
    return Expected(PROTOCOL, line, f"U+{ord(character):04X}", column + 1)


@case
def zero_width_space_in_a_dose(pack: Path) -> Expected:
    text = "Each device delivers 5.0\u200b mg/kg."
    return _hidden(pack, (*FIRST_ADMINISTRATION, "text"), text, "\u200b")


@case
def full_width_digits_in_a_dose(pack: Path) -> Expected:
    # Its normal form would read "5.0 mg/kg": refused as written, quoted as typed.
    return _prose(
        pack, "５.０ mg/kg", "in “Each device delivers ５.０ mg/kg.”, a digit other than 0–9"
    )


@case
def right_to_left_override_in_the_title(pack: Path) -> Expected:
    return _hidden(pack, ("title",), "SPRAVATO \u202egk/gm 48", "\u202e")


@case
def bidi_isolate_in_a_locator(pack: Path) -> Expected:
    return _hidden(pack, (*FIRST_ADMINISTRATION, "locator"), "\u2067Section 2\u2069", "\u2067")


@case
def superscript_in_a_checklist_item(pack: Path) -> Expected:
    path = ("sections", 0, "items", 0, "text")
    line = set_value(pack, CHECKLIST, path, '"Check 10⁶ things."')
    force_seal(pack)
    return Expected(CHECKLIST, line, "U+2076 SUPERSCRIPT SIX")


# --- lengths and ids (F27, F29) -------------------------------------------------------------------


@case
def title_of_200000_characters(pack: Path) -> Expected:
    return changes(
        pack, PROTOCOL, ("title",), '"' + "A" * 200_000 + '"', "limit for this text is 200"
    )


@case
def statement_of_3000_characters(pack: Path) -> Expected:
    text = '"' + "Words. " * 428 + 'End."'
    return changes(
        pack, PROTOCOL, (*FIRST_ADMINISTRATION, "text"), text, "limit for this text is 2000"
    )


@case
def id_of_65_characters(pack: Path) -> Expected:
    return changes(pack, SOURCES, (*FIRST_SOURCE, "id"), "a" * 65, "limit for this text is 64")


@case
def cyrillic_letter_in_an_id(pack: Path) -> Expected:
    return changes(
        pack,
        SOURCES,
        (*FIRST_SOURCE, "id"),
        "spr\u0430vato",
        "“\u0430” (U+0430 CYRILLIC SMALL LETTER A)",
    )


@case
def cyrillic_letter_in_a_file_name(pack: Path) -> Expected:
    renamed = "protocols/spravato-tr\u0434.yaml"
    (pack / PROTOCOL).rename(pack / renamed)
    edit(pack, renamed, "id: spravato-trd", "id: spravato-tr\u0434")
    force_seal(pack)
    line = line_of(pack, MANIFEST, renamed)
    return Expected(MANIFEST, line, "holds “\u0434” (U+0434 CYRILLIC SMALL LETTER DE)")


# --- the manifest and the files it lists ---------------------------------------------------------


@case
def byte_changed_after_sealing(pack: Path) -> Expected:
    raw = bytearray((pack / PROTOCOL).read_bytes())
    raw[raw.index(b"intranasal")] = ord("I")
    (pack / PROTOCOL).write_bytes(bytes(raw))
    return Expected(PROTOCOL, None, "changed after sealing")


@case
def line_added_after_sealing(pack: Path) -> Expected:
    with (pack / CHECKLIST).open("a", encoding="utf-8") as stream:
        stream.write("# an afterthought\n")
    return Expected(CHECKLIST, None, "changed after sealing")


@case
def unlisted_file(pack: Path) -> Expected:
    shutil.copy(pack / PROTOCOL, pack / "protocols/extra.yaml")
    return Expected("protocols/extra.yaml", None, "not listed")


@case
def listed_file_missing(pack: Path) -> Expected:
    (pack / CONTRAINDICATIONS).unlink()
    return Expected(CONTRAINDICATIONS, None, "is missing")


@case
def parent_path_in_manifest(pack: Path) -> Expected:
    (pack.parent / "outside.yaml").write_text("id: outside\n", encoding="utf-8")
    line = add_manifest_entry(pack, "../outside.yaml")
    return Expected(MANIFEST, line, "leaves the pack")


@case
def absolute_path_in_manifest(pack: Path) -> Expected:
    line = add_manifest_entry(pack, "/etc/ketaref.yaml")
    return Expected(MANIFEST, line, "leaves the pack")


@case
def manifest_lists_itself(pack: Path) -> Expected:
    line = add_manifest_entry(pack, "manifest.yaml")
    return Expected(MANIFEST, line, "does not list itself")


@case
def symlinked_file(pack: Path) -> Expected:
    outside = pack.parent / "elsewhere.yaml"
    shutil.copy(pack / PROTOCOL, outside)
    (pack / PROTOCOL).unlink()
    (pack / PROTOCOL).symlink_to(outside)
    return Expected(PROTOCOL, None, "symbolic link")


@case
def symlinked_folder(pack: Path) -> Expected:
    outside = pack.parent / "elsewhere"
    shutil.move(pack / "checklists", outside)
    (pack / "checklists").symlink_to(outside, target_is_directory=True)
    return Expected(CHECKLIST, None, "folder that is a symbolic link")


@case
def fifo_listed(pack: Path) -> Expected:
    os.mkfifo(pack / "protocols/pipe.yaml")
    add_manifest_entry(pack, "protocols/pipe.yaml")
    return Expected("protocols/pipe.yaml", None, "special file")


@case
def folder_where_a_file_should_be(pack: Path) -> Expected:
    (pack / CONTRAINDICATIONS).unlink()
    (pack / CONTRAINDICATIONS).mkdir()
    return Expected(CONTRAINDICATIONS, None, "is a folder")


@case
def nested_folder(pack: Path) -> Expected:
    (pack / "protocols/old/older").mkdir(parents=True)
    shutil.copy(pack / PROTOCOL, pack / "protocols/old/older/spravato-trd.yaml")
    return Expected("protocols/old", None, "does not belong in a pack")


@case
def manifest_float_version(pack: Path) -> Expected:
    line = set_value(pack, MANIFEST, ("content_version",), "2026.11")
    return Expected(MANIFEST, line, "quotes")


@case
def manifest_unquoted_dotted_version(pack: Path) -> Expected:
    line = set_value(pack, MANIFEST, ("content_version",), "2026.11.0.1.2")
    return Expected(MANIFEST, line, "dotted whole numbers")


@case
def manifest_without_sources(pack: Path) -> Expected:
    text = (pack / MANIFEST).read_text(encoding="utf-8")
    start = text.index("  sources.yaml:")
    (pack / MANIFEST).write_text(text[:start] + text[start:].split("\n", 3)[3], encoding="utf-8")
    return Expected(MANIFEST, line_of(pack, MANIFEST, "files:"), "does not list sources.yaml")


@case
def manifest_eight_megabytes(pack: Path) -> Expected:
    with (pack / MANIFEST).open("a", encoding="utf-8") as stream:
        stream.write("# " + "x" * (8 * 1024 * 1024) + "\n")
    return Expected(MANIFEST, None, "larger than the 1024 KiB limit")


@case
def manifest_symlinked(pack: Path) -> Expected:
    shutil.move(pack / MANIFEST, pack.parent / MANIFEST)
    (pack / MANIFEST).symlink_to(pack.parent / MANIFEST)
    return Expected(MANIFEST, None, "symbolic link")


@case
def manifest_missing(pack: Path) -> Expected:
    (pack / MANIFEST).unlink()
    return Expected(MANIFEST, None, "is missing")


def line_of_bytes(raw: bytes, needle: bytes) -> int:
    """The 1-based line of ``needle`` in ``raw``."""
    return raw[: raw.index(needle)].count(b"\n") + 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_pack_is_refused_with_file_and_line(name: str, pack_copy: Path) -> None:
    expected = CASES[name](pack_copy)
    reported = refused(pack_copy)
    problem = one_about(reported, expected.fragment, expected.file)
    assert problem.file == expected.file, reported
    # A problem of the whole file (no line of its own) is placed at its start: 1:1.
    assert problem.line == (expected.line or 1), reported
    assert problem.column >= 1 if expected.line else problem.column == 1
    assert problem.column == (expected.column or problem.column), reported
    assert not (pack_copy.parent / "pwned").exists()


#: One case per kind of refusal (YAML safety, a special file, the models), run as a user runs it.
END_TO_END = ["python_object_tag", "fifo_listed", "unknown_source"]


@pytest.mark.parametrize("name", END_TO_END)
def test_broken_pack_is_refused_the_same_by_python_m_ketaref(name: str, pack_copy: Path) -> None:
    expected = CASES[name](pack_copy)
    problem = one_about(refused(pack_copy, in_a_child=True), expected.fragment, expected.file)
    assert problem.line == (expected.line or 1)
    assert not (pack_copy.parent / "pwned").exists()


#: The cases of issue 15 (F14–F16, F27, F29): refused by the loader the app uses, too.
REFUSED_CONTENT = [
    name
    for name in CASES
    if name.startswith(
        (
            "zero_",
            "range_from",
            "ceiling_",
            "full_width",
            "right_to",
            "bidi_",
            "superscript",
            "title_of",
            "statement_of",
            "id_of",
            "cyrillic",
        )
    )
]


@pytest.mark.parametrize("name", REFUSED_CONTENT)
def test_content_the_validator_refuses_is_refused_by_the_loader_too(
    name: str, pack_copy: Path
) -> None:
    expected = CASES[name](pack_copy)
    with pytest.raises(ContentError) as raised:
        load_pack(pack_copy)
    matching = [p for p in raised.value.problems if expected.fragment in p.message]
    assert [(p.file, p.line) for p in matching] == [(expected.file, expected.line)]


def test_every_problem_of_every_file_is_listed(pack_copy: Path) -> None:
    edit(pack_copy, PROTOCOL, "route: intranasal", "route: no")
    edit(pack_copy, CHECKLIST, "pause_point: during", "pause_point: meanwhile")
    edit(pack_copy, SOURCES, "url: https://", "url: http://")
    force_seal(pack_copy)
    shutil.copy(pack_copy / SOURCES, pack_copy / "protocols/stray.yaml")
    reported = refused(pack_copy)
    assert {r.file for r in reported} == {PROTOCOL, CHECKLIST, SOURCES, "protocols/stray.yaml"}


def test_a_file_broken_everywhere_is_reported_in_bounded_words(pack_copy: Path) -> None:
    rows = "".join(f"unknown_{n}: x\n" for n in range(500))
    edit(pack_copy, PROTOCOL, "route: intranasal\n", f"route: intranasal\n{rows}")
    force_seal(pack_copy)
    reported = refused(pack_copy)
    assert len(reported) == 101
    assert "more problems" in reported[-1].message


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    reported = refused(tmp_path / "no-such-pack", in_a_child=True)
    assert "not a folder" in reported[0].message


def test_seal_refuses_a_pack_that_does_not_parse(pack_copy: Path) -> None:
    manifest = (pack_copy / MANIFEST).read_bytes()
    edit(pack_copy, PROTOCOL, "route: intranasal", "route: no")
    reported = refused(pack_copy, "content", "seal")
    assert one_about(reported, "yes/no value").line == line_of(pack_copy, PROTOCOL, "route: no")
    assert (pack_copy / MANIFEST).read_bytes() == manifest


def test_seal_refuses_a_file_that_is_not_content(pack_copy: Path) -> None:
    manifest = (pack_copy / MANIFEST).read_bytes()
    (pack_copy / "protocols/notes.txt").write_text("to do\n", encoding="utf-8")
    reported = refused(pack_copy, "content", "seal")
    assert one_about(reported, "content files are").file == "protocols/notes.txt"
    assert (pack_copy / MANIFEST).read_bytes() == manifest


def test_seal_refuses_a_file_name_that_is_not_an_id(pack_copy: Path) -> None:
    manifest = (pack_copy / MANIFEST).read_bytes()
    shutil.copy(pack_copy / PROTOCOL, pack_copy / "protocols/SPRAVATO copy.yaml")
    reported = refused(pack_copy, "content", "seal")
    assert one_about(reported, "file's name is its id").file == "protocols/SPRAVATO copy.yaml"
    assert (pack_copy / MANIFEST).read_bytes() == manifest


def test_seal_refuses_a_symlinked_file(pack_copy: Path) -> None:
    manifest = (pack_copy / MANIFEST).read_bytes()
    (pack_copy / "protocols/linked.yaml").symlink_to(pack_copy / PROTOCOL)
    reported = refused(pack_copy, "content", "seal", in_a_child=True)
    assert one_about(reported, "symbolic link").file == "protocols/linked.yaml"
    assert (pack_copy / MANIFEST).read_bytes() == manifest


@pytest.mark.parametrize(
    "name",
    [
        "eight_megabytes",
        "manifest_eight_megabytes",
        "alias_bomb",
        "deep_flow_nesting",
        "deep_block_nesting",
        "too_many_values",
    ],
)
def test_hostile_file_is_refused_without_taking_it_in(name: str, pack_copy: Path) -> None:
    """Refused within the limits: the loader never holds as much as the 8 MiB file itself
    (read whole, or an alias bomb expanded, it would). Measured in bytes, not seconds."""
    CASES[name](pack_copy)
    tracemalloc.start()
    try:
        with pytest.raises(ContentError):
            load_pack(pack_copy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_seal_after_an_edit_makes_the_pack_valid_and_keeps_the_manifest_comments(
    pack_copy: Path,
) -> None:
    set_value(pack_copy, MANIFEST, ("content_version",), '"2099.1.0"')
    before = (pack_copy / MANIFEST).read_text(encoding="utf-8")
    with (pack_copy / PROTOCOL).open("a", encoding="utf-8") as stream:
        stream.write("# reviewed the wording\n")
    sealed = run_cli("content", "seal", pack_copy)
    assert sealed.returncode == 0, sealed.stdout + sealed.stderr
    after = (pack_copy / MANIFEST).read_text(encoding="utf-8")
    assert after.split("files:")[0] == before.split("files:")[0]
    assert "files:  # sealed under content_version 2099.1.0\n" in after
    assert after != before
    assert run_cli("content", "validate", pack_copy).returncode == 0
    assert run_cli("content", "seal", pack_copy).returncode == 0
    assert (pack_copy / MANIFEST).read_text(encoding="utf-8") == after
    assert not [p for p in pack_copy.iterdir() if p.name.startswith(".")]


# --- seal: changed content needs a new version (issue 19) --------------------------------------


def _version(pack: Path) -> str:
    return str(parse((pack / MANIFEST).read_bytes()).data["content_version"])


def test_seal_refuses_changed_content_under_the_version_it_was_sealed_under(
    pack_copy: Path,
) -> None:
    version = _version(pack_copy)
    assert run_cli_in_process("content", "seal", pack_copy).returncode == 0  # records the version
    manifest = (pack_copy / MANIFEST).read_bytes()
    set_value(pack_copy, PROTOCOL, SECOND_ALLOWED_DOSE, '"112 mg"')
    # The clinic's highest-dose options are doses the regimen allows: they follow the change.
    set_value(pack_copy, PROTOCOL, HIGHEST_DOSE_OPTIONS, '["56 mg", "112 mg"]')
    reported = refused(pack_copy, "content", "seal")
    problem = one_about(reported, "raise content_version", MANIFEST)
    assert problem.line == line_of(pack_copy, MANIFEST, "content_version:")
    assert f"sealed under content_version “{version}” ({PROTOCOL})" in problem.message
    assert (pack_copy / MANIFEST).read_bytes() == manifest

    same = run_cli_in_process("content", "seal", "--same-version", pack_copy)
    assert same.returncode == 0, same.stdout + same.stderr
    assert _version(pack_copy) == version


def test_seal_accepts_changed_content_under_a_raised_version(pack_copy: Path) -> None:
    assert run_cli_in_process("content", "seal", pack_copy).returncode == 0
    (pack_copy / CONTRAINDICATIONS).unlink()  # a removed file is a change too
    refused(pack_copy, "content", "seal")
    set_value(pack_copy, MANIFEST, ("content_version",), '"2099.1.0"')
    sealed = run_cli_in_process("content", "seal", pack_copy)
    assert sealed.returncode == 0, sealed.stdout + sealed.stderr
    assert "# sealed under content_version 2099.1.0" in (pack_copy / MANIFEST).read_text()
