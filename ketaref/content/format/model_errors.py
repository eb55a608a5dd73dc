"""Pydantic's validation errors as problems an author or IT admin can act on.

Each error's location is followed through the parsed data to the line and column of the offending
value or key (``yaml_source.Document`` recorded them), and its message is re-worded: "indication:
must be text, not the number 12; put it in quotes" rather than "Input should be a valid string".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from ketaref.content.format.model import IDENTIFIER_PATTERN, NOT_BLANK_PATTERN
from ketaref.content.format.problems import ContentProblem
from ketaref.content.format.yaml_source import DataPath, Document, character_name

#: Problems reported for one file; a file with more is broken as a whole, not in places.
MAX_PROBLEMS_PER_FILE = 100

#: What a value of each patterned key must look like, in words (by key, not by pattern, so a
#: tightened pattern in the model keeps its words).
_PATTERN_WORDS = {
    "url": "a web address starting with https://",
    "content_version": 'dotted whole numbers in quotes, e.g. "2026.11.0"',
    "sha256": "64 lowercase hex digits (run `ketaref content seal`)",
    "files": "a path inside the pack ending in .yaml",
    "mg": 'one of "1", "0.1" or "0.01"',
    "ml": 'one of "1", "0.1" or "0.01"',
}
_IDENTIFIER_WORDS = "lowercase ASCII letters, digits and single hyphens, e.g. spravato-trd"
_SHAPES = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "tuple_type": "a list (lines starting with “- ”)",
    "dict_type": "a block of “key: value” lines",
    "model_type": "a block of “key: value” lines",
    "model_attributes_type": "a block of “key: value” lines",
}
#: Marks pydantic puts in an error location that are not keys of the data.
_KEY_MARK = "[key]"


def _describe(value: Any) -> str:
    """A value as the author wrote it, in words."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text “{value[:40]}”"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a block of keys"
    return type(value).__name__


def _foreign_character(value: str, allowed: re.Pattern[str]) -> str | None:
    """The first character of ``value`` that ``allowed`` does not match, named in words."""
    wrong = next((char for char in value if not allowed.fullmatch(char)), None)
    return None if wrong is None else f"“{wrong}” ({character_name(wrong)})"


#: What one character of an id, and of a pack file's path, may be.
_ID_CHARACTER = re.compile(r"[a-z0-9-]")
_PATH_CHARACTER = re.compile(r"[A-Za-z0-9_./-]")


def identifier_problem(value: str) -> str:
    """What keeps ``value`` from being an id, naming the offending character."""
    if wrong := _foreign_character(value, _ID_CHARACTER):
        return f"“{value[:60]}” holds {wrong}; ids are {_IDENTIFIER_WORDS}"
    return f"“{value[:60]}” is not an id: ids are {_IDENTIFIER_WORDS}"


def _file_name_problem(value: str) -> str:
    """What keeps ``value`` (a key of the manifest's ``files``) from naming a pack file."""
    if wrong := _foreign_character(value, _PATH_CHARACTER):
        return (
            f"“{value[:60]}” holds {wrong}; a content file's name is its id plus .yaml,"
            f" and ids are {_IDENTIFIER_WORDS}"
        )
    return f"“{value[:60]}” is not {_PATTERN_WORDS['files']}"


def _data_path(data: Any, loc: DataPath, missing: bool) -> DataPath:
    """Follow ``loc`` through the data, skipping what pydantic adds (union tags, [key]).

    For a ``missing`` key the path ends with that key, which the data does not have.
    """
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        in_mapping = isinstance(current, dict) and part in current
        in_list = isinstance(current, tuple) and isinstance(part, int) and part < len(current)
        if in_mapping or in_list:
            current = current[part]
        elif missing and index == len(loc) - 1:
            path.append(part)  # name the missing key; Document.position finds its parent
            break
        else:
            continue  # a union tag or a [key] mark: not in the data
        path.append(part)
    return tuple(path)


def _where(path: tuple[str | int, ...]) -> str:
    """``dosing › regimens #1 › per_device`` (entries counted from 1)."""
    parts: list[str] = []
    for part in path:
        if isinstance(part, int) and parts:
            parts[-1] += f" #{part + 1}"
        else:
            parts.append(str(part))
    return " › ".join(parts)


def _message(error: Mapping[str, Any], path: DataPath, is_key: bool = False) -> str:
    """The error in words; ``is_key`` when it is about a key (a file name under ``files``)."""
    kind = error["type"]
    last = path[-1] if path else ""
    if kind == "extra_forbidden":
        return f"unknown key “{last}” (check its spelling; `ketaref content schema` lists the keys)"
    if kind == "missing":
        parent = _where(path[:-1])
        return (
            f"{parent}: the key “{last}” is missing" if parent else f"the key “{last}” is missing"
        )
    message = _value_problem(error, path, is_key)
    where = _where(path)
    return f"{where}: {message}" if where else message


