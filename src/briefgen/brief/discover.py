"""Find the brief files that command-line paths name: files as given, folders searched one level down."""

from __future__ import annotations

from pathlib import Path

BRIEF_NAMES = ("brief.yaml", "brief.yml")
DEFAULT_FOLDER = Path("briefs")  # searched when no path is given
START_HINT = "run `briefgen new NAME` to start a brief, or name a brief file or folder"


def find_briefs(paths: list[Path]) -> list[Path]:
    """Brief files named by `paths`: files as given; folders searched for `*.yaml` and `*/brief.yaml`."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            if any((path / name).is_file() for name in BRIEF_NAMES):
                found += [path / n for n in BRIEF_NAMES if (path / n).is_file()]
                continue
            try:
                children = sorted(path.iterdir())
            except OSError:  # an unreadable folder: reading it as a brief says why
                found.append(path)
                continue
            for child in children:
                if child.is_file() and child.suffix in (".yaml", ".yml"):
                    found.append(child)
                elif child.is_dir():
                    found += [child / n for n in BRIEF_NAMES if (child / n).is_file()]
        elif path.exists():
            found.append(path)
    return found


__all__ = ["BRIEF_NAMES", "DEFAULT_FOLDER", "START_HINT", "find_briefs"]
