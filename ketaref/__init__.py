"""ketaref: a desktop reference for ketamine and esketamine treatment protocols."""

__version__ = "0.1.0"
