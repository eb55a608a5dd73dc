"""JSON Schema of the content files, for authors' editors (built only when asked for)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ketaref.content.format.model import (
    Checklist,
    ContraindicationList,
    Glossary,
    Manifest,
    Protocol,
    SourceList,
)

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "manifest.yaml": Manifest,
    "sources.yaml": SourceList,
    "glossary.yaml": Glossary,
    "protocols/*.yaml": Protocol,
    "checklists/*.yaml": Checklist,
    "contraindications/*.yaml": ContraindicationList,
}


def content_schema() -> dict[str, Any]:
    """One JSON document: the schema of each kind of content file, keyed by file pattern."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ketaref content pack",
        "files": {
            pattern: model.model_json_schema(mode="validation")
            for pattern, model in SCHEMA_FILES.items()
        },
    }
