"""Every bundled item survives a round trip through JSON and YAML, and the schema is the models'."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel, ValidationError

from ketaref.content.format.model import (
    Checklist,
    ContraindicationList,
    Manifest,
    Protocol,
    SourceList,
)
from ketaref.content.format.pack import Library
from ketaref.content.format.schema import SCHEMA_FILES
from ketaref.content.format.yaml_source import parse
from tests.content.packs import run_cli


def bundled_models(library: Library) -> list[BaseModel]:
    """Every model the bundled pack is made of: items, the source list and the manifest."""
    return [
        library.manifest,
        SourceList(sources=tuple(library.sources.values())),
        *(item for _, item in library.items()),
    ]


def test_every_bundled_model_round_trips_through_json(bundled_library: Library) -> None:
    for model in bundled_models(bundled_library):
        text = json.dumps(model.model_dump(mode="json"), ensure_ascii=False)
        assert type(model).model_validate_json(text) == model


def test_every_bundled_model_round_trips_through_yaml(bundled_library: Library) -> None:
    for model in bundled_models(bundled_library):
        written = yaml.safe_dump(model.model_dump(mode="json"), allow_unicode=True)
        read = type(model).model_validate(parse(written.encode("utf-8")).data)
        assert read == model


@pytest.fixture(scope="module")
def cli_schema() -> dict[str, Any]:
    result = run_cli("content", "schema")
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_schema_command_prints_the_models_schemas(cli_schema: dict[str, Any]) -> None:
    assert set(cli_schema["files"]) == set(SCHEMA_FILES)
    for pattern, model in SCHEMA_FILES.items():
        printed = cli_schema["files"][pattern]
        assert printed == model.model_json_schema(mode="validation")
        assert set(printed["properties"]) == set(model.model_fields)
        required = {name for name, field in model.model_fields.items() if field.is_required()}
        assert set(printed.get("required", ())) == required
        assert printed["additionalProperties"] is False
    protocol = cli_schema["files"]["protocols/*.yaml"]
    assert protocol["required"] == Protocol.model_json_schema()["required"]
    assert protocol["properties"] == Protocol.model_json_schema()["properties"]


def _as_json(path: Path) -> Any:
    """A content file as the schema sees it: parsed, lists as JSON arrays."""
    return json.loads(json.dumps(parse(path.read_bytes()).data))


@pytest.mark.parametrize(
    ("pattern", "model"),
    [
        ("manifest.yaml", Manifest),
        ("sources.yaml", SourceList),
        ("protocols/*.yaml", Protocol),
        ("checklists/*.yaml", Checklist),
        ("contraindications/*.yaml", ContraindicationList),
    ],
)
def test_schema_accepts_every_bundled_file_and_refuses_unknown_keys(
    pattern: str, model: type[BaseModel], cli_schema: dict[str, Any], bundled_library: Library
) -> None:
    schema = cli_schema["files"][pattern]
    assert schema == model.model_json_schema(mode="validation")  # the printed schema is the model's
    files = sorted(bundled_library.directory.glob(pattern))
    assert files
    for path in files:
        data = _as_json(path)
        jsonschema.validate(data, schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**data, "unknown_key": "x"}, schema)


def test_a_protocol_written_with_one_contraindication_id_still_reads(
    bundled_library: Library,
) -> None:
    # Packs from before a protocol could link several lists give one id, not a list.
    data = bundled_library.protocols["spravato-trd"].model_dump(mode="json")
    data["contraindications"] = "spravato-contraindications"
    protocol = Protocol.model_validate_json(json.dumps(data))
    assert protocol.contraindications == ("spravato-contraindications",)


def test_a_loaded_manifests_file_table_is_read_only(bundled_library: Library) -> None:
    files = bundled_library.manifest.files
    name = next(iter(files))
    with pytest.raises(TypeError):
        files[name] = files[name]  # type: ignore[index]
    with pytest.raises(TypeError):
        del files[name]  # type: ignore[attr-defined]
    assert files[name].bytes > 0
    assert name in files
    assert len(files) > 1


def test_the_file_table_validates_and_serialises_as_a_plain_mapping(
    bundled_library: Library,
) -> None:
    manifest = bundled_library.manifest
    data = manifest.model_dump(mode="json")
    assert type(data["files"]) is dict
    assert dict(Manifest.model_validate_json(json.dumps(data)).files) == dict(manifest.files)
    data["files"] = {"notes.txt": next(iter(data["files"].values()))}
    with pytest.raises(ValidationError):
        Manifest.model_validate_json(json.dumps(data))
