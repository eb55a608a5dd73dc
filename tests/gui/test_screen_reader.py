"""The app as a screen reader meets it: the real app on an X server, read over AT-SPI.

The app runs under Xvfb with its own D-Bus session and AT-SPI bus, with
``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1`` (as when Orca runs). It is driven with real key presses
(xdotool): search, open a protocol, type a weight into the dose calculator, open the print dialog.
``atspi_tree.py`` reads the tree in a separate process with the system Python's pyatspi (the
venv cannot import it), as Orca would. Needs xvfb, dbus, at-spi2-core, python3-pyatspi, xdotool:
skipped where they are missing, a failure under CI (``.ci/run`` installs them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ketaref import paths
from ketaref.content.format.pack import load_pack
from ketaref.dosing.calculator import calculate
from tests.gui.system_tools import require_commands, system_python_has

READER = Path(__file__).with_name("atspi_tree.py")
#: The app and the reader run as separate processes on their own bus, each allowed 120 s.
pytestmark = pytest.mark.timeout(300)
A11Y_BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
#: Roles a user can act on: each must have a name a screen reader can say.
INTERACTIVE_ROLES = {
    "push button", "toggle button", "check box", "radio button", "combo box", "text", "entry",
    "password text", "spin button", "slider", "menu item", "check menu item",
    "radio menu item", "link", "list", "tree", "table", "tree table", "page tab", "date editor",
}  # fmt: skip
ALERT_ROLES = {"alert", "notification"}
PROTOCOL = "iv-ketamine-trd"
WEIGHT = "70"
#: The dose the test types: the calculator offers the published doses but picks none itself.
DOSE = "0.5 mg/kg"

Node = dict[str, Any]


def walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node["children"]:
        yield from walk(child)


def controls(node: Node) -> Iterator[Node]:
    """Every object on screen a user can act on, but a combo box's own pop-up list."""
    acts = node["role"] in INTERACTIVE_ROLES or "focusable" in node["states"]
    if acts and "showing" in node["states"]:
        yield node
    for child in node["children"]:
        if not (node["role"] == "combo box" and child["role"] == "list"):
            yield from controls(child)


