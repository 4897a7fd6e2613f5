"""`python -m opslens` runs the command-line interface."""

from opslens.cli import main

main()
