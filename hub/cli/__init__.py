"""The ``hub`` command, one module per command group; ``main`` is the console entry point."""

from hub.cli.app import app, main

__all__ = ["app", "main"]
