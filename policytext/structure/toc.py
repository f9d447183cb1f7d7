"""Find a table of contents (目录) so that its entries are not read as the document's outline.

Long plans exported from PDF or Word open with a 目录 whose lines repeat every heading with dot
leaders and a page number (``三、重点任务........5``).  Read as numbered items they would give
every section and measure twice, the first copy a one-line stub.  The outline is therefore
built from the end of the table of contents.
"""

from __future__ import annotations

import re

from policytext._util import line_spans
from policytext.model import Span

#: Dot leaders (4+ dots, 2+ ellipses, middle dots, full-width dots) then a page number at line end.
_ENTRY = re.compile(r"(?:\.{4,}|…{2,}|·{4,}|．{4,}|(?:\. ){4,})[ \t]*\d{1,4}[ \t]*$")
_HEADING = re.compile(r"[ \t]*目[ \t\u3000]*录[ \t]*")
_LEADERS = ("....", "……", "····", "．．．．", ". . . . ")
# The leaders by their character: a one-character ``in`` test is two to three times cheaper than
# a longer one (the search jumps between occurrences of the character), and most texts lack all four.
_LEADERS_BY_CHAR = tuple(
    (char, tuple(leader for leader in _LEADERS if leader[0] == char)) for char in ".…·．"
)
#: A table of contents has at least this many entries.
MIN_ENTRIES = 3
#: An entry's heading may wrap onto a line of its own (no leader) of at most this length.
_WRAPPED_MAX = 40


def table_of_contents(text: str) -> Span | None:
    """The span of the first table of contents in ``text`` (its 目录 line included), or None.

    The span ends at the start of the line after the last entry, which is where the outline
    scan may begin.
    """
    if not any(
        char in text and any(leader in text for leader in leaders) for char, leaders in _LEADERS_BY_CHAR
    ):
        return None  # the common case, decided by substring tests alone
    lines = line_spans(text)
    for number, (start, end) in enumerate(lines):
        if _ENTRY.search(text, start, end):
            return _block(text, lines, number)
    return None


def _block(text: str, lines: list[tuple[int, int]], first: int) -> Span | None:
    """The table of contents whose first entry is ``lines[first]``, or None if it is too short."""
    entries = 0
    last = first
    heading_waits = False  # a wrapped heading line waits for its leader line
    for number in range(first, len(lines)):
        start, end = lines[number]
        line = text[start:end]
        if _ENTRY.search(line):
            entries += 1
            last = number
            heading_waits = False
        elif not line.strip():
            continue
        elif not heading_waits and len(line.strip()) <= _WRAPPED_MAX and "。" not in line:
            heading_waits = True
        else:
            break
    if entries < MIN_ENTRIES:
        return None
    begin = first
    while begin > 0 and not text[lines[begin - 1][0] : lines[begin - 1][1]].strip():
        begin -= 1
    if begin > 0 and _HEADING.fullmatch(text, *lines[begin - 1]):
        begin -= 1
    end = lines[last][1] + 1
    return Span(lines[begin][0], min(end, len(text)))
