"""Read a running ketaref's accessibility tree over AT-SPI, as a screen reader does; print JSON.

Run with the system Python and its pyatspi (``python3-pyatspi``), never the project venv: the
reading must happen in a separate process, through the AT-SPI bus, like Orca's. Usage::

    /usr/bin/python3 atspi_tree.py [--wait-for ROLE=TEXT]... [--timeout SECONDS]

Waits until the application named ``ketaref`` shows, for each ``--wait-for``, an object of that
role whose name or text contains TEXT (the app is another process: its tree fills in as it
handles events), then prints every object of the application: role, name, description, states,
the text of objects that have a Text interface, and the children.
"""

import argparse
import json
import sys
import time

import pyatspi

APP_NAME = "ketaref"
MAX_DEPTH = 40
POLL_S = 0.2


def text_of(node):
    try:
        text = node.queryText()
    except NotImplementedError:
        return None
    return text.getText(0, min(text.characterCount, 2000))


def dump(node, depth=0):
    """One object and its subtree as plain data (objects that vanish mid-read are skipped)."""
    try:
        entry = {
            "role": node.getRoleName(),
            "name": node.name or "",
            "description": node.description or "",
            "states": sorted(s.value_nick for s in node.getState().getStates()),
            "text": text_of(node),
            "children": [],
        }
    except (RuntimeError, LookupError):  # gone while read: GLib.GError, or IndexError
        return None
    if depth < MAX_DEPTH:
        for child in node:
            if child is not None:
                read = dump(child, depth + 1)
                if read is not None:
                    entry["children"].append(read)
    return entry


def application():
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.name == APP_NAME:
            return app
    return None


def shows(tree, role, text):
    if tree["role"] == role and (text in tree["name"] or text in (tree["text"] or "")):
        return True
    return any(shows(child, role, text) for child in tree["children"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait-for", action="append", default=[], metavar="ROLE=TEXT")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    wanted = [item.partition("=")[::2] for item in args.wait_for]
    deadline = time.monotonic() + args.timeout
    tree = None
    while time.monotonic() < deadline:
        app = application()
        tree = dump(app) if app is not None else None
        if tree and tree["children"] and all(shows(tree, r, t) for r, t in wanted):
            json.dump(tree, sys.stdout)
            return 0
        time.sleep(POLL_S)
    seen = "no application named ketaref" if tree is None else json.dumps(tree)[:2000]
    print(f"gave up waiting for {args.wait_for}; saw: {seen}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
