"""Subcommands of the ``exposure`` CLI, one module per capability."""
