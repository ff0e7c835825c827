"""`lps`: the command-line client of the gateway, one module per command group.

`services.gateway.cli:main` is the installed entry point.
"""

from services.gateway.cli.app import app, main

__all__ = ["app", "main"]