class Session:
    """Xvfb, a D-Bus session with the AT-SPI bus, and the app; closed in reverse order."""

    def __init__(self, workdir: Path) -> None:
        self.processes: list[subprocess.Popen[str]] = []
        runtime = workdir / "run"
        runtime.mkdir(mode=0o700)
        # Private folders, so the AT-SPI bus socket and the app's files are this test's own.
        self.env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(workdir / "config"),
            "KETAREF_STATE_DIR": str(workdir / "state"),
            "KETAREF_USER_SETTINGS": str(workdir / "settings.toml"),
            "KETAREF_POLICY": str(workdir / "policy.toml"),
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "QT_QPA_PLATFORM": "xcb",
        }
        # A policy with an unknown key: the window shows a second banner, with a button.
        (workdir / "policy.toml").write_text('no_such_setting = "x"\n', encoding="utf-8")
        xvfb = self.start(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24"])
        self.env["DISPLAY"] = f":{self.first_line(xvfb)}"
        bus = self.start(["dbus-daemon", "--session", "--nofork", "--print-address=1"])
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.first_line(bus)
        # Start the AT-SPI bus before the app, which looks for it once, at start.
        self.run(["gdbus", "call", "--session", "--dest", "org.a11y.Bus",
                  "--object-path", "/org/a11y/bus", "--method", "org.a11y.Bus.GetAddress"])  # fmt: skip
        self.start([sys.executable, "-m", "ketaref"], capture=False)

    def start(self, command: list[str], *, capture: bool = True) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.processes.append(process)
        return process

    @staticmethod
    def first_line(process: subprocess.Popen[str]) -> str:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line, f"{process.args[0]} did not start"
        return line

    def run(self, command: list[str]) -> str:
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{command[0]}: {done.stderr}"
        return done.stdout

    def keys(self, *keys: str) -> None:
        """Press keys in the app's window (xdotool's names: ctrl+k, Return, Escape)."""
        self.run(["xdotool", "key", "--delay", "30", *keys])

    def type(self, text: str) -> None:
        self.run(["xdotool", "type", "--delay", "30", text])

    def tree(self, *wait_for: str) -> Node:
        """The app's accessibility tree once it shows each ``ROLE=TEXT`` of ``wait_for``."""
        arguments = [f"--wait-for={condition}" for condition in wait_for]
        return json.loads(self.run(["/usr/bin/python3", str(READER), *arguments]))  # type: ignore[no-any-return]

    def focus_window(self) -> None:
        """Give the main window the keyboard (Xvfb has no window manager to do it)."""
        found = self.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "^ketaref$"])
        self.window = found.split()[0]
        self.run(["xdotool", "windowfocus", "--sync", self.window])

    def close(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Node]]:
    """The tree with a dose calculated, and with the print dialog open over it."""
    require_commands("Xvfb", "dbus-daemon", "gdbus", "xdotool", A11Y_BUS_LAUNCHER)
    system_python_has("pyatspi")
    library = load_pack(paths.bundled_content_dir())
    title = library.protocols[PROTOCOL].title
    session = Session(tmp_path_factory.mktemp("screen-reader"))
    try:
        session.tree("frame=ketaref")
        session.focus_window()
        session.keys("ctrl+k")
        session.type(title)
        session.keys("Return")
        session.tree(f"frame={title}")
        session.keys("ctrl+4")
        session.type(WEIGHT)
        session.keys("alt+o")  # the dose field
        session.type(DOSE.split()[0])
        calculated = session.tree(f"text={DOSE.split()[0]}")
        session.keys("ctrl+p")
        with_dialog = session.tree("dialog=Print session checklist")
        session.keys("Escape")
        yield {"calculator": calculated, "print dialog": with_dialog}
    finally:
        session.close()


def test_every_control_has_a_role_and_a_name(trees: dict[str, Node]) -> None:
    unnamed = [
        (view, node["role"], node["description"])
        for view, tree in trees.items()
        for node in controls(tree)
        if not node["name"].strip()
    ]
    unknown = [
        (view, node["name"])
        for view, tree in trees.items()
        for node in controls(tree)
        if node["role"] in ("unknown", "invalid")
    ]
    assert unnamed == [], unnamed
    assert unknown == [], unknown


def test_banners_are_alerts(trees: dict[str, Node]) -> None:
    alerts = [node for node in walk(trees["calculator"]) if node["role"] in ALERT_ROLES]
    names = [node["name"] for node in alerts]
    assert "Not yet clinically reviewed" in names
    assert "This computer's settings from IT have a problem" in " ".join(
        node["description"] for node in alerts
    )
    # The banner's button is inside it, so it is read with the alert.
    buttons = [child for node in alerts for child in walk(node) if child["role"] == "push button"]
    assert [button["name"] for button in buttons] == ["Details…"]


def test_the_content_version_is_readable(trees: dict[str, Node]) -> None:
    library = load_pack(paths.bundled_content_dir())
    spoken = [node["name"] for node in walk(trees["calculator"])]
    # The status bar's words, not only what it is: "Content 2026.11.0 · pack 50bb383a756c …".
    assert any(f"Content {library.version} · pack {library.pack_hash}" in name for name in spoken)


def test_the_calculated_dose_is_readable(trees: dict[str, Node]) -> None:
    protocol = load_pack(paths.bundled_content_dir()).protocols[PROTOCOL]
    result = calculate(protocol, weight=f"{WEIGHT} kg", dose=DOSE)
    assert result.dose_mg is not None
    dose = result.dose_mg.display()
    # A label is read by its name; a text field by its text.
    readable = [node["name"] + " " + (node["text"] or "") for node in walk(trees["calculator"])]
    assert any(dose in words for words in readable), dose
