"""Allow `python -m briefgen`."""

from briefgen.quick import main

main()