def _value_problem(error: Mapping[str, Any], path: DataPath, is_key: bool) -> str:
    """What is wrong with the value at ``path``, in words (where it is comes separately)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind in _SHAPES:
        message = f"must be {_SHAPES[kind]}, not {_describe(value)}"
        if kind == "string_type" and isinstance(value, (bool, int)):
            message += "; put it in quotes"
        return message
    if kind in ("enum", "literal_error"):
        choices = str(ctx.get("expected", "")).replace("'", "")
        return f"“{value}” is not allowed here; use one of: {choices}"
    if kind == "string_pattern_mismatch":
        return _pattern_problem(str(ctx.get("pattern", "")), value, path, is_key)
    if kind.startswith("date"):
        return f"{_describe(value)} is not a date; write it as YYYY-MM-DD"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        discriminator = str(ctx.get("discriminator", "kind")).strip("'")
        if kind == "union_tag_not_found":
            return f"needs a “{discriminator}” key"
        tags = str(ctx.get("expected_tags", "")).replace("'", "")
        return f"{discriminator} “{ctx.get('tag')}” is not one of: {tags}"
    return _limit_problem(error, ctx, value)


def _pattern_problem(pattern: str, value: Any, path: DataPath, is_key: bool) -> str:
    """A text that does not have the form its field needs, in words."""
    if pattern == NOT_BLANK_PATTERN:
        return "must not be empty"
    if pattern == IDENTIFIER_PATTERN:
        return identifier_problem(str(value))
    if is_key:
        return _file_name_problem(str(value))
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    expected = _PATTERN_WORDS.get(key, f"in the expected form ({pattern})")
    return f"“{str(value)[:60]}” is not {expected}"


def _limit_problem(error: Mapping[str, Any], ctx: Mapping[str, Any], value: Any) -> str:
    """A value past a limit (too few or too many entries, too long, too small), in words;
    pydantic's own words for anything else."""
    kind = error["type"]
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entries"
    if kind == "too_long":
        return f"has more than {ctx.get('max_length')} entries"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return f"is {len(str(value)):,} characters long; the limit for this text is {limit}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, not {value}"
    return str(error["msg"]).removeprefix("Value error, ")


def _node_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _strings_under(node: Any, path: DataPath) -> Iterator[tuple[DataPath, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from _strings_under(child, (*path, key))
    elif isinstance(node, (list, tuple)):
        for index, child in enumerate(node):
            yield from _strings_under(child, (*path, index))


def _pinpoint(document: Document, path: DataPath, message: str) -> tuple[int, int] | None:
    """Where a problem found across a whole block sits: at a value its message quotes (long
    enough to be telling), else at the first key it names, else at the block."""
    try:
        node = _node_at(document.data, path)
    except (KeyError, IndexError, TypeError):
        return document.position(path)
    quoted = [
        (len(text), sub)
        for sub, text in _strings_under(node, path)
        if len(text) >= 8 and (text in message or (len(text) > 60 and text[:60] in message))
    ]
    if quoted:
        return document.position(max(quoted, key=lambda found: found[0])[1])
    if isinstance(node, dict):
        named = [
            (match.start(), key)
            for key in node
            if (match := re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", message))
        ]
        if named:
            return document.key_position((*path, min(named)[1]))
    return document.position(path)


def validation_problems(
    error: ValidationError, document: Document, file: str
) -> list[ContentProblem]:
    """Turn a pydantic ValidationError into problems pointing at lines of ``file``."""
    details = error.errors(include_url=False)
    locations = [tuple(detail["loc"]) for detail in details]
    problems: list[ContentProblem] = []
    for detail, loc in zip(details, locations, strict=True):
        if len(problems) == MAX_PROBLEMS_PER_FILE:
            more = len(details) - MAX_PROBLEMS_PER_FILE
            message = f"… and up to {more:,} more problems; fix these first"
            problems.append(ContentProblem(file, None, None, message))
            break
        # pydantic re-checks a list's minimum length without the entries that failed;
        # that second error only repeats the first.
        if detail["type"] == "too_short" and any(
            other[: len(loc)] == loc and len(other) > len(loc) for other in locations
        ):
            continue
        path = _data_path(document.data, loc, missing=detail["type"] == "missing")
        message = _message(detail, path, is_key=_KEY_MARK in loc)
        if _KEY_MARK in loc:
            position = document.key_position(path)
        elif detail["type"] == "value_error":
            position = _pinpoint(document, path, message)
        else:
            position = document.position(path)
        line, column = position or (None, None)
        problems.append(ContentProblem(file, line, column, message))
    return problems
