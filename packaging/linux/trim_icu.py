"""Shrink the ICU data library PySide6 bundles on Linux (30 MiB) to the data an English app uses.

Qt Core links ICU, so ``libicudata.so.NN`` must ship; most of it is locale data for 800 locales,
legacy character-set converters and transliterators ketaref never touches. This keeps the root
and English locale data, collation root, break rules and dictionaries, time zones and
normalisation, and rebuilds the library with the same soname and data symbol. What changes for
a user: collation for other languages falls back to the root order (Unicode order, nearly the
same), and legacy codecs such as Shift-JIS are unavailable (ketaref reads and writes UTF-8 only).

Needs ``icupkg`` (Debian: icu-devtools), ``readelf``/``objcopy`` (binutils) and ``gcc``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: A locale's resource file, in any tree: ``de.res``, ``coll/sv.res``, ``zh_Hant_TW.res``, ``de_.res``.
_LOCALE_FILE = re.compile(r"^(?:[a-z]+/)?[a-z]{2,3}(?:_[A-Za-z0-9]*)*\.res$")
_KEPT_LOCALE = re.compile(r"^(?:[a-z]+/)?(?:en|root)(?:_[A-Za-z0-9]*)*\.res$")
_TREE_FILES = {"pool.res", "res_index.res"}


def is_removable(item: str) -> bool:
    """Whether an ICU data item can go: other locales, converters and transliterators."""
    if item.endswith(".cnv") or item.startswith("translit/"):
        return True
    if item.rsplit("/", 1)[-1] in _TREE_FILES:
        return False
    return bool(_LOCALE_FILE.match(item)) and not _KEPT_LOCALE.match(item)


def _run(*command: str, cwd: Path | None = None) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd=cwd).stdout


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """Name, address and size of the ``icudtNN_dat`` symbol."""
    for line in _run("readelf", "-W", "--dyn-syms", str(library)).splitlines():
        fields = line.split()
        if len(fields) >= 8 and re.fullmatch(r"icudt\d+_dat", fields[7]):
            return fields[7], int(fields[1], 16), int(fields[2], 0)
    raise RuntimeError(f"{library} has no icudtNN_dat symbol; is it ICU's data library?")


def _section_address(library: Path, section: str) -> int:
    for line in _run("readelf", "-W", "-S", str(library)).splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 3 and fields[1] == section:
            return int(fields[3], 16)
    raise RuntimeError(f"{library} has no {section} section")


def trim_icu_data(library: Path) -> tuple[int, int]:
    """Replace ``library`` with a trimmed build; return its size before and after, in bytes."""
    before = library.stat().st_size
    symbol, address, size = _data_symbol(library)
    package = symbol.removesuffix("_dat") + "l"  # little-endian data, e.g. icudt73l
    with tempfile.TemporaryDirectory(prefix="ketaref-icu-") as scratch:
        work = Path(scratch)
        (work / "full").mkdir()
        (work / "trimmed").mkdir()
        _run(
            "objcopy",
            "-O",
            "binary",
            "--only-section=.rodata",
            str(library),
            "rodata.bin",
            cwd=work,
        )
        start = address - _section_address(library, ".rodata")
        data = (work / "rodata.bin").read_bytes()[start : start + size]
        (work / "full" / f"{package}.dat").write_bytes(data)
        items = _run("icupkg", "-l", f"full/{package}.dat", cwd=work).split()
        (work / "remove.txt").write_text("\n".join(i for i in items if is_removable(i)) + "\n")
        # icupkg names the package after the output file, so it keeps the name ICU looks for.
        _run(
            "icupkg", "-r", "remove.txt", f"full/{package}.dat", f"trimmed/{package}.dat", cwd=work
        )
        (work / "data.S").write_text(
            "\t.section .rodata\n\t.balign 16\n"
            f"\t.globl {symbol}\n\t.type {symbol}, @object\n{symbol}:\n"
            f'\t.incbin "trimmed/{package}.dat"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        _run(
            "gcc", "-shared", "-nostdlib", "-s", f"-Wl,-soname,{library.name}",
            "-o", "trimmed.so", "data.S", cwd=work,
        )  # fmt: skip
        shutil.copyfile(work / "trimmed.so", library)  # /tmp may be another file system
    return before, library.stat().st_size
