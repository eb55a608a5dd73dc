"""Safe YAML reading with line marks, for content files a person edited by hand.

Built on libyaml's event stream (fast, and no YAML constructor ever runs), this reader accepts
only plain data — mappings with text keys, sequences, text, whole numbers, ``true``/``false`` and
``null`` — and refuses what hides surprises: anchors and aliases (and so alias bombs), explicit
tags, merge keys, duplicate keys, more than one document, deep nesting, too many values, and
plain scalars that YAML 1.1 or 1.2 tools would read as something else (``no`` → false,
``1:30`` → 90, ``013`` → 11, ``0.5`` and ``1e3`` → numbers): those must be quoted.

Every text (key or value) is read as its NFKC normal form, so full-width digits or a no-break
space reach the notation checks as the digits and space they look like; characters a reader
cannot see or that turn text around (zero-width, bidirectional controls, other control and
format characters) are refused, naming the character and where it is (``content_text``).

It can record where each key and value sits, so a problem found later can name its line and
column.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml
from yaml import events

from ketaref.content.format.quantity import OTHER_DIGIT, other_digit

try:  # libyaml is in every PyYAML wheel; the pure-Python parser is the fallback.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover
    from yaml import Loader as _Parser  # type: ignore[assignment]

MAX_DEPTH = 40
#: Scalars, lists and mappings one file may hold (spravato-trd.yaml holds about 500).
MAX_VALUES = 20_000
DataPath = tuple[str | int, ...]

_INT = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_YAML11 = yaml.resolver.Resolver()
#: Numbers YAML 1.2 tools read where YAML 1.1 sees text: 1e3, 0o17, .inf and the like.
_YAML12_NUMBER = re.compile(
    r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"
    r"|^0o[0-7]+$|^0x[0-9a-fA-F]+$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)
_KIND_WORDS = {
    "bool": "a yes/no value",
    "int": "a number",
    "float": "a number",
    "null": "empty",
    "timestamp": "a date or time",
}
#: libyaml's wording → what an author should look for.
_PARSER_WORDS = {
    "found unexpected end of stream": "the file ends in the middle of a value; is it cut short?",
    "exceeded maximum nesting depth": f"is nested more than {MAX_DEPTH} levels deep",
    "mapping values are not allowed here": (
        "a “: ” where a value was expected; put text that holds “: ” in quotes"
    ),
    "could not find expected ':'": "a line without “key: value” where one was expected",
    "found unexpected ':'": "a “:” that does not belong; put the text in quotes",
}


#: General categories no content text may hold: controls (tab and line breaks included), format
#: characters (zero-width, joiners, bidirectional controls), private use, surrogates, unassigned
#: code points, and line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
#: Characters that turn the direction of text (all of them are format characters too).
_BIDI_CONTROLS = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
#: Characters of other categories that show nothing: fillers, a joiner, variation selectors.
_INVISIBLE = frozenset(
    {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x2800, 0x3164}
    | {0xFFA0, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}
)
#: Characters other than printable ASCII: the only ones content_text looks at one by one.
_NOT_PLAIN_ASCII = re.compile(r"[^\x20-\x7e]")
#: Compatibility forms whose normal form reads as another number (10⁶ → 106, ½ → 1⁄2).
_NUMBER_CHANGING_FORMS = ("<super>", "<sub>", "<fraction>")
#: Names Python's unicodedata does not know (controls have aliases only).
_CONTROL_NAMES = {
    "\t": "CHARACTER TABULATION (a tab)",
    "\n": "LINE FEED (a line break)",
    "\r": "CARRIAGE RETURN",
    "\x00": "NULL",
    "\x07": "BELL",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
}


class TextRefused(ValueError):
    """A text holding a character no content text may hold, at ``index`` of the text."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


