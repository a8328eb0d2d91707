"""The `fresco` command line."""
