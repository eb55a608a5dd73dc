"""The main window, driven with keys and clicks; assertions on what the user sees."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
)
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.content.format.problems import ContentProblem
from ketaref.content.in_use.active import ActiveContent, load_active_content
from ketaref.gui import integration
from ketaref.gui.banner import Banner, content_notice
from ketaref.gui.integration import MachineSettings, machine_settings
from ketaref.gui.main_window import MainWindow
from ketaref.policy import load_policy
from ketaref.printing.paper import PrintDefaults
from tests.gui.conftest import WindowFactory


def visible_text(window: MainWindow) -> str:
    return window.item_view.document.toPlainText()


def banner_texts(window: MainWindow) -> list[str]:
    return [b.label.text() for b in window.banners if b.isVisible()]


def open_dialog(qtbot: QtBot, title: str) -> QDialog:
    found: list[QDialog] = []

    def shown() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible() and w.windowTitle() == title
        ]
        return bool(found)

    qtbot.waitUntil(shown)
    return found[0]


def details_of(qtbot: QtBot, banner: Banner) -> str:
    """The problem list a banner's Details… button opens."""
    assert banner.isVisible()
    assert banner.button is not None
    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, "Content problems")
    details = dialog.details.toPlainText()  # type: ignore[attr-defined]
    dialog.close()
    return str(details)


def refusal_banner_and_details(qtbot: QtBot, window: MainWindow) -> tuple[str, str]:
    """The refusal banner's text, and the problem list its Details… button opens."""
    banner = next(b for b in window.banners if b.objectName() == "refusedPackBanner")
    return banner.label.text(), details_of(qtbot, banner)


def told(qtbot: QtBot, window: MainWindow) -> str:
    """The banners' words and what the content banner's Details… lists: all the user is told
    about the content, at most one click away."""
    _, details = refusal_banner_and_details(qtbot, window)
    return " ".join([*banner_texts(window), details])


def test_startup_shows_a_protocol_the_review_banner_and_the_pack_hash(
    window: MainWindow, bundled_library: Library
) -> None:
    assert "SPRAVATO" in visible_text(window)
    assert "FDA-approved labelling" in visible_text(window)
    assert any(t.startswith("Not yet clinically reviewed") for t in banner_texts(window))
    status = window.content_label.text()
    assert bundled_library.version in status
    assert bundled_library.pack_hash in status
    assert "not yet clinically reviewed" in status


def test_a_protocol_shows_schedule_monitoring_observation_and_citation_markers(
    window: MainWindow, bundled_library: Library
) -> None:
    window.open_item("spravato-trd")
    text = visible_text(window)
    for heading in ("Dose and schedule", "Monitoring", "Minimum observation", "Warnings"):
        assert heading in text
    assert "56 mg or 84 mg" in text
    # The minimum shows once: the boxed warning's own words, no "At least 2 h:" before them.
    assert "monitoring for at least 2 hours at each session" in text
    assert "At least 2 h:" not in text.replace("\u00a0", " ")
    assert "[1]" in text
    # The verification tag shows on secondary sources, as a chip beside the marker, not a link.
    assert re.search(r"\[\d+\]\s+secondary", text)
    assert ", secondary]" not in text
    has_dosing = bundled_library.protocols["spravato-trd"].dosing is not None
    assert window.item_view.calculator_area.isVisible() is has_dosing


def test_keyboard_only_navigation_through_the_tree_and_a_protocol(
    qtbot: QtBot, window: MainWindow
) -> None:
    tree = window.tree
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(tree.hasFocus)
    qtbot.keyClick(tree, Qt.Key.Key_End)  # the last item: a contraindication list
    assert visible_text(window).startswith("Contraindication list")
    qtbot.keyClick(tree, Qt.Key.Key_Home)  # the first group: its items as links
    group = tree.currentIndex().data()
    assert visible_text(window).startswith(group)
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    protocol_title = tree.currentIndex().data()
    assert window.windowTitle() == f"{protocol_title} — ketaref"
    assert visible_text(window).startswith(f"Protocol\n{protocol_title}")

    qtbot.keyClick(tree, Qt.Key.Key_Return)
    document = window.item_view.document
    qtbot.waitUntil(document.hasFocus)
    # Tab reaches the first link (the contraindication list); Enter follows it.
    qtbot.keyClick(document, Qt.Key.Key_Tab)
    qtbot.keyClick(document, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: visible_text(window).startswith("Contraindication list"))
    assert "contraindications" in tree.currentIndex().data().lower()

    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.windowTitle() == f"{protocol_title} — ketaref"
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert visible_text(window).startswith("Contraindication list")


