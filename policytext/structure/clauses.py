"""Responsibility clauses: who leads (牵头) and who supports (配合/参加/协办) a measure.

Clause forms handled (brackets may be （）, (), 【】 or [] after normalisation):

* （责任单位：A、B）                         → A, B unspecified
* （牵头单位：A；责任单位：B、C）            → A lead; B, C support (责任 after 牵头)
* （牵头单位：A；配合单位：B）               → A lead; B support
* （A牵头，B、C参加）                        → A lead; B, C support
* （A、B负责） / （A等按职责分工负责）        → unspecified
* a line of its own: 牵头单位：A  /  责任单位：B

Units are split on 、，,；; and on 及/和/与 when both sides look like agencies.  Every unit keeps
its character offset so that ``text[span] == unit.name``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain

from policytext.model import Role

# One level of nested round brackets is allowed inside a clause: 市委组织部（市人才办）.
_BRACKETED = re.compile(
    r"（((?:[^（）\n]|（[^（）\n]*）){2,400})）|【([^【】\n]{2,400})】|\[([^\[\]\n]{2,400})\]"
)
# The same, one pattern per kind of bracket: a literal first character lets the regex engine jump
# from bracket to bracket (with the alternation it tests every character of the text, about five
# times slower).  See _bracketed for how their matches are merged.
_BRACKET_SCANS = (
    ("（", re.compile(r"（((?:[^（）\n]|（[^（）\n]*）){2,400})）")),
    ("【", re.compile(r"【([^【】\n]{2,400})】")),
    ("[", re.compile(r"\[([^\[\]\n]{2,400})\]")),
)
# A labelled clause broken over two lines: （牵头单位：A；\n配合单位：B）.  Each line starts with a
# label; looked for only in texts holding a 单位：/部门： (see find_clauses).
_LABEL_WORDS = r"(?:牵头|责任|配合|参与|参加|协办|协同|主办|承办|实施|主责|支持)(?:单位|部门|主体|处室)[：:]"
_BRACKETED_TWO_LINES = re.compile(
    rf"（((?={_LABEL_WORDS})(?:[^（）\n]|（[^（）\n]*）){{2,400}}\n(?={_LABEL_WORDS})(?:[^（）\n]|（[^（）\n]*）){{2,400}})）"
)
_LINE_CLAUSE = re.compile(r"(?m)^(?:(?:牵头|责任|配合|参与|协办|主办|承办|实施)(?:单位|部门))：[^\n]{1,400}$")
# A 单位： or 部门： in the text (a line clause needs one): a scan from each ：, a literal first
# character, where a search for each word took two passes over the text.
_LABEL_COLON = re.compile("：(?<=单位：|部门：)")
_LABEL = re.compile(
    r"(?P<kind>牵头|责任|配合|参与|参加|协办|协同|主办|承办|实施|主责|支持)(?:单位|部门|主体|处室)[：:]"
)
_SKIP_LABEL = re.compile(r"(?:完成|办结)?(?:时限|时间|期限|节点)[：:]")
_KEYWORD = re.compile(r"牵头|负责|参加|配合|参与|协办|落实|实施|单位[：:]|部门[：:]")
_ROLE_SUFFIX = re.compile(
    r"(?P<words>(?:等(?:相关|有关|其他)?(?:部门|单位)?(?:和|及)?(?:部门|单位)?)?(?:按照?职责|依职责|按职能|根据职责)?"
    r"(?:分工)?(?:分别|共同|具体|分头)?"
    # (牵头负责 is a lead: the 负责 after 牵头 is part of it)
    r"(?P<role>牵头|负责落实|负责|参加|配合|参与|协办|协助|落实|组织实施|实施)(?:(?<=牵头)负责)?)$"
)
# A trailing time limit inside a clause: （A负责；2026年底前） / （A负责，长期坚持） / （…；2025年底前完成）.
_TIME_PART = re.compile(
    r"(?:完成时限[：:])?(?:(?:每年|每季度|每半年)?(?:(?:19|20)\d{2}年)?(?:\d{1,2}月)?(?:底|末|年底|年内|前|之前|以前)+"
    r"|长期坚持|持续推进|持续实施|常态化推进|(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?(?:前|之前)?|每年\d{1,2}月(?:底|末)?)"
    r"(?:完成|办结)?$"
)
# Prose, not a unit list: （技工院校内由人力资源社会保障部门负责）, （对…负责）.
_PROSE_MARKERS = re.compile(r"由|对|向|的|为|按照(?!职责)|根据(?!职责)")
# Words a unit name can end with: a conjunction (和/及/与) only splits two names if the left one ends so.
_AGENCY_END = re.compile(
    r"(?:局|委|厅|部|办|院|会|府|中心|集团|公司|室|所|站|队|行|署|馆|校|学院|大学|处|科|组|社|团|管委会|政府|委员会|实验室|部门|单位)$"
)
_GENERIC_TAIL = re.compile(r"等(?:相关|有关|其他)?(?:部门|单位)?(?:和|及)?(?:部门|单位)?$")
# A note inside a clause: （A、B负责，排在第一位的部门为牵头部门，下同）.
_NOTE_PART = re.compile(r"(?:排在|列)第一位|为牵头(?:单位|部门)|^下同$|^以下同$")
_BARE_GENERIC = frozenset({"单位", "部门", "有关单位", "有关部门", "相关单位", "相关部门"})
_SEPARATORS = re.compile(r"[、，,；;]")
_PART_SEPARATORS = re.compile(r"[，,；;]")
_CONJUNCTION = re.compile(r"及|和|与|以及")
_SUPPORT_WORDS = {"参加", "配合", "参与", "协办", "协助", "实施", "组织实施"}
_SUPPORT_LABELS = {"配合", "参与", "参加", "协办", "协同", "支持"}
# Role verbs that may follow a name inside a 责任单位 list: （责任单位：A牵头，B配合）.
_ROLE_VERBS_IN_LIST = ("牵头", "配合", "参加", "参与", "协办", "协助")
# A role printed in brackets after a name: 市科技局（牵头）.
_ROLE_MARK = re.compile(r"[（(](?P<role>牵头|配合|参加|参与|协办|协助)[）)]$")


@dataclass(frozen=True, slots=True)
class ParsedUnit:
    name: str
    role: Role
    start: int  # offset in the text the clause was found in
    end: int


@dataclass(frozen=True, slots=True)
class Clause:
    start: int  # span of the whole clause including brackets
    end: int
    units: tuple[ParsedUnit, ...]

    def with_first_as_lead(self) -> Clause:
        """Apply a document's convention "列第一位者为牵头单位" to a clause that names no roles."""
        if not self.units or any(u.role is not Role.UNSPECIFIED for u in self.units):
            return self
        first, *rest = self.units
        units = (
            ParsedUnit(first.name, Role.LEAD, first.start, first.end),
            *(ParsedUnit(u.name, Role.SUPPORT, u.start, u.end) for u in rest),
        )
        return Clause(self.start, self.end, units)


