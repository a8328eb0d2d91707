"""Fresco control plane: configuration, definitions, registries and the CLI."""

__version__ = "0.1.0"