def test_linked_checklist_and_contraindications_open_by_shortcut(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.open_item("spravato-trd")
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_L, shift_ctrl)
    assert window.windowTitle().startswith("SPRAVATO session checklist")
    assert "Before dosing" in visible_text(window)
    assert not window.actions_by_id["print"].isEnabled()  # print is offered on protocols
    window.open_item("spravato-trd")
    assert window.actions_by_id["print"].isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_K, shift_ctrl)
    assert window.windowTitle().startswith("SPRAVATO (esketamine): contraindications")


def test_a_citation_marker_shows_the_source_and_its_url_can_be_copied(
    qtbot: QtBot, window: MainWindow, bundled_library: Library
) -> None:
    window.open_item("spravato-trd")
    document = window.item_view.document
    document.setFocus()
    sources = window.item_view.sources
    assert not sources.copy_button.isEnabled()
    for _ in range(3):  # contraindications link, checklist link, then the marker [1]
        qtbot.keyClick(document, Qt.Key.Key_Tab)
    qtbot.keyClick(document, Qt.Key.Key_Return)
    first_source = bundled_library.sources[
        bundled_library.protocols["spravato-trd"].status_statement.source
    ]
    qtbot.waitUntil(lambda: first_source.citation in sources.detail.toPlainText())
    assert "Where: Medication Guide passage" in sources.detail.toPlainText()
    assert sources.copy_button.isEnabled()
    QGuiApplication.clipboard().clear()
    qtbot.wait(20)  # let the layout settle, as it has by the time a user reaches for the mouse
    qtbot.mouseClick(sources.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == first_source.url

    sources.list.setFocus()
    qtbot.keyClick(sources.list, Qt.Key.Key_Down)
    second = sources.selected()
    assert second is not None
    assert second.number == 2
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_C, shift_ctrl)
    assert QGuiApplication.clipboard().text() == second.source.url


def test_search_with_a_typo_from_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    window.open_item("spravato-contraindications")
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    field = window.search_field
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "esketamin")
    results = window.results
    assert results.isVisible()
    assert not window.tree.isVisible()
    rows = [results.model().index(r, 0).data() for r in range(results.model().rowCount())]
    assert rows
    assert all("SPRAVATO" in row for row in rows)
    assert "result" in window.search_status.text()

    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert results.hasFocus()
    assert results.currentIndex().row() == 0
    first_title = rows[0].splitlines()[0]
    qtbot.keyClick(results, Qt.Key.Key_Down)
    qtbot.keyClick(results, Qt.Key.Key_Up)
    # Arrowing through the results opens none of them: the contraindications stay on screen.
    assert window.windowTitle().startswith("SPRAVATO (esketamine): contraindications")
    qtbot.keyClick(results, Qt.Key.Key_Return)
    qtbot.waitUntil(window.item_view.document.hasFocus)
    assert window.windowTitle().startswith(first_title)

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(field.hasFocus)
    assert field.selectedText() == "esketamin"  # ready to type over
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == ""
    assert window.tree.isVisible()


def test_search_finds_synonyms_and_says_when_nothing_matches(
    qtbot: QtBot, window: MainWindow, bundled_library: Library
) -> None:
    field = window.search_field
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    for query, expected in (
        ("CRPS", "iv-ketamine-chronic-pain"),
        ("post-traumatic", "iv-ketamine-ptsd"),
    ):
        field.clear()
        qtbot.keyClicks(field, query)
        first = window.results.model().index(0, 0).data()
        assert first.splitlines()[0] == bundled_library.protocols[expected].title
    field.clear()
    qtbot.keyClicks(field, "zebra crossing")
    assert window.results.model().rowCount() == 0
    assert window.search_status.text() == "Nothing found for “zebra crossing”"
    qtbot.keyClick(field, Qt.Key.Key_Return)  # nothing to open: nothing happens
    assert field.hasFocus()