#: "排在第一位的部门为牵头部门" / "列第一位者为牵头单位": the first unit of each clause leads.
FIRST_IS_LEAD = re.compile(r"(?:排在|列在?|排)第一位(?:的(?:部门|单位)|者)?为牵头(?:部门|单位)")


AgencyTest = Callable[[str], bool]


def find_clauses(text: str, start: int, end: int, is_agency: AgencyTest) -> list[Clause]:
    """Responsibility clauses in ``text[start:end]``, with absolute offsets."""
    clauses: list[Clause] = []
    for match in _bracketed(text, start, end):
        content_start = match.start(1)
        content = match.group(1)
        if not _KEYWORD.search(content):
            continue
        units = parse_clause(content, content_start, is_agency)
        if units:
            clauses.append(Clause(match.start(), match.end(), units))
    if _LABEL_COLON.search(text, start + 2, end):  # (the word must start at or after ``start``)
        _add_two_line_clauses(text, start, end, is_agency, clauses)
        previous: Clause | None = None  # the line clause found last
        for match in _LINE_CLAUSE.finditer(text, start, end):
            if any(c.start <= match.start() < c.end for c in clauses):
                continue
            if previous is not None and previous.end + 1 == match.start():
                # consecutive label lines are one clause: 牵头单位：A\n责任单位：B (B supports A)
                units = parse_clause(text[previous.start : match.end()], previous.start, is_agency)
                if units:
                    clauses.remove(previous)
                    previous = Clause(previous.start, match.end(), units)
                    clauses.append(previous)
                    continue
            units = parse_clause(match.group(0), match.start(), is_agency)
            if units:
                previous = Clause(match.start(), match.end(), units)
                clauses.append(previous)
        clauses.sort(key=lambda c: c.start)
    return clauses


