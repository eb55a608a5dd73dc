"""Entry point of the frozen app (PyInstaller): the same ``ketaref`` command as the wheel's."""

from ketaref.cli import main

raise SystemExit(main())
