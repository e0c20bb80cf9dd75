"""Allow `python -m briefgen`."""

from briefgen.quick import program

program()
