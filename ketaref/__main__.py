"""Allow ``python -m ketaref``."""

from ketaref.cli import main

raise SystemExit(main())