def _add_two_line_clauses(
    text: str, start: int, end: int, is_agency: AgencyTest, clauses: list[Clause]
) -> None:
    """Add the labelled clauses broken over two lines that overlap no clause found already."""
    for match in _BRACKETED_TWO_LINES.finditer(text, start, end):
        if any(c.start < match.end() and match.start() < c.end for c in clauses):
            continue
        units = parse_clause(match.group(1), match.start(1), is_agency)
        if units:
            clauses.append(Clause(match.start(), match.end(), units))


def _bracketed(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The matches of ``_BRACKETED.finditer(text, start, end)`` (content in group 1).

    Usually only round brackets occur and one scan does.  Otherwise each kind's next match is
    kept, the leftmost is taken, and the kinds whose next match it overlaps search again after it,
    which is exactly the leftmost, non-overlapping scan of the alternation.
    """
    scans = [scan for char, scan in _BRACKET_SCANS if text.find(char, start, end) >= 0]
    if len(scans) == 1:
        yield from scans[0].finditer(text, start, end)
        return
    position = start
    upcoming = [scan.search(text, start, end) for scan in scans]
    while True:
        best = None
        for index, match in enumerate(upcoming):
            if match is not None and match.start() < position:
                match = upcoming[index] = scans[index].search(text, position, end)
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        if best is None:
            return
        yield best
        position = best.end()


def parse_clause(content: str, offset: int, is_agency: AgencyTest) -> tuple[ParsedUnit, ...]:
    """Units and roles of one clause body (without brackets); empty if it is not a clause."""
    labels = list(_LABEL.finditer(content))
    if labels and labels[0].start() <= 2:
        units = _labelled(content, offset, labels, is_agency)
    elif labels:
        return ()  # a label in the middle of ordinary prose: not a clause body
    else:
        units = _unlabelled(content, offset, is_agency)
    return tuple(units)


def _labelled(
    content: str, offset: int, labels: list[re.Match[str]], is_agency: AgencyTest
) -> list[ParsedUnit]:
    seen_lead = False
    units: list[ParsedUnit] = []
    for index, label in enumerate(labels):
        segment_end = labels[index + 1].start() if index + 1 < len(labels) else len(content)
        segment_start = label.end()
        skip = _SKIP_LABEL.search(content, segment_start, segment_end)
        if skip:
            segment_end = skip.start()
        kind = label.group("kind")
        if kind == "牵头":
            role = Role.LEAD
            seen_lead = True
        elif kind in _SUPPORT_LABELS or seen_lead:
            role = Role.SUPPORT
        else:
            role = Role.UNSPECIFIED
        segment = content[segment_start:segment_end]
        if role is Role.UNSPECIFIED and any(verb in segment for verb in _ROLE_VERBS_IN_LIST):
            # （责任单位：A牵头，B配合）: the verbs after the names give the roles
            parts = _parts_by_verb(content, segment_start, segment_end)
        else:
            parts = [(segment_start, segment_end, role)]
        for part_start, part_end, part_role in parts:
            for name, start, end in _split_units(content, part_start, part_end, is_agency):
                if _TIME_PART.match(name):
                    continue  # a time limit after the units: （责任单位：A；2025年底前完成）
                units.append(ParsedUnit(name, part_role, offset + start, offset + end))
    return _apply_role_marks(units)


def _parts_by_verb(content: str, start: int, end: int) -> list[tuple[int, int, Role]]:
    """``content[start:end]`` split on ，,；; into parts, each with the role its closing verb gives.

    A part without a verb supports when another part leads (the rule for 责任 after 牵头).
    """
    parts: list[tuple[int, int, str | None]] = []
    piece_start = start
    for match in chain(_PART_SEPARATORS.finditer(content, start, end), (None,)):
        piece_end = match.start() if match is not None else end
        role = _ROLE_SUFFIX.search(content, piece_start, piece_end)
        if role:
            parts.extend(_verb_groups(content, piece_start, piece_end, role.group("role")))
        else:
            parts.append((piece_start, piece_end, None))
        if match is not None:
            piece_start = match.end()
    has_lead = any(word == "牵头" for _, _, word in parts)
    return [(s, e, _role_of_word(word, has_lead)) for s, e, word in parts]


def _role_of_word(word: str | None, has_lead: bool) -> Role:
    if word == "牵头":
        return Role.LEAD
    if word in _SUPPORT_WORDS or has_lead:
        return Role.SUPPORT
    return Role.UNSPECIFIED


def _apply_role_marks(units: list[ParsedUnit]) -> list[ParsedUnit]:
    """Roles printed in brackets after names (市科技局（牵头）): the name loses the mark, the unit
    takes its role, and when one unit is marked 牵头 the unmarked ones support it (as 责任 after
    牵头 does)."""
    if not any(unit.name.endswith(("）", ")")) for unit in units):
        return units
    marked: list[ParsedUnit] = []
    has_lead = False
    roles: list[Role | None] = []
    for unit in units:
        mark = _ROLE_MARK.search(unit.name)
        if mark is None or mark.start() == 0:
            marked.append(unit)
            roles.append(None)
            continue
        name = unit.name[: mark.start()].rstrip(_TRIM_CHARS)
        role = Role.LEAD if mark.group("role") == "牵头" else Role.SUPPORT
        has_lead = has_lead or role is Role.LEAD
        marked.append(ParsedUnit(name, role, unit.start, unit.start + len(name)))
        roles.append(role)
    if has_lead:
        marked = [
            ParsedUnit(u.name, Role.SUPPORT, u.start, u.end)
            if r is None and u.role is Role.UNSPECIFIED
            else u
            for u, r in zip(marked, roles, strict=True)
        ]
    return marked


def _unlabelled(content: str, offset: int, is_agency: AgencyTest) -> list[ParsedUnit]:
    """Clauses like （A牵头，B、C参加） or （A、B负责）: roles come from the verb after each group."""
    parts = _parts_by_role_word(content)
    if not parts:
        return []
    has_lead = any(role_word == "牵头" for _, _, role_word in parts)
    units: list[ParsedUnit] = []
    for start, end, role_word in parts:
        if role_word == "牵头":
            role = Role.LEAD
        elif role_word in _SUPPORT_WORDS or has_lead:
            role = Role.SUPPORT
        else:
            role = Role.UNSPECIFIED
        for name, s, e in _split_units(content, start, end, is_agency):
            units.append(ParsedUnit(name, role, offset + s, offset + e))
    units = _apply_role_marks(units)
    # every name must look like an agency, otherwise this is prose such as （负责统筹协调）
    if not units or not all(is_agency(u.name) and not _PROSE_MARKERS.search(u.name) for u in units):
        return []
    return units


def _parts_by_role_word(content: str) -> list[tuple[int, int, str]]:
    """Split ``A牵头，B、C参加`` into (start, end, role word) groups; [] if no group has a role word."""
    parts: list[tuple[int, int, str]] = []
    pending_start = 0
    for match in re.finditer(r"[，,；;。]|$", content):
        piece_end = match.start()
        piece = content[pending_start:piece_end]
        role = _ROLE_SUFFIX.search(piece)
        if role:
            end = pending_start + role.start("words")
            parts.extend(_verb_groups(content, pending_start, end, role.group("role")))
            pending_start = match.end()
        elif parts and (_TIME_PART.match(piece.strip()) or _NOTE_PART.search(piece)):
            pending_start = match.end()  # a time limit or a note after the units: （A负责；2026年底前）
        if match.end() >= len(content):
            break
    if pending_start < len(content) and parts:
        return []  # trailing text without a role word: not a clause
    return [p for p in parts if p[1] > p[0]]


def _verb_groups(content: str, start: int, end: int, role_word: str) -> list[tuple[int, int, str]]:
    """``content[start:end]`` (closed by ``role_word``) split after each 、 that follows a role verb.

    （A牵头、B配合）: A takes the verb printed after it (牵头), B the closing one; an inner group ends
    before its verb (names lose it anyway, see _trim).
    """
    groups: list[tuple[int, int, str]] = []
    group_start = start
    at = content.find("、", start, end)
    while at >= 0:
        verb = _ROLE_SUFFIX.search(content, group_start, at)
        if verb:
            groups.append((group_start, verb.start("words"), verb.group("role")))
            group_start = at + 1
        at = content.find("、", at + 1, end)
    groups.append((group_start, end, role_word))
    return groups


def _split_units(content: str, start: int, end: int, is_agency: AgencyTest) -> Iterator[tuple[str, int, int]]:
    """Unit names in ``content[start:end]`` with their offsets; nested brackets stay inside a name."""
    depth = 0
    piece_start = start
    for index in range(start, end + 1):
        char = content[index] if index < end else "、"
        if char == "（":
            depth += 1
        elif char == "）":
            depth = max(0, depth - 1)
        elif depth == 0 and _SEPARATORS.match(char):
            yield from _split_conjunction(content, piece_start, index, is_agency)
            piece_start = index + 1


def _split_conjunction(
    content: str, start: int, end: int, is_agency: AgencyTest
) -> Iterator[tuple[str, int, int]]:
    start, end = _trim(content, start, end)
    if start >= end:
        return
    piece = content[start:end]
    for match in _CONJUNCTION.finditer(piece):
        left, right = piece[: match.start()], piece[match.end() :]
        if (
            left
            and right not in _BARE_GENERIC
            and len(right) >= 3
            and _AGENCY_END.search(left)
            and is_agency(left)
            and is_agency(right)
        ):
            yield from _split_conjunction(content, start, start + match.start(), is_agency)
            yield from _split_conjunction(content, start + match.end(), end, is_agency)
            return
    yield piece, start, end


_TRIM_CHARS = " \t\n：:。.等"
_BRACKETS = re.compile(r"[（）()]")


def _trim(content: str, start: int, end: int) -> tuple[int, int]:
    while start < end and content[start] in _TRIM_CHARS:
        start += 1
    while end > start and content[end - 1] in _TRIM_CHARS:
        end -= 1
    if _BRACKETS.search(content, start, end):
        start, end = _balance(content, start, end)
    generic = _GENERIC_TAIL.search(content, start, end)
    if generic and generic.start() > start:
        end = generic.start()  # 国家卫生健康委等相关部门 → 国家卫生健康委
    # "A等按职责分工负责" inside a labelled segment
    match = _ROLE_SUFFIX.search(content, start, end)
    if match and match.start("words") > start:
        end = match.start("words")
        while end > start and content[end - 1] in _TRIM_CHARS:
            end -= 1
    return start, end


def _balance(content: str, start: int, end: int) -> tuple[int, int]:
    """Drop what an unmatched bracket leaves on a name, as a clause broken by a line break does
    (市财政局）): an unmatched closing bracket cuts off what precedes it, an unclosed opening
    bracket what follows it."""
    opens: list[int] = []
    for index in range(start, end):
        char = content[index]
        if char in "（(":
            opens.append(index)
        elif char in "）)":
            if opens:
                opens.pop()
            else:
                start = index + 1
    if opens:
        end = opens[0]
    while start < end and content[start] in _TRIM_CHARS:
        start += 1
    while end > start and content[end - 1] in _TRIM_CHARS:
        end -= 1
    return start, end
