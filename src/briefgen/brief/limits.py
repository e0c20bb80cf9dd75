"""The limits on a brief's size, one place for the code, docs/brief-format.md and SECURITY.md to agree on."""

from __future__ import annotations

MAX_FILE_BYTES = 1_000_000  # a brief, a catalog or a theme manifest
MAX_SOURCE_BYTES = 2_000_000  # the source text that `source.file` names
MAX_DEPTH = 20  # lists and mappings nested in each other (a brief needs 10 at most)
MAX_TEXT = 20_000  # characters in one text, as written and with its facts filled in
MAX_MARKUP = 500  # characters of inline markup [ ] ( ) * ` in one text: parsing them is quadratic
MAX_FILLED = 1_000_000  # characters in all the texts of one language, facts filled in
MAX_NUMBER = 10**15  # the largest amount, count or number
MAX_DECIMALS = 10  # decimal places of an amount or number
MAX_LANGUAGES = 10
MAX_ID = 100  # characters of an id: the brief's names its files (`<id>.<lang>.pdf`, at most 255 bytes)
MAX_FACTS = 200
MAX_KEY_FACTS = 50
MAX_GROUP_MEMBERS = 20  # facts a group names, counting those of the groups in it
MAX_GROUP_DEPTH = 3  # a group in a group in a group
MAX_SECTIONS = 50
MAX_SUBSECTIONS = 50  # per section
MAX_BLOCKS = 100  # per section or subsection
MAX_ITEMS = 100  # per list: the items of a block, keywords, not_stated
MAX_EXCERPTS = 50  # the basis of one block
MAX_FLAGS = 100
MAX_SOURCES = 20
MAX_COLUMNS = 12  # of a table
MAX_ROWS = 500  # of a table
MAX_FIGURE_BYTES = 10_000_000  # an image file a figure shows
