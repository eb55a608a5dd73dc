"""What the ICU data trim keeps: root and English data, and every data file that is not a locale."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging" / "linux"))
from trim_icu import is_removable


@pytest.mark.parametrize(
    "item",
    [
        "root.res",
        "en.res",
        "en_US.res",
        "en_US_POSIX.res",
        "pool.res",
        "res_index.res",
        "coll/root.res",
        "coll/ucadata.icu",
        "coll/res_index.res",
        "brkitr/word.brk",
        "brkitr/cjdict.dict",
        "zoneinfo64.res",
        "metaZones.res",
        "supplementalData.res",
        "cnvalias.icu",
        "nfkc.nrm",
        "unames.icu",
        "curr/en_GB.res",
    ],
)
def test_kept(item: str) -> None:
    assert not is_removable(item)


@pytest.mark.parametrize(
    "item",
    [
        "de.res",
        "de_.res",
        "zh_Hant_TW.res",
        "coll/sv.res",
        "curr/fr_CA.res",
        "ibm-943_P15A-2003.cnv",
        "translit/root.res",
    ],
)
def test_removed(item: str) -> None:
    assert is_removable(item)
