"""The pack the app uses and what views read from it: which pack, its summary, search, text."""
