"""A fourth engine that exists only in the tests: it writes a brief as plain text (`--format txt`) and typesets
no PDF, so it has no ENGINE. It proves that an engine is its package, its templates and one entry in the
registry (tests/backends/test_backends.py adds it to briefgen.backends.BACKENDS): nothing else in briefgen names it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.backends import Backend

if TYPE_CHECKING:
    from briefgen.doctor import Check

BACKEND = Backend(
    "plaintext",
    "text",
    ".txt",
    "tests.plaintext",
    False,
    "plain text, no PDF",
    refuses=(("ua-1", "plain text has no tags"),),
    pdf=False,
)


def doctor(backend: Backend) -> Check:
    """What `briefgen doctor` says of this engine: it needs nothing."""
    from briefgen.doctor import Check

    return Check(backend.name, True, "writes plain text; needs nothing")
