"""Allow ``python -m mlpolicy``."""

from mlpolicy.cli import main

main()
