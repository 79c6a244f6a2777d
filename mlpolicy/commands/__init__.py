"""The subcommands: one module each, holding its click command (``command``) and its work.

``mlpolicy.cli`` imports a module from :data:`COMMAND_BY_NAME` only when its subcommand
runs (or ``--help`` lists them), so ``mlpolicy check`` never imports ``export``, ``status``
or ``attest``. This package is the top layer: nothing below it imports it.
"""

from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

# subcommand -> the module under mlpolicy.commands whose ``command`` it is
COMMAND_BY_NAME: dict[str, str] = {
    "check": "check",
    "rules": "rules",
    "explain": "explain",
    "schema": "schema",
    "init": "init",
    "advance": "advance",
    "attest": "attest",
    "status": "status",
    "export": "export",
    "log": "log",
    "hooks": "hooks",
}
