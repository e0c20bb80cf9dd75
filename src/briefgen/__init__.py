"""briefgen: turn structured notes about an announcement into PDF briefings."""

__version__ = "0.1.0"

# typing is not imported: `briefgen build` answers an up-to-date build before it would be
TYPE_CHECKING = False
if TYPE_CHECKING:
    from briefgen.errors import BriefgenError as BriefgenError
    from briefgen.errors import Problem as Problem


def __getattr__(name: str) -> object:
    """The errors, imported when first asked for (dataclasses is not cheap to import)."""
    if name in ("BriefgenError", "Problem"):
        from briefgen import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'briefgen' has no attribute {name!r}")


__all__ = ["BriefgenError", "Problem", "__version__"]
