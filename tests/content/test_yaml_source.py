"""The safe YAML reader: plain data comes back as written; anything else is a YamlProblem."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from ketaref.content.format.yaml_source import (
    _SPECIAL_FIRST,
    _YAML11,
    _YAML12_NUMBER,
    Document,
    TextRefused,
    YamlProblem,
    content_text,
    parse,
)


def kept_as_written(text: str) -> bool:
    """Whether content_text keeps ``text`` as it is (the tests below check what it refuses)."""
    try:
        return content_text(text) == text
    except TextRefused:
        return False


# Text content may hold as written: no control, format or separator characters (YAML folds
# line separators), nothing the normal form changes; and not a number to YAML 1.2 tools (PyYAML
# writes "1e3" unquoted, and the reader refuses it: see the test below).
safe_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp")), max_size=20
).filter(lambda text: not _YAML12_NUMBER.match(text) and kept_as_written(text))
keys = safe_text.filter(lambda key: key not in ("", "<<"))
scalars = st.none() | st.booleans() | st.integers() | safe_text
plain_data = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=25,
)


def as_read(value: Any) -> Any:
    """The reader gives lists back as tuples."""
    if isinstance(value, list):
        return tuple(as_read(v) for v in value)
    if isinstance(value, dict):
        return {k: as_read(v) for k, v in value.items()}
    return value


@given(st.dictionaries(keys, plain_data, min_size=1, max_size=5))
@example({"route": "no", "time": "1:30", "octal": "013", "dose": "0.5", "date": "2026-11-25"})
def test_plain_data_dumped_by_pyyaml_reads_back_equal(data: dict[str, Any]) -> None:
    for style in (False, None):
        dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=style)
        assert parse(dumped.encode("utf-8")).data == as_read(data)


@pytest.mark.parametrize("text", ["1e3", "0E0", "0o17", "+.5", "1E+5"])
def test_text_yaml_12_reads_as_a_number_is_refused_even_from_pyyaml(text: str) -> None:
    with pytest.raises(YamlProblem, match="put it in quotes"):
        parse(yaml.safe_dump({"a": text}).encode("utf-8"))


@given(st.binary(max_size=300))
@example(b"\xff\xfe")
@example(b"a: &x [1]\nb: *x\n")
@example(b"\xef\xbb\xbf")
@example(b"? [a]\n: b\n")
def test_arbitrary_bytes_give_a_document_or_a_yaml_problem(raw: bytes) -> None:
    try:
        document = parse(raw)
    except YamlProblem as problem:
        assert problem.message
        assert problem.line is None or problem.line >= 1
    else:
        assert isinstance(document, Document)
        assert isinstance(document.data, dict)


yaml_ish = st.text(alphabet="-:[]{}&*!|>'\"#%@`,?~<= \n\tab01.xyz", max_size=120)


@given(yaml_ish)
@example("a: !!binary aGk=\n")
@example("- [\n")
@example("a: {b: c, b: d}\n")
def test_yaml_like_text_gives_a_document_or_a_yaml_problem(text: str) -> None:
    try:
        parse(text.encode("utf-8"))
    except YamlProblem as problem:
        assert problem.message


def test_marks_point_at_keys_and_values() -> None:
    document = parse(b"id: x\nitems:\n  - text: first\n    source: s\n")
    assert document.key_position(("items", 0, "source")) == (4, 5)
    assert document.position(("items", 0, "source")) == (4, 13)
    # a key that is not there is located at its parent
    assert document.position(("items", 0, "locator")) == (3, 5)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (b"a: yes\n", "yes/no value"),
        (b"a: 1:30\n", "number"),
        (b"a: 013\n", "number"),
        (b"a: 0.5\n", "number"),
        (b"a: 1e3\n", "number"),
        (b"a: 0o17\n", "number"),
        (b"a: .inf\n", "number"),
        (b"a: 2026-11-25 10:00:00\n", "date or time"),
    ],
)
def test_yaml_11_surprises_must_be_quoted(text: bytes, fragment: str) -> None:
    with pytest.raises(YamlProblem, match=fragment) as raised:
        parse(text)
    assert raised.value.line == 1
    quoted = text.replace(b": ", b': "', 1).rstrip(b"\n") + b'"\n'
    assert parse(quoted).data


def test_keys_are_checked_like_values() -> None:
    with pytest.raises(YamlProblem, match="yes/no value"):
        parse(b"yes: 1\n")
    assert parse(b'"yes": 1\n').data == {"yes": 1}


def test_a_key_reads_the_same_quoted_or_plain() -> None:
    # The reader skips its checks for a key whose text it has checked before, quoted or not.
    text = b"a:\n  id: x\nb:\n  \"id\": y\n  '<<': z\n"
    assert parse(text).data == {"a": {"id": "x"}, "b": {"id": "y", "<<": "z"}}
    with pytest.raises(YamlProblem, match="appears twice") as raised:
        parse(b'a: 1\nid: x\n"id": y\n')
    assert raised.value.line == 3


def test_plain_dates_and_whole_numbers_are_allowed() -> None:
    assert parse(b"released: 2026-11-25\nbytes: 4592\nflag: true\nnothing:\n").data == {
        "released": "2026-11-25",
        "bytes": 4592,
        "flag": True,
        "nothing": None,
    }


def test_the_fast_path_knows_every_first_character_yaml_11_resolves() -> None:
    # Plain scalars starting with any other character are taken as text without the resolver.
    assert None not in _YAML11.yaml_implicit_resolvers
    assert set(_YAML11.yaml_implicit_resolvers) == _SPECIAL_FIRST


# --- what every content text may hold ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "character", "column"),
    [
        ("5.0\u200b mg/kg", "U+200B ZERO WIDTH SPACE", 12),
        ("Dose \u202eGK/GM 5", "U+202E RIGHT-TO-LEFT OVERRIDE", 14),
        ("Dose \u2066isolated\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE", 14),
        ("ab\u00adcd", "U+00AD SOFT HYPHEN", 11),
        ("é then \u200d", "U+200D ZERO WIDTH JOINER", 16),
        ("10\u2076 cells", "U+2076 SUPERSCRIPT SIX", 11),
        ("\u00bd tablet", "U+00BD VULGAR FRACTION ONE HALF", 9),
        ("\u0665 mg", "U+0665 ARABIC-INDIC DIGIT FIVE", 9),
        ("fill\u3164er", "U+3164 HANGUL FILLER", 13),
    ],
)
def test_a_hidden_or_turning_character_is_refused_where_it_is_written(
    written: str, character: str, column: int
) -> None:
    raw = f'id: x\ntitle: "{written}"\n'.encode()
    for marks in (False, True):
        with pytest.raises(YamlProblem, match=re.escape(f"“title” holds {character}")) as raised:
            parse(raw, marks=marks)
        assert (raised.value.line, raised.value.column) == (2, column)


def test_a_character_written_as_an_escape_is_refused_at_its_text() -> None:
    with pytest.raises(YamlProblem, match=re.escape("U+200B ZERO WIDTH SPACE")) as raised:
        parse(b'id: x\nlist:\n  - "5.0\\u200b mg"\n')
    assert (raised.value.line, raised.value.column) == (3, 5)


@pytest.mark.parametrize("style", ["|", "|-", ">", ">+"])
def test_a_line_break_in_a_block_value_is_placed_at_the_end_of_its_line(style: str) -> None:
    # Not at the end of the indicator's line, past the last character the file shows there.
    raw = f"id: x\nteam: {style}\n  one\n\n  two\n".encode()
    with pytest.raises(YamlProblem, match=re.escape("U+000A LINE FEED")) as raised:
        parse(raw)
    assert (raised.value.line, raised.value.column) == (3, 6)


@pytest.mark.parametrize(
    ("raw", "character"),
    [
        (b'a: "x\ty"\n', "U+0009 CHARACTER TABULATION"),
        (b"a: |\n  one\n  two\n", "U+000A LINE FEED"),
        ('"ke\u200by": 1\n'.encode(), "U+200B"),
    ],
)
def test_controls_and_hidden_characters_in_keys_are_refused(raw: bytes, character: str) -> None:
    with pytest.raises(YamlProblem, match=re.escape(character)):
        parse(raw)


def test_compatibility_forms_are_read_as_their_normal_form() -> None:
    # A no-break space and a full-width letter reach the checks as what they are.
    document = parse("a: 5.0\u00a0mg\nｂ: ok\n".encode())
    assert document.data == {"a": "5.0 mg", "b": "ok"}


def test_full_width_digits_are_refused_as_written_not_read_as_0_to_9() -> None:
    # Their normal form is 0–9, so "５.０ mg" was read, and quoted back, as "5.0 mg".
    with pytest.raises(YamlProblem) as raised:
        parse("a: ５.０ mg\n".encode())
    assert "holds U+FF15 FULLWIDTH DIGIT FIVE in “５.０ mg”" in raised.value.message
    assert "type the number with the digits 0–9" in raised.value.message
    assert (raised.value.line, raised.value.column) == (1, 4)


@given(st.text(max_size=30))
@example("\u200b")
@example("Ａ\u0301")
def test_content_text_is_normal_or_refused(text: str) -> None:
    try:
        cleaned = content_text(text)
    except TextRefused as refused:
        assert 0 <= refused.index < len(text)
        assert refused.message.startswith("holds U+")
    else:
        assert unicodedata.is_normalized("NFKC", cleaned)
        assert cleaned.isprintable()
        assert all(c.isascii() or unicodedata.category(c) != "Nd" for c in cleaned)
