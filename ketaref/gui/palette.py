"""Every colour the app sets, in one place, for a light and a dark palette.

The app mostly draws in the palette's own colours; where it sets one (muted labels, badges,
banners, chips, warnings, refusals, links and the focused link, the focus ring, search
highlights, the toggle that is down), it takes it from here, and ``colors_for`` picks the light
or dark set by the lightness of the palette's window colour. Each text colour is paired with the background it is
drawn on in ``TEXT_PAIRS``, and the focus colour with what it marks in ``FOCUS_PAIRS``; a test
checks every text pair reaches WCAG AA (4.5:1) and every focus pair and ``STATE_PAIRS`` 3:1, in
both a light and a dark palette.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QColor, QPalette

from ketaref.gui.page_html import PageColors, Theme


@dataclass(frozen=True)
class Colors(PageColors):
    """One set of colours (as #rrggbb), for a light or for a dark palette."""

    match: str
    match_text: str
    warning_text: str
    refusal_text: str
    error_text: str
    info_banner: str
    info_banner_text: str
    warning_banner: str
    warning_banner_text: str
    critical_banner: str
    critical_banner_text: str
    focus: str
    focus_link_text: str
    preview_background: str
    choice_checked: str
    choice_checked_text: str


LIGHT = Colors(
    muted="#595959",
    link="#0645ad",
    badge="#1d4f91",
    badge_text="#ffffff",
    shade="#eef1f5",
    border="#7a8391",
    chip="#fff0c2",
    chip_text="#4d3800",
    danger="#fde7e9",
    danger_text="#6e0000",
    danger_border="#c50f1f",
    glance="#eef5fc",
    glance_border="#1d4f91",
    match="#ffe680",
    match_text="#000000",
    warning_text="#6b4100",
    refusal_text="#a00000",
    error_text="#a00000",
    info_banner="#e5f1fb",
    info_banner_text="#002f5c",
    warning_banner="#fff4ce",
    warning_banner_text="#3d2e00",
    critical_banner="#fde7e9",
    critical_banner_text="#6e0000",
    focus="#1d63c9",
    focus_link_text="#ffffff",
    preview_background="#808080",
    choice_checked="#1d4f91",
    choice_checked_text="#ffffff",
)

DARK = Colors(
    muted="#b8b8b8",
    link="#8ab4f8",
    badge="#2f6fb8",
    badge_text="#ffffff",
    shade="#34383e",
    border="#7d8693",
    chip="#4a3b00",
    chip_text="#ffe9a8",
    danger="#4d1616",
    danger_text="#ffd6d6",
    danger_border="#ff6b6b",
    glance="#1d2b3a",
    glance_border="#8ab4f8",
    match="#6b5a00",
    match_text="#ffffff",
    warning_text="#ffc66d",
    refusal_text="#ff9b91",
    error_text="#ff9b91",
    info_banner="#10324f",
    info_banner_text="#d6ebff",
    warning_banner="#4a3b00",
    warning_banner_text="#ffe9a8",
    critical_banner="#5c1a1a",
    critical_banner_text="#ffd6d6",
    focus="#8ab4f8",
    focus_link_text="#000000",
    preview_background="#505050",
    choice_checked="#8ab4f8",
    choice_checked_text="#000000",
)

#: Every text colour the app sets, with what it is drawn on: another colour of the set, or a
#: palette role ("base" for text views, "window" for dialogs and panels).
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("muted", "base"),
    ("muted", "window"),
    ("link", "base"),
    ("link", "glance"),
    ("link", "danger"),
    ("badge_text", "badge"),
    ("chip_text", "chip"),
    ("danger_text", "danger"),
    ("match_text", "match"),
    ("warning_text", "window"),
    ("refusal_text", "window"),
    ("error_text", "window"),
    ("info_banner_text", "info_banner"),
    ("warning_banner_text", "warning_banner"),
    ("critical_banner_text", "critical_banner"),
    ("focus_link_text", "focus"),
    ("choice_checked_text", "choice_checked"),
)
#: A toggle that is down against one that is up (its fill against the palette's button colour):
#: the choice made must be told apart at a glance, 3:1 as for any part of a control (WCAG 1.4.11).
STATE_PAIRS: tuple[tuple[str, str], ...] = (
    ("choice_checked", "button"),
    ("choice_checked", "window"),
)
#: Where the focus colour marks the keyboard's place (a focused link's fill, the ring round a
#: field), with what it is next to: it must stand out from that by 3:1 (WCAG 1.4.11, 2.4.13).
FOCUS_PAIRS: tuple[tuple[str, str], ...] = (
    ("focus", "base"),
    ("focus", "window"),
    ("focus", "glance"),
    ("focus", "danger"),
)
#: The contrast a focus indicator needs against what is next to it.
FOCUS_CONTRAST = 3.0
#: Text drawn in the palette's own text colour on a colour of the set.
PALETTE_TEXT_ON: tuple[str, ...] = ("shade", "glance", "danger")


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark one (light text on a dark window)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colors_for(palette: QPalette) -> Colors:
    """The colour set that reads well on ``palette``."""
    return DARK if is_dark(palette) else LIGHT


