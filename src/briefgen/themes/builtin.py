"""Name the built-in themes: the folder holding them, their names, the default one and the old names.

Light on purpose (no model, no YAML): the settings model reads the default theme and the names when a command
shows its help or checks the project file.
"""

from __future__ import annotations

from pathlib import Path

MANIFEST = "theme.yaml"
DEFAULT_THEME = "briefing"
ALIASES = {"default": DEFAULT_THEME}  # the built-in theme's name before themes had manifests


def builtin_root() -> Path:
    """The built-in themes: inside the installed package, or the repository's templates/ folder."""
    packaged = Path(__file__).resolve().parents[1] / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "templates"


def builtin_themes() -> list[str]:
    return sorted(p.name for p in builtin_root().iterdir() if (p / MANIFEST).is_file())


__all__ = ["ALIASES", "DEFAULT_THEME", "MANIFEST", "builtin_root", "builtin_themes"]