def character_name(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: the code point and its Unicode name."""
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char)
    if name is None:
        name = "(a control character)" if unicodedata.category(char) == "Cc" else "(unnamed)"
    return f"U+{ord(char):04X} {name}"


@cache  # a pack uses a few dozen characters beyond ASCII, over and over
def _character_problem(char: str) -> str | None:
    """Why ``char`` may not stand in content text, or None when it may."""
    if ord(char) in _BIDI_CONTROLS:
        return "a control that turns the direction of text and can reverse what a clinician reads: remove it"
    if unicodedata.category(char) == "Cc":
        return "a control character; write text on one line with ordinary spaces"
    if unicodedata.category(char) in _REFUSED_CATEGORIES or ord(char) in _INVISIBLE:
        return "an invisible or control character that can hide what a clinician reads: remove it"
    if unicodedata.decomposition(char).startswith(_NUMBER_CHANGING_FORMS):
        return "a superscript, subscript or fraction character; write the number in digits 0–9"
    normal = unicodedata.normalize("NFKC", char)
    if unicodedata.category(char) == "Zs" and normal != " ":
        return "an unusual space; write an ordinary space"
    # A full-width ８ or a circled ① would be read as 8 or 1 by its normal form, and quoted back
    # so: refused as typed, as every digit but 0–9 is.
    if other_digit(char):
        return OTHER_DIGIT
    return None


def content_text(value: str) -> str:
    """``value`` in NFKC normal form, as every content text is read.

    Raises TextRefused for a character no content text may hold: invisible characters,
    controls, bidirectional controls, digits of other scripts and number forms (superscripts,
    fractions) whose normal form would read as another number.
    """
    if value.isascii() and value.isprintable():  # nearly every text: nothing to do
        return value
    if not any(map(_character_problem, set(_NOT_PLAIN_ASCII.findall(value)))):
        return unicodedata.normalize("NFKC", value)  # the text itself when it is normal already
    index, char, problem = next(
        (index, char, problem)
        for index, char in enumerate(value)
        if (problem := _character_problem(char))
    )
    if problem == OTHER_DIGIT:  # a number: quoted as typed, so the writer finds it
        raise TextRefused(index, f"holds {character_name(char)} in “{value}”, {problem}")
    raise TextRefused(index, f"holds {character_name(char)}, {problem}")


class YamlProblem(Exception):
    """A file that is not acceptable YAML; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Document:
    """Parsed data plus where each key and value was written."""

    data: Any
    value_marks: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    #: The text the document was read from (kept only where marks were recorded).
    text: str = ""

    def position(self, path: DataPath) -> tuple[int, int] | None:
        """The (line, column) for ``path``: its value, its key, or the nearest parent."""
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            if length == len(path) and prefix in self.value_marks:
                return self.value_marks[prefix]
            if prefix in self.key_marks:
                return self.key_marks[prefix]
            if prefix in self.value_marks:
                return self.value_marks[prefix]
        return None

    def key_position(self, path: DataPath) -> tuple[int, int] | None:
        """The (line, column) of the key that ends ``path``, else as ``position``."""
        return self.key_marks.get(path) or self.position(path)

    def character_position(self, path: DataPath, value: str, index: int) -> tuple[int, int] | None:
        """The (line, column) of ``value[index]``, the text value at ``path``, where it is written
        on one line as it reads: a plain scalar, or a quoted one without escapes. None where the
        written text differs from the value (escapes, a folded or block scalar)."""
        mark = self.value_marks.get(path)
        if mark is None or not self.text:
            return None
        line, column = mark
        lines = _LINE_BREAK.split(self.text)
        written = lines[line - 1][column - 1 :] if line <= len(lines) else ""
        quote = written[:1] if written[:1] in ("'", '"') else ""
        body = written[len(quote) :]
        if not body.startswith(value) or (quote and body[len(value) : len(value) + 1] != quote):
            return None
        return line, column + len(quote) + index


def decode(raw: bytes) -> str:
    """Decode UTF-8 strictly; a bad byte is reported with its line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            line,
            column,
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise YamlProblem("is empty", 1, 1)
    return text


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


#: First characters with which a plain scalar may mean something other than text in YAML 1.1;
#: a scalar starting with any other character is text without asking the resolver.
_SPECIAL_FIRST = frozenset(char for char in _YAML11.yaml_implicit_resolvers if char is not None)


def _resolve_plain(value: str, event: Any) -> Any:
    if not value:
        return None
    if value[0] not in _SPECIAL_FIRST:
        return value
    if value in ("true", "false"):
        return value == "true"
    if value in ("null", "~"):
        return None
    if _INT.match(value):
        return int(value)
    yaml11_tag: str = _YAML11.resolve(  # type: ignore[no-untyped-call]
        yaml.ScalarNode, value, (True, False)
    )
    if yaml11_tag == "tag:yaml.org,2002:timestamp" and _DATE.match(value):
        return value  # an ISO date; the model turns it into a date
    if yaml11_tag == "tag:yaml.org,2002:str" and _YAML12_NUMBER.match(value):
        yaml11_tag = "tag:yaml.org,2002:float"
    if yaml11_tag != "tag:yaml.org,2002:str":
        kind = _KIND_WORDS.get(yaml11_tag.rsplit(":", 1)[-1], "non-text value")
        line, column = _mark(event)
        raise YamlProblem(
            f"“{value}” would be read as {kind} by other YAML tools; put it in quotes",
            line,
            column,
        )
    return value


def _refuse_decorations(event: Any) -> None:
    """Refuse aliases, anchors and tags, which plain data never needs."""
    line, column = _mark(event)
    if isinstance(event, events.AliasEvent):
        raise YamlProblem(
            f"uses the alias *{event.anchor}; aliases are not allowed, write the value out",
            line,
            column,
        )
    if event.anchor is not None:
        raise YamlProblem(
            f"uses the anchor &{event.anchor}; anchors are not allowed, write values out",
            line,
            column,
        )
    tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
    raise YamlProblem(f"uses the tag {tag}; tags are not allowed", line, column)


_Scalar = events.ScalarEvent
_SequenceStart = events.SequenceStartEvent
_SequenceEnd = events.SequenceEndEvent
_MappingStart = events.MappingStartEvent
_MappingEnd = events.MappingEndEvent


class _MarksNeeded(Exception):
    """A problem found without line marks whose message needs them: parse again with marks."""


class _Builder:
    """Builds plain data from libyaml's events, recording where every key and value sits.

    This loop runs once per value of every content file, so it is written for speed: scalars
    are handled without a further call, and only containers recurse (at most MAX_DEPTH deep).
    With ``marks`` off it records no positions at all (the loader's first pass: most files
    have no problem, and a file that has one is read again with marks).
    """

    def __init__(self, raw: bytes, text: str, marks: bool):
        self.parser = _Parser(raw)  # UTF-8 bytes: libyaml reads them without a copy as text
        self.next: Callable[[], Any] = self.parser.get_event
        self.doc = Document(None, text=text if marks else "")
        self.text = text
        self.marks = marks
        self.value_marks = self.doc.value_marks
        self.key_marks = self.doc.key_marks
        self.values = 0
        self.plain_keys: set[str] = set()

    def build(self) -> Document:
        self._expect(self.next(), events.StreamStartEvent)
        start = self.next()
        if isinstance(start, events.StreamEndEvent):
            raise YamlProblem("is empty", 1, 1)
        self._expect(start, events.DocumentStartEvent)
        self.doc.data = self._value(self.next(), (), 0)
        self._expect(self.next(), events.DocumentEndEvent)
        end = self.next()
        if not isinstance(end, events.StreamEndEvent):
            line, column = _mark(end)
            raise YamlProblem("holds more than one YAML document; keep one per file", line, column)
        if not isinstance(self.doc.data, dict):
            raise YamlProblem("must be a mapping of keys to values at the top level", 1, 1)
        return self.doc

    @staticmethod
    def _expect(event: Any, kind: type) -> None:
        if not isinstance(event, kind):
            line, column = _mark(event)
            raise YamlProblem(f"unexpected {type(event).__name__}", line, column)

    @staticmethod
    def _too_many(event: Any) -> None:
        line, column = _mark(event)
        raise YamlProblem(
            f"holds more than {MAX_VALUES:,} values; split it into smaller files",
            line,
            column,
        )

    def _scalar(self, event: Any, path: DataPath) -> Any:
        """The value of an undecorated scalar event, placed at ``path``."""
        self.values += 1
        if self.values > MAX_VALUES:
            self._too_many(event)
        if self.marks:
            mark = event.start_mark
            self.value_marks[path] = (mark.line + 1, mark.column + 1)
        value = event.value
        if event.implicit[0] and not event.style:
            value = _resolve_plain(value, event)
        if type(value) is str and not (value.isascii() and value.isprintable()):
            value = self._content_text(value, event, path)
        return value

    def _content_text(self, value: str, event: Any, path: DataPath) -> str:
        """``value`` as content_text reads it; a refusal names the character's line and column."""
        try:
            return content_text(value)
        except TextRefused as refused:
            if not self.marks:
                raise _MarksNeeded from None
            line, column = _find_character(self.text, event, value[refused.index])
            key = next((part for part in reversed(path) if isinstance(part, str)), None)
            message = f"“{key}” {refused.message}" if key else f"a key {refused.message}"
            raise YamlProblem(message, line, column) from None

    def _value(self, event: Any, path: DataPath, depth: int) -> Any:
        """The value that starts with ``event``, placed at ``path``."""
        kind = type(event)
        if kind is _Scalar and event.anchor is None and event.tag is None:
            return self._scalar(event, path)
        self.values += 1
        if self.values > MAX_VALUES:
            self._too_many(event)
        if (
            kind in (_Scalar, events.AliasEvent)
            or event.anchor is not None
            or event.tag is not None
        ):
            _refuse_decorations(event)  # a decorated scalar or container, or an alias
        if depth >= MAX_DEPTH:
            line, column = _mark(event)
            raise YamlProblem(f"is nested more than {MAX_DEPTH} levels deep", line, column)
        if self.marks:
            self.value_marks[path] = _mark(event)
        if kind is _SequenceStart:
            return self._sequence(path, depth)
        return self._mapping(path, depth)

    def _key(self, event: Any) -> str:
        """The text of a key, refusing what is not plain text; plain keys are remembered."""
        if type(event) is not _Scalar or event.anchor is not None or event.tag is not None:
            if type(event) in (_Scalar, events.AliasEvent):
                _refuse_decorations(event)
            raise YamlProblem("a key must be plain text", *_mark(event))
        key = event.value
        if key == "<<" and not event.style:
            raise YamlProblem("merge keys (<<) are not allowed", *_mark(event))
        plain = event.implicit[0] and not event.style
        if plain:
            key = _resolve_plain(key, event)
        if not isinstance(key, str) or not key:
            raise YamlProblem(f"the key {event.value!r} must be text", *_mark(event))
        if not (key.isascii() and key.isprintable()):
            key = self._content_text(key, event, ())
        if plain:
            self.plain_keys.add(key)  # the same few key names recur all through a file
        return key

    def _sequence(self, path: DataPath, depth: int) -> tuple[Any, ...]:
        items: list[Any] = []
        marks = self.marks
        next_event = self.next
        while type(event := next_event()) is not _SequenceEnd:
            item_path = (*path, len(items)) if marks else path
            if type(event) is _Scalar and event.anchor is None and event.tag is None:
                items.append(self._scalar(event, item_path))  # most items: no deeper call
            else:
                items.append(self._value(event, item_path, depth + 1))
        return tuple(items)

    def _mapping(self, path: DataPath, depth: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        marks = self.marks
        plain_keys = self.plain_keys
        next_event = self.next  # a local: it is called for every key and every value
        while type(event := next_event()) is not _MappingEnd:
            if (
                type(event) is _Scalar
                and event.value in plain_keys
                and event.anchor is None
                and event.tag is None
            ):
                # Text already checked as a plain key in this file: _key would return it
                # unchanged whatever its quoting, so the style need not be looked at.
                key = event.value
            else:
                key = self._key(event)
            if key in mapping:
                if not marks:
                    raise _MarksNeeded
                first = self.key_marks[(*path, key)][0]
                raise YamlProblem(
                    f"the key “{key}” appears twice (first on line {first})", *_mark(event)
                )
            if marks:
                key_path = (*path, key)
                self.key_marks[key_path] = _mark(event)
            else:
                key_path = path
            event = next_event()
            if type(event) is not _Scalar or event.anchor is not None or event.tag is not None:
                mapping[key] = self._value(event, key_path, depth + 1)
                continue
            # Most values are undecorated scalars: _scalar, written out (this is the hot loop).
            self.values += 1
            if self.values > MAX_VALUES:
                self._too_many(event)
            if marks:
                mark: Any = event.start_mark
                self.value_marks[key_path] = (mark.line + 1, mark.column + 1)
            value = event.value
            if event.implicit[0] and not event.style and (not value or value[0] in _SPECIAL_FIRST):
                value = _resolve_plain(value, event)
            if type(value) is str and not (value.isascii() and value.isprintable()):
                value = self._content_text(value, event, (*path, key))
            mapping[key] = value
        return mapping


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _find_character(text: str, event: Any, char: str) -> tuple[int, int]:
    """The (line, column) of ``char`` in the scalar of ``event``; the scalar's start when the
    character was written as an escape (``"\\u200b"``) and so is not in the text itself."""
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
    start, end = event.start_mark, event.end_mark
    begin = starts[start.line] + start.column
    if event.style in ("|", ">") and start.line + 1 < len(starts):
        begin = starts[start.line + 1]  # a block value's text starts below its indicator line
    offset = text.find(char, begin, starts[end.line] + end.column)
    if offset < 0:
        return _mark(event)
    line = bisect.bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def _tab_at(text: str, line_index: int) -> bool:
    lines = text.splitlines()
    return line_index < len(lines) and "\t" in lines[line_index]


def parse(raw: bytes, *, marks: bool = True) -> Document:
    """Parse the bytes of one content file; raise YamlProblem naming line and column.

    With ``marks`` off the Document records no positions (faster; for files that are
    expected to be fine); every problem is still found and placed.
    """
    text = decode(raw)
    try:
        try:
            return _Builder(raw, text, marks).build()
        except _MarksNeeded:
            return _Builder(raw, text, marks=True).build()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = str(exc.problem or exc.context or "")
        if mark and _tab_at(text, mark.line):
            problem = "a tab character; YAML indents with spaces only"
        if problem == "exceeded maximum nesting depth":
            raise YamlProblem(_PARSER_WORDS[problem], line, column) from None
        problem = _PARSER_WORDS.get(problem, problem)
        raise YamlProblem(f"is not valid YAML: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"is not valid YAML: {exc}") from None
