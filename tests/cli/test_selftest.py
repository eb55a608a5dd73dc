"""``ketaref self-test``: what IT sees after an install, for a good install and for broken ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.cli import main
from ketaref.content.format.pack import Library


def run_self_test(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["self-test"])
    return status, capsys.readouterr().out.splitlines()


def step_line(lines: list[str], step: str) -> str:
    matches = [line for line in lines if line.split(" ", 1)[-1].lstrip().startswith(f"{step}:")]
    assert len(matches) == 1, lines
    return matches[0]


def test_a_good_install_passes_every_step(
    capsys: pytest.CaptureFixture[str], bundled_library: Library
) -> None:
    status, lines = run_self_test(capsys)

    assert status == 0, lines
    content = step_line(lines, "content")
    assert content.startswith("ok  content: ")
    assert f"{bundled_library.version} ({bundled_library.pack_hash})" in content
    assert step_line(lines, "Qt").startswith("ok  Qt: ")
    assert "xcb" in step_line(lines, "Qt")
    # The install includes reportlab[accel]; without it every printout is about 1.6× slower.
    assert "reportlab's C speed-ups in use" in step_line(lines, "checklist PDF")
    assert not any(line.startswith("FAIL") for line in lines)
    assert lines[-1] == "self-test passed"


def test_tampered_content_fails_and_later_steps_still_run(
    capsys: pytest.CaptureFixture[str], pack_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    protocol = next((pack_copy / "protocols").glob("*.yaml"))
    protocol.write_text(protocol.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    monkeypatch.setattr(paths, "bundled_content_dir", lambda: pack_copy)

    status, lines = run_self_test(capsys)

    assert status == 1
    assert step_line(lines, "content").startswith("FAIL content: ")
    assert "reinstall ketaref" in step_line(lines, "content")
    assert step_line(lines, "Qt").startswith("ok  Qt: ")
    assert lines[-1].startswith("self-test FAILED: ")


def test_a_qt_platform_that_cannot_load_is_reported_not_crashed_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-platform")

    status, lines = run_self_test(capsys)

    assert status == 1
    qt = step_line(lines, "Qt")
    assert qt.startswith("FAIL Qt: ")
    assert "no-such-platform" in qt


def test_a_damaged_font_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"not a font at all")
    monkeypatch.setattr(paths, "fonts_dir", lambda: tmp_path)

    status, lines = run_self_test(capsys)

    assert status == 1
    fonts = step_line(lines, "fonts")
    assert fonts.startswith("FAIL fonts: ")
    assert "DejaVuSans.ttf" in fonts


def test_a_clinic_name_no_printout_can_show_fails_the_checklist_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Path(os.environ["KETAREF_POLICY"]).write_text('clinic_name = "Clinic 李"\n', encoding="utf-8")

    status, lines = run_self_test(capsys)

    assert status == 1
    step = step_line(lines, "checklist PDF")
    assert step.startswith("FAIL checklist PDF: clinic_name is not printed:")
    assert "the clinic name contains a character the printout's font cannot show" in step
    assert "U+674E" in step