def theme_from(palette: QPalette) -> Theme:
    """Colours for the rich text of the reading pane, for ``palette``."""
    colors = colors_for(palette)
    return Theme(
        text=palette.color(QPalette.ColorRole.Text).name(),
        **{field.name: getattr(colors, field.name) for field in fields(PageColors)},
    )


def background(colors: Colors, palette: QPalette, name: str) -> str:
    """A background of ``TEXT_PAIRS`` or ``STATE_PAIRS``: a colour of the set or a palette role, as #rrggbb."""
    roles = {
        "base": QPalette.ColorRole.Base,
        "window": QPalette.ColorRole.Window,
        "button": QPalette.ColorRole.Button,
    }
    if name in roles:
        return palette.color(roles[name]).name()
    return str(getattr(colors, name))


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(name: str) -> float:
        color = QColor(name)
        channels = []
        for value in (color.redF(), color.greenF(), color.blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def dark_palette() -> QPalette:
    """A dark palette like the desktops' dark modes (for screenshots and tests)."""
    role = QPalette.ColorRole
    palette = QPalette()
    for name, color in (
        (role.Window, "#2d2d2d"),
        (role.WindowText, "#eeeeee"),
        (role.Base, "#1e1e1e"),
        (role.AlternateBase, "#2a2a2a"),
        (role.Text, "#eeeeee"),
        (role.Button, "#3a3a3a"),
        (role.ButtonText, "#eeeeee"),
        (role.ToolTipBase, "#3a3a3a"),
        (role.ToolTipText, "#eeeeee"),
        (role.PlaceholderText, "#a0a0a0"),
        (role.Highlight, "#2f6fb8"),
        (role.HighlightedText, "#ffffff"),
        (role.Link, "#8ab4f8"),
        (role.Mid, "#555555"),
        (role.Dark, "#1a1a1a"),
        (role.Light, "#4a4a4a"),
        (role.BrightText, "#ffffff"),
    ):
        palette.setColor(name, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#8a8a8a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor("#8a8a8a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#8a8a8a"))
    return palette


#: What the focus ring is drawn round: the reading pane, lists, the tree and fields.
FOCUS_RING_WIDGETS = (
    "QTextBrowser",
    "QListView",
    "QTreeView",
    "QComboBox",
    "QLineEdit",
    "QDateEdit",
)


def focus_style_sheet(palette: QPalette) -> str:
    """The rule that draws a 2 px ring round the focused reading pane, list, tree or field.

    Unfocused, the frame is 1 px and 1 px of padding, so the ring takes no more room: Qt sizes
    a frame once, not at each change of focus.
    """
    colors = colors_for(palette)
    plain = ", ".join(FOCUS_RING_WIDGETS)
    focused = ", ".join(f"{name}:focus" for name in FOCUS_RING_WIDGETS)
    return (
        f"{plain} {{ border: 1px solid {colors.border}; padding: 1px; }}"
        f" {focused} {{ border: 2px solid {colors.focus}; padding: 0px; }}"
    )


def toggle_style_sheet(palette: QPalette) -> str:
    """The rule for toggle buttons (kg/lb, min/h, doses): the one that is down filled in a
    strong colour, with a 2 px ring when the keyboard is on it (inside the fill, in the fill's
    text colour, so it shows on the fill too)."""
    colors = colors_for(palette)
    return (
        "QPushButton { background: palette(button); color: palette(button-text);"
        f" border: 1px solid {colors.border}; border-radius: 3px; padding: 4px 8px; }}"
        f" QPushButton:checked {{ background: {colors.choice_checked};"
        f" color: {colors.choice_checked_text}; border-color: {colors.choice_checked}; }}"
        f" QPushButton:focus {{ border: 2px solid {colors.focus}; padding: 3px 7px; }}"
        f" QPushButton:checked:focus {{ border-color: {colors.choice_checked_text}; }}"
    )
