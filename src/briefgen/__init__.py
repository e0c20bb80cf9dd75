"""briefgen: turn structured notes about an announcement into PDF briefings."""

from briefgen.errors import BriefgenError as BriefgenError
from briefgen.errors import Problem as Problem

__version__ = "0.1.0"

__all__ = ["BriefgenError", "Problem", "__version__"]
