"""Which policy functions an upper text names (教育行政部门, 科学技术主管部门, 教育部 …).

Laws and national documents assign tasks to a *function* (县级以上人民政府教育行政部门) rather
than to a named bureau; a city plan assigns them to bureaus (市教育局).  Both map to the same
function vocabulary of :mod:`policytext.agencies` (``education``, ``science_technology`` …),
read from the agency lexicon's ``stem`` and ``name`` rows, so the aligner can check whether a
lower measure's responsible units serve the function the upper text names.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

#: Body suffixes after a function stem: 教育|行政部门, 科技|部, 财政|厅.  A one-character
#: suffix must not open a common word: 改革|部署, 农村|部分, 教育|局面, 科技|委托 name no body
#: (教育部部署 still names 教育部: only the character right after the suffix is checked).
_SUFFIX = (
    r"(?:行政主管部门|主管部门|行政部门|管理部门|部门|部(?![署分位件落])|厅(?![堂])"
    r"|局(?![面势限部])|委员会|委(?![托派任屈婉]))"
)
#: Functions too generic to check (a 人民政府 or 办公室 names no policy field).
_GENERIC = frozenset({"government", "government_office", "party_committee"})


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """Stem alternation built once from the shipped agency lexicon (read-only)."""
    stems: dict[str, str] = {}
    try:
        text = (resources.files("policytext") / "data" / "agencies.tsv").read_text(encoding="utf-8")
    except OSError:
        text = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) >= 4 and cells[0] in ("stem", "name") and cells[3] and cells[3] not in _GENERIC:
            stems.setdefault(cells[1], cells[3])
    if not stems:
        return re.compile(r"(?!x)x"), {}
    alternation = "|".join(re.escape(s) for s in sorted(stems, key=lambda s: (-len(s), s)))
    return re.compile(f"({alternation}){_SUFFIX}"), stems


def named_functions(text: str) -> tuple[str, ...]:
    """Sorted functions of the bodies ``text`` names by function (empty when it names none)."""
    pattern, stems = _pattern()
    return tuple(sorted({stems[m.group(1)] for m in pattern.finditer(text)}))
