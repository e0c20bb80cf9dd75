"""Ask validators the project did not write whether a PDF meets a standard.

- page-validation (`page`, a Rust PDF/A-1..3 and PDF/UA-1 checker that passes the veraPDF and Isartor corpora):
  the verdict of every standard briefgen claims.
- outloud (PDF/UA-1 plus the semantic checks a validator cannot make, on pikepdf and PyMuPDF): a second opinion
  on tagged PDFs, and the one that tells running headers, footers and banners tagged as content (PAG-001).

Each gives the findings as lines `RULE: message`, none when the PDF passes, for the assertion to print whole.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# briefgen's name of a standard → page-validation's profile.
PROFILES = {"ua-1": "ua1", "a-2b": "2b", "a-3b": "3b"}
# outloud's findings that fail a PDF that claims PDF/UA-1: every error, and the warnings that are ours to fix.
OUTLOUD_WARNINGS = (
    "PAG-001",  # a running header or footer tagged as content on three pages or more
)


def page_failures(pdf: Path, standard: str) -> list[str]:
    """page-validation's failures of `pdf` for `standard` ("ua-1", "a-2b", "a-3b"): `RULE: message` lines."""
    import page

    report = page.validate_pdf(pdf, profile=PROFILES[standard])
    found = [f"{f.rule_id}: {f.message}" for f in report.failures]
    if not report.is_compliant and not found:
        found = [f"not compliant with {standard}, no rule named"]
    return found


def outloud_failures(pdfs: Iterable[Path]) -> dict[Path, list[str]]:
    """outloud's errors (and OUTLOUD_WARNINGS) for each PDF, in one run: `RULE p.N: message` lines."""
    files = list(pdfs)
    command = [
        str(Path(sys.executable).parent / "outloud"),
        "--json",
        "-",
        "--fail-on",
        "never",
        *map(str, files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    found: dict[Path, list[str]] = {}
    for result in json.loads(done.stdout)["results"]:
        assert result["error"] is None, f"outloud could not read {result['path']}: {result['error']}"
        found[Path(result["path"])] = [
            f"{f['rule']} p.{f.get('page')}: {f['message']}"
            for f in result["findings"]
            if f["severity"] == "error" or f["rule"] in OUTLOUD_WARNINGS
        ]
    return found


__all__ = ["OUTLOUD_WARNINGS", "PROFILES", "outloud_failures", "page_failures"]
