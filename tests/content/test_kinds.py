"""The registry of content kinds: complete, true to the pack, and enforced by the type checker."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from ketaref import paths
from ketaref.content.format.kinds import KINDS, Kind, kind_of, kinds_in_words, model_of
from ketaref.content.format.pack import KIND_DIRS, Library

REPO = Path(__file__).resolve().parents[2]

#: The modules that do something different per kind, each of which must notice a new one.
DISPATCHING_MODULES = {
    "ketaref/content/format/kinds.py",
    "ketaref/content/format/pack.py",
    "ketaref/content/format/local_rules.py",
    "ketaref/content/in_use/summary.py",
    "ketaref/content/in_use/search.py",
    "ketaref/content/in_use/render_text.py",
    "ketaref/cli/content_commands.py",
    "ketaref/gui/rich_text.py",
    "ketaref/gui/item_view.py",
}


def test_every_kind_is_described_once() -> None:
    assert list(KINDS) == list(Kind)
    for field in ("folder", "noun", "nouns", "heading"):
        values = [getattr(info, field) for info in KINDS.values()]
        assert len(set(values)) == len(values), field


def test_kind_values_are_the_cli_contracts() -> None:
    """``kind`` in ``content list --json`` and ``show --json`` (docs/cli.md)."""
    assert [kind.value for kind in Kind] == ["protocol", "checklist", "contraindications"]


def test_the_bundled_packs_folders_are_the_registrys() -> None:
    folders = {p.name for p in paths.bundled_content_dir().iterdir() if p.is_dir()}
    assert folders == {info.folder for info in KINDS.values()} == set(KIND_DIRS)


def test_every_item_is_of_the_kind_it_is_listed_under(bundled_library: Library) -> None:
    for kind, item in bundled_library.items():
        assert kind_of(item) is kind
        assert isinstance(item, model_of(kind))
    assert {kind for kind, _ in bundled_library.items()} == set(Kind)


def test_kinds_in_words_names_every_kind() -> None:
    assert kinds_in_words("or") == "protocol, checklist or contraindication list"
    assert kinds_in_words(plural=True) == "protocols, checklists and contraindication lists"


def _with_a_new_kind(tree: Path) -> None:
    """Add a kind to the copy of the package in ``tree`` and to its item union, and no more."""

    def edit(name: str, old: str, new: str) -> None:
        path = tree / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{name} no longer has {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    edit(
        "ketaref/content/format/kinds.py",
        '    CONTRAINDICATIONS = "contraindications"\n',
        '    CONTRAINDICATIONS = "contraindications"\n    FORGOTTEN = "forgotten"\n',
    )
    edit(
        "ketaref/content/format/model.py",
        "ContentItem: TypeAlias = Protocol | Checklist | ContraindicationList\n",
        "class ForgottenItem(Frozen):\n"
        "    id: Identifier\n"
        "    title: Label\n"
        "    synonyms: tuple[Label, ...] = ()\n\n\n"
        "ContentItem: TypeAlias = Protocol | Checklist | ContraindicationList | ForgottenItem\n",
    )


def test_a_kind_that_a_view_forgets_is_a_type_error(tmp_path: Path) -> None:
    """A new kind added to the registry and the item union, and handled nowhere else, makes
    mypy --strict fail in every module that does something per kind, at its ``assert_never``."""
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copytree(REPO / "ketaref", tree / "ketaref")
    shutil.copy(REPO / "pyproject.toml", tree)
    if (REPO / ".mypy_cache").is_dir():  # the installed libraries' types, checked once already
        shutil.copytree(REPO / ".mypy_cache", tmp_path / "cache")
    _with_a_new_kind(tree)
    result = subprocess.run(
        [
            sys.executable,
            *("-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache")),
            *sorted(DISPATCHING_MODULES),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=600,
    )
    not_exhaustive = re.compile(
        r'^(\S+\.py):\d+: error: Argument 1 to "assert_never" has incompatible type'
        r' "(ForgottenItem|Literal\[Kind\.FORGOTTEN\])"',
        re.MULTILINE,
    )
    flagged = {match.group(1) for match in not_exhaustive.finditer(result.stdout)}
    assert flagged == DISPATCHING_MODULES, result.stdout