def test_research_protocols_show_conflicting_evidence_side_by_side(
    window: MainWindow, bundled_library: Library
) -> None:
    research = bundled_library.protocols["iv-ketamine-ptsd"]
    window.open_item(research.id)
    text = visible_text(window)
    assert "research only" in text
    assert "Positive findings" in text
    assert "Negative, mixed or pooled findings" in text
    positive = next(f for f in research.evidence if f.finding == "positive")
    other = next(f for f in research.evidence if f.finding != "positive")
    assert positive.text in text
    assert other.text in text
    assert "No session checklist: research only" in text
    assert not window.actions_by_id["print"].isEnabled()
    assert not window.item_view.calculator_area.isVisible()  # research entries have no dosing


def test_a_refused_site_pack_shows_a_banner_with_every_problem(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    problems = (
        ContentProblem("protocols/x.yaml", 3, 5, "unknown key “dose”"),
        ContentProblem("manifest.yaml", None, None, "lists “a.yaml”: path leaves the pack"),
    )
    active = ActiveContent(
        library=bundled_library,
        origin="bundled",
        notices=(
            "the site pack at /srv/ketaref/pack was refused: 2 problems; using the bundled content",
        ),
        refused_problems=problems,
        refused=True,
    )
    window = make_window(active)
    text, details = refusal_banner_and_details(qtbot, window)
    # Plain words: what happened and what to do; the technical reason is under Details.
    assert text == (
        "Your clinic's content could not be loaded; you are seeing the standard content. Tell IT."
    )
    assert "running on the bundled pack" in details
    assert "The site pack at /srv/ketaref/pack was refused: 2 problems" in details
    assert "protocols/x.yaml:3:5: unknown key “dose”" in details
    assert "manifest.yaml:1:1: lists “a.yaml”: path leaves the pack" in details
    assert window.actions_by_id["content_problems"].isEnabled()


def window_with_policy(
    text: str, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[MainWindow, Banner]:
    """A window started under the machine policy ``text``, and its policy banner."""
    policy = tmp_path / "policy.toml"
    policy.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KETAREF_POLICY", str(policy))
    window = make_window(machine=machine_settings(load_policy()))
    return window, next(b for b in window.banners if b.objectName() == "policyBanner")


def test_policy_problems_show_a_banner(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, banner = window_with_policy(
        'clinic_name = "Ward 4"\npaper_size = "a3"\n', make_window, tmp_path, monkeypatch
    )
    assert banner.label.text() == (
        "This computer's settings from IT have a problem; ketaref uses its own default where a"
        " setting could not be used. Tell IT."
    )
    details = details_of(qtbot, banner)
    assert "Machine policy:" in details
    assert "machine policy has problems" in details
    assert "paper_size" in details


def test_a_bad_policy_value_is_named_under_details(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, banner = window_with_policy(
        'clinic_name = 3\ndefault_paper = "letter"\n', make_window, tmp_path, monkeypatch
    )
    assert "clinic_name" not in banner.label.text()
    details = details_of(qtbot, banner)
    assert "bad value for clinic_name" in details
    assert "applies the rest" in details


def test_no_banner_but_review_when_nothing_was_refused(window: MainWindow) -> None:
    assert [b.objectName() for b in window.banners] == ["notReviewedBanner"]
    assert not window.actions_by_id["content_problems"].isEnabled()


def test_shortcuts_help_lists_every_action_from_the_one_table(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = open_dialog(qtbot, "Keyboard shortcuts")
    table = dialog.findChild(QTableView)
    model = table.model()
    rows = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    assert rows["Find"] == "Ctrl+K, Ctrl+F"
    assert rows["Print session checklist"] == "Ctrl+P"
    menu_texts = {a.text().replace("&", "").rstrip("…") for a in window.actions_by_id.values()}
    assert menu_texts <= set(rows)
    dialog.close()


def test_about_names_versions_licences_and_the_log(
    qtbot: QtBot, window: MainWindow, bundled_library: Library
) -> None:
    window.actions_by_id["about"].trigger()
    dialog = open_dialog(qtbot, "About ketaref")
    text = dialog.text.toPlainText()  # type: ignore[attr-defined]
    for expected in (
        bundled_library.version,
        bundled_library.pack_hash,
        "GNU LGPL version 3",
        "ReportLab",
        "DejaVu",
        "Intended use",
        "ketaref.log",
    ):
        assert expected in text
    dialog.close()


def test_widgets_have_accessible_names(window: MainWindow) -> None:
    for widget in (
        window.search_field,
        window.tree,
        window.results,
        window.item_view.document,
        window.item_view.sources.list,
        window.item_view.sources.detail,
    ):
        assert widget.accessibleName(), widget
    # Read by its text (the version), so it is described rather than named.
    assert window.content_label.accessibleDescription()
    copy = window.item_view.sources.findChild(QPushButton)
    assert copy.text() == "Copy URL"
    assert copy.accessibleDescription()


def test_tab_order_goes_search_tree_text_sources(qtbot: QtBot, window: MainWindow) -> None:
    window.search_field.setFocus()
    qtbot.waitUntil(window.search_field.hasFocus)
    seen = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen[0] is window.tree
    assert seen[1] is window.item_view.document


@pytest.mark.usefixtures("qtbot")
def test_window_geometry_is_remembered(make_window: WindowFactory, settings: QSettings) -> None:
    window = make_window()
    window.resize(700, 500)
    window.close()
    assert settings.value("window/geometry") is not None
    assert all("patient" not in key.lower() for key in settings.allKeys())
    again = make_window(size=None)
    assert (again.width(), again.height()) == (700, 500)


def test_the_calculator_area_takes_a_widget_for_protocols_with_dosing(
    window: MainWindow, bundled_library: Library
) -> None:
    view = window.item_view
    window.open_item("iv-ketamine-trd")
    assert view.calculator_area.isVisible()
    label = QLabel("calculator for IV ketamine")
    view.set_calculator(label)
    assert view.calculator is label
    assert label.isVisible()
    window.open_item("spravato-trd")  # another protocol with dosing: a new calculator
    assert view.calculator_area.isVisible()
    assert view.calculator is not label
    assert not label.isVisible()  # the old one is gone at once, not after the event loop
    window.open_item("iv-ketamine-ptsd")  # research only: no dosing, no calculator
    assert bundled_library.protocols["iv-ketamine-ptsd"].dosing is None
    assert view.calculator is None
    assert not view.calculator_area.isVisible()


def test_a_notice_without_a_refusal_is_not_called_a_refusal(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    active = ActiveContent(
        library=bundled_library,
        origin="site pack /srv/ketaref/pack",
        notices=("content 2026.11.0 expired on 2027-01-01",),
    )
    window = make_window(active)
    text, details = refusal_banner_and_details(qtbot, window)
    assert text == "There is a note about the content in use. Tell IT."
    assert "running on the site pack /srv/ketaref/pack" in details
    assert "Content 2026.11.0 expired on 2027-01-01." in details
    assert "refused" not in details


def test_the_home_page_links_every_item(window: MainWindow, bundled_library: Library) -> None:
    text = visible_text(window)
    assert text.startswith("ketaref")
    for _, item in bundled_library.items():
        assert item.title in text
    assert window.search_field.hasFocus()  # ready to type a search


def test_ctrl_p_opens_the_print_dialog_for_the_protocol_on_screen(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    from ketaref.gui.print_dialog import PrintDialog

    machine = MachineSettings(printing=PrintDefaults("Lakeside Ketamine Service", "letter"))
    window = make_window(machine=machine)
    window.open_item("iv-ketamine-trd")
    qtbot.waitUntil(window.isActiveWindow)  # the shortcut goes to the active window
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    protocol = bundled_library.protocols["iv-ketamine-trd"]
    dialog = open_dialog(qtbot, f"Print session checklist: {protocol.title}")
    assert isinstance(dialog, PrintDialog)
    assert dialog.protocol.id == "iv-ketamine-trd"
    assert dialog.clinic_name == "Lakeside Ketamine Service"
    assert dialog.paper_key() == "letter"
    assert dialog.pdf is not None
    assert dialog.preview.page_images
    dialog.close()


def test_ctrl_p_hands_the_protocol_on_screen_to_the_print_hook(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed: list[tuple[str, object]] = []

    def record(_library, protocol, *, dose, dose_acknowledged, local_rules, **_):  # type: ignore[no-untyped-def]
        assert local_rules is window.active.local_rules  # the clinic's values go onto the sheet
        printed.append((protocol.id, (dose, dose_acknowledged)))

    monkeypatch.setattr(integration, "open_print_dialog", record)
    window.open_item("iv-ketamine-trd")
    window.item_view.set_calculator(_CalculatorStandIn("the dose result"))
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    # The result itself goes to the printout (its figures fill the dose boxes), not its text.
    assert printed == [("iv-ketamine-trd", ("the dose result", True))]
    window.open_item("iv-ketamine-ptsd")  # research only: no checklist, nothing to print
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(printed) == 1


class _CalculatorStandIn(QLabel):
    """A widget in the calculator area that offers a result, as the dose panel does."""

    def __init__(self, result: object):
        super().__init__("calculator")
        self._result = result

    def result(self) -> object:
        return self._result

    def acknowledged(self) -> bool:
        return True


def test_a_broken_site_pack_named_by_the_machine_policy_shows_the_refusal_banner(
    qtbot: QtBot,
    make_window: WindowFactory,
    pack_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    edited = pack_copy / "protocols" / "spravato-trd.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text(
        f'content_dir = "{pack_copy.as_posix()}"\nrequire_signed_content = false\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("KETAREF_POLICY", str(policy))
    window = make_window(load_active_content(), machine_settings(load_policy()))
    text, details = refusal_banner_and_details(qtbot, window)
    assert text.startswith("Your clinic's content could not be loaded; you are seeing the")
    assert str(pack_copy) not in text
    assert "running on the bundled pack" in details
    assert str(pack_copy) in details
    assert "protocols/spravato-trd.yaml:1:1: has " in details
    assert "changed after sealing" in details


def test_a_dose_worked_out_on_screen_goes_onto_the_printed_checklist(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    from ketaref.gui.dose_panel import DosePanel
    from ketaref.gui.print_dialog import PrintDialog

    window = make_window()
    window.open_item("iv-ketamine-trd")
    panel = window.item_view.calculator
    assert isinstance(panel, DosePanel)
    assert panel.weight_edit is not None
    with qtbot.waitSignal(panel.resultChanged):
        qtbot.keyClicks(panel.weight_edit, "70")
    assert panel.dose_edit is not None
    qtbot.keyClicks(panel.dose_edit, "0.5")  # the screen never chooses the dose
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    protocol = window.library.protocols["iv-ketamine-trd"]
    dialog = open_dialog(qtbot, f"Print session checklist: {protocol.title}")
    assert isinstance(dialog, PrintDialog)
    assert dialog.weight.text() == "70 kg"  # the calculator's weight, already in the header
    qtbot.waitUntil(lambda: dialog.pdf is not None)
    dialog.weight.setText("80 kg")
    dialog.rebuild()
    assert "differs from the 70 kg" in dialog.problem.text()
    assert not dialog.save_button.isEnabled()
    assert not dialog.print_button.isEnabled()
    dialog.weight.setText("70 kg")
    dialog.rebuild()
    assert dialog.save_button.isEnabled()
    target = tmp_path / "checklist.pdf"
    assert dialog.save_to(target)
    dialog.close()
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    # 0.5 mg/kg × 70 kg = 35 mg over 40 min → 52.5 mg/h, as worked out on screen
    assert "0.5 mg/kg × 70 kg = 35 mg over 40 min → 52.5 mg/h" in " ".join(text.split())


def test_ctrl_4_moves_to_the_dose_calculator_and_typing_computes(
    qtbot: QtBot, window: MainWindow
) -> None:
    from ketaref.gui.dose_panel import DosePanel

    window.open_item("iv-ketamine-trd")
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    panel = window.item_view.calculator
    assert isinstance(panel, DosePanel)
    assert panel.weight_edit is not None
    assert panel.weight_edit.hasFocus()
    qtbot.keyClicks(panel.weight_edit, "70")
    assert panel.dose_lines() == []  # no dose until the clinician picks one
    qtbot.keyClick(panel.weight_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # past the kg and lb buttons
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert panel.dose_edit is not None
    assert panel.dose_edit.hasFocus()
    qtbot.keyClicks(panel.dose_edit, "0.5")
    # 0.5 mg/kg × 70 kg = 35 mg
    assert "35 mg" in "\n".join(panel.dose_lines())
    window.open_item("iv-ketamine-ptsd")  # research only: no calculator to go to
    assert not window.actions_by_id["focus_calculator"].isEnabled()


def test_the_content_history_shows_reviews_and_changes(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    import datetime as dt

    from ketaref.content.format.model import Review

    window = make_window()
    window.actions_by_id["content_history"].trigger()
    dialog = open_dialog(qtbot, "Content version and reviews")
    text = dialog.text.toPlainText()  # type: ignore[attr-defined]
    assert "Not yet clinically reviewed" in text
    assert bundled_library.manifest.changes[0][:40] in text
    dialog.close()

    review = Review(
        name="Dr A. Example", role="psychiatrist", date=dt.date(2026, 12, 1), scope="all"
    )
    reviewed = dataclasses.replace(
        bundled_library,
        manifest=bundled_library.manifest.model_copy(update={"reviews": (review,)}),
    )
    window = make_window(ActiveContent(library=reviewed, origin="bundled"))
    assert not any(b.objectName() == "notReviewedBanner" for b in window.banners)
    window.actions_by_id["content_history"].trigger()
    dialog = open_dialog(qtbot, "Content version and reviews")
    text = dialog.text.toPlainText()  # type: ignore[attr-defined]
    for expected in ("Dr A. Example", "psychiatrist", "2026-12-01", "all"):
        assert expected in text
    dialog.close()


def test_the_glossary_lists_the_packs_abbreviations_from_the_help_menu(
    qtbot: QtBot, window: MainWindow, bundled_library: Library
) -> None:
    help_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Help")
    assert window.actions_by_id["glossary"] in help_menu.actions()
    window.actions_by_id["glossary"].trigger()
    dialog = open_dialog(qtbot, "Glossary of abbreviations")
    model = dialog.findChild(QTableView).model()
    rows = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    assert rows["REMS"] == "Risk Evaluation and Mitigation Strategy"
    assert "Clinician Administered Dissociative Symptoms Scale" in rows["CADSS"]
    assert len(rows) == len(bundled_library.glossary)
    dialog.close()


@pytest.mark.parametrize(
    ("refused", "standard", "expired", "rules", "words", "severity"),
    [
        (True, True, False, None, "you are seeing the standard content", "critical"),
        (True, False, False, None, "the last copy this computer trusted", "critical"),
        (False, True, True, None, "past its expiry date", "warning"),
        (False, True, False, "refused, none kept", "show as not set by this clinic", "warning"),
        (False, True, False, "refused, kept", "the last ones this computer trusted", "warning"),
        (False, True, False, "past review", "past their review date", "warning"),
        (False, True, False, None, "a note about the content in use", "info"),
    ],
)
def test_the_content_banner_says_what_happened_and_what_to_do_in_plain_words(
    refused: bool, standard: bool, expired: bool, rules: str | None, words: str, severity: str
) -> None:
    from ketaref.content.format.local_rules import LocalRules, LocalRulesInForce

    kept = cast(LocalRules, object())  # only whether there are rules in force is read
    local_rules = {
        None: None,
        "refused, none kept": LocalRulesInForce(refusal="the local rules at /srv/x were refused"),
        "refused, kept": LocalRulesInForce(kept, refusal="the local rules at /srv/x were refused"),
        "past review": LocalRulesInForce(past_review=True),
    }[rules]
    text, found = content_notice(
        refused=refused, standard=standard, expired=expired, local_rules=local_rules
    )
    assert words in text
    assert found == severity
    assert text.endswith("Tell IT.")
    # No paths, file positions, hashes or pack jargon: those are for the Details dialog.
    assert not re.search(r"/|\.yaml|:\d|\bpack\b|refused", text), text


def test_a_problem_only_in_the_users_own_settings_is_not_sent_to_it(
    make_window: WindowFactory,
) -> None:
    own = MachineSettings(problems=("user settings: paper_size not a paper size",))
    window = make_window(machine=own)
    (banner,) = [b for b in window.banners if b.objectName() == "policyBanner"]
    assert banner.label.text().startswith("Your own settings have a problem")
    assert "Tell IT" not in banner.label.text()
