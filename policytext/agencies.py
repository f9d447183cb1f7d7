"""The agency lexicon: resolve a unit name as printed (市人社局) to its full name, level and function.

Responsibility clauses name units by habit, not by statute: 市人社局, 市人力资源社会保障局 and
市人力资源和社会保障局 are one body, and 市教育局 / 省教育厅 / 教育部 do the same job at three
levels.  :func:`resolve` maps each spelling to an :class:`AgencyInfo` carrying

* ``canonical`` – the full name with its level or place prefix (市人社局 → 市人力资源和社会保障局),
* ``level`` – national / provincial / municipal / county, read from the prefix,
* ``function`` – a field of work from :data:`FUNCTIONS` (education, human_resources …),
* ``core`` – the canonical name without its prefix (人力资源和社会保障局).

The knowledge lives in ``policytext/data/agencies.tsv`` (stems, whole names, endings, keywords
and a place gazetteer); this module only splits prefixes and looks things up.  Results are cached
because the structure parser calls :func:`resolve` for every unit of every document.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from policytext.errors import ConfigurationError, InputError
from policytext.model import Level

__all__ = [
    "FUNCTIONS",
    "AgencyInfo",
    "AgencyResolver",
    "default_resolver",
    "is_generic_group",
    "issuer_level",
    "looks_like_agency",
    "resolve",
]

#: The controlled vocabulary of ``AgencyInfo.function`` (documented in docs/agencies.md).
FUNCTIONS: tuple[str, ...] = (
    "education",
    "science_technology",
    "human_resources",
    "finance",
    "development_reform",
    "industry_it",
    "private_economy",
    "agriculture",
    "rural_revitalization",
    "grain_reserves",
    "commerce",
    "investment_promotion",
    "health",
    "medical_insurance",
    "natural_resources",
    "ecology_environment",
    "housing_construction",
    "urban_management",
    "transport",
    "water",
    "market_regulation",
    "ip",
    "audit",
    "statistics",
    "justice",
    "political_legal",
    "public_security",
    "civil_affairs",
    "culture_tourism",
    "sports",
    "emergency",
    "taxation",
    "customs",
    "data_bureau",
    "government_services",
    "communications",
    "cyberspace",
    "energy",
    "marine",
    "meteorology",
    "veterans",
    "military",
    "foreign_affairs",
    "confidentiality",
    "archives",
    "petitions",
    "policy_research",
    "discipline_inspection",
    "peoples_congress",
    "cppcc",
    "organisation",
    "propaganda",
    "united_front",
    "party_committee",
    "youth_league",
    "trade_union",
    "science_association",
    "women_federation",
    "disabled_persons",
    "social_organisation",
    "finance_regulation",
    "state_assets",
    "development_zone",
    "state_enterprise",
    "university_school",
    "research_institute",
    "government",
    "government_office",
)

_DATA_FILE = "agencies.tsv"
_KINDS = ("stem", "name", "ending", "keyword", "place")
_LEVEL_NAMES = {level.value: level for level in Level}


@dataclass(frozen=True, slots=True)
class AgencyInfo:
    """What a unit name resolves to (see the module docstring for the fields)."""

    canonical: str
    level: Level
    function: str | None
    core: str


# --------------------------------------------------------------------------------------
# the lexicon
# --------------------------------------------------------------------------------------
class _Entry(NamedTuple):
    canonical: str
    function: str | None


@dataclass(frozen=True)
class _Lexicon:
    """The TSV rows, indexed for prefix/suffix lookups."""

    stems: Mapping[str, _Entry]
    local_names: Mapping[str, _Entry]
    national_names: Mapping[str, _Entry]
    endings: tuple[tuple[str, _Entry], ...]  # longest first
    keywords: tuple[tuple[str, str], ...]  # longest first
    places: Mapping[str, tuple[str, Level]]
    max_stem: int
    max_name: int
    max_place: int


class _Row(NamedTuple):
    kind: str
    alias: str
    canonical: str
    function: str | None
    level: str


def _parse_rows(text: str, source: str, *, check_functions: bool) -> list[_Row]:
    """Rows of an agency TSV; a malformed line is a ConfigurationError naming file and line."""
    rows: list[_Row] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if fields[0] == "kind":  # header line
            continue
        fields += [""] * (5 - len(fields))
        kind, alias, canonical, function, level = fields[:5]
        if kind not in _KINDS:
            raise ConfigurationError(
                f"line {number}: unknown kind {kind!r} (expected one of {_KINDS})", source
            )
        if not alias:
            raise ConfigurationError(f"line {number}: empty alias", source)
        if level and level not in _LEVEL_NAMES:
            raise ConfigurationError(f"line {number}: unknown level {level!r}", source)
        if kind == "place" and not level:
            raise ConfigurationError(f"line {number}: a place needs a level", source)
        if check_functions and function and function not in FUNCTIONS:
            raise ConfigurationError(f"line {number}: unknown function {function!r}", source)
        rows.append(_Row(kind, _normalise(alias), _normalise(canonical) or alias, function or None, level))
    return rows


@functools.cache
def _builtin_rows() -> tuple[_Row, ...]:
    """The bundled table, read once per process."""
    text = resources.files("policytext.data").joinpath(_DATA_FILE).read_text(encoding="utf-8")
    return tuple(_parse_rows(text, f"policytext/data/{_DATA_FILE}", check_functions=True))


def _read_extra(path: str | Path) -> list[_Row]:
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("agency table not found", target) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read agency table: {error}", target) from None
    return _parse_rows(text, str(target), check_functions=False)


def _build_lexicon(rows: Iterable[_Row]) -> _Lexicon:
    """Index rows; later rows (an extra table) override earlier ones with the same alias."""
    stems: dict[str, _Entry] = {}
    local_names: dict[str, _Entry] = {}
    national_names: dict[str, _Entry] = {}
    endings: dict[str, _Entry] = {}
    keywords: dict[str, str] = {}
    places: dict[str, tuple[str, Level]] = {}
    for row in rows:
        entry = _Entry(row.canonical, row.function)
        if row.kind == "stem":
            stems[row.alias] = entry
        elif row.kind == "name":
            (national_names if row.level == "national" else local_names)[row.alias] = entry
        elif row.kind == "ending":
            endings[row.alias] = entry
        elif row.kind == "keyword" and row.function:
            keywords[row.alias] = row.function
        elif row.kind == "place":
            level = _LEVEL_NAMES[row.level]
            places[row.alias] = (row.canonical, level)
            places.setdefault(row.canonical, (row.canonical, level))
    return _Lexicon(
        stems=stems,
        local_names=local_names,
        national_names=national_names,
        endings=tuple(sorted(endings.items(), key=lambda kv: -len(kv[0]))),
        keywords=tuple(sorted(keywords.items(), key=lambda kv: -len(kv[0]))),
        places=places,
        max_stem=max(map(len, stems), default=0),
        max_name=max(map(len, [*local_names, *national_names]), default=0),
        max_place=max(map(len, places), default=0),
    )


# --------------------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------------------
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = "　 ,，、;；:：.。!！?？'\"“”‘’《》<>〈〉【】[]{}()（）-—_·•*"
#: 水行政等主管部门 → 水行政主管部门 (the 等 lists further bodies the mention leaves out)
_INNER_ETC = re.compile(r"等(?=(?:行政主管|主管|行政|管理)?部门$)")
_ANNOTATION = re.compile(r"(.*[^(（\s].*?)[(（][^()（）]+[)）]\s*")
_ROLE_LABEL = re.compile(r"^(?:(?:牵头|责任|配合|参与|协办|主办|实施|承办)(?:单位|部门)|责任人)[:：]")
_TRAILING_ETC = re.compile(
    r"(?:等(?:有关|相关|其他)?(?:部门|单位)?(?:和(?:有关)?(?:部门|单位))?(?:及各地区)?"
    r"|(?:按职责)?分工(?:负责)?|(?:按职责分工)?(?:牵头|负责|配合|参与))$"
)

#: Suffixes that may follow a stem (市人社 + 局) and their canonical spelling.
_BODY_SUFFIXES: dict[str, str] = {
    "部": "部",
    "厅": "厅",
    "局": "局",
    "委": "委员会",
    "委员会": "委员会",
    "工委": "工作委员会",
    "工作委员会": "工作委员会",
    "办": "办公室",
    "办公室": "办公室",
    "总局": "总局",
    "总署": "总署",
    "署": "署",
    "管理局": "管理局",
    "管理处": "管理处",
    "管理所": "管理所",
    "服务局": "服务局",
    "事务局": "事务局",
    "发展局": "发展局",
    "监管局": "监督管理局",
    "中心": "中心",
    "管理中心": "管理中心",
    "服务中心": "服务中心",
    "院": "院",
    "会": "会",
    "协会": "协会",
    "所": "所",
    "站": "站",
    "馆": "馆",
    "处": "处",
    "科": "科",
    "室": "室",
    "股": "股",
    "队": "队",
    "领导小组办公室": "领导小组办公室",
    # functional mentions in laws and national documents: 教育行政部门, 科学技术主管部门
    "行政部门": "行政部门",
    "主管部门": "主管部门",
    "行政主管部门": "行政主管部门",
    "管理部门": "管理部门",
    "部门": "部门",
}
_SUFFIX_LENGTHS = tuple(sorted({len(suffix) for suffix in _BODY_SUFFIXES}))
#: Suffixes of internal sections: a stem + one of these is not a host body for a sub-unit.
_MINOR_SUFFIXES = frozenset({"科", "处", "室", "股", "队", "所", "站", "馆", "会", "院", "中心"})
#: A ministry-type suffix on an unprefixed name marks a national body (教育部, 审计署, 税务总局).
_NATIONAL_SUFFIXES = ("部", "总局", "总署", "署")
_GENERIC_FUNCTIONS = frozenset({"government", "government_office", "party_committee"})
_PARTY_FUNCTIONS = frozenset(
    {"organisation", "propaganda", "united_front", "political_legal", "party_committee"}
)

#: Internal sub-units and branches that may follow a known body (政府办 + 金融科, 人行 + 潜江营管部).
_SUBUNIT_ENDINGS = (
    "营业管理部", "营管部", "办公厅", "办公室", "分行", "支行", "监管分局", "监管局", "分局", "分会", "分校", "研究所",
    "中心", "科", "处", "室", "股", "所", "站", "队", "办",
)  # fmt: skip
_ABBREVIATIONS = (("营管部", "营业管理部"),)

_NATIONAL_PREFIXES = ("中华人民共和国", "中共中央", "中华全国", "国务院", "中央", "国家", "全国", "中国")
_LEVEL_CHARS: dict[str, Level] = {
    "省级": Level.PROVINCIAL,
    "市级": Level.MUNICIPAL,
    "县级": Level.COUNTY,
    "自治区": Level.PROVINCIAL,
    "省": Level.PROVINCIAL,
    "自治州": Level.MUNICIPAL,
    "市": Level.MUNICIPAL,
    "州": Level.MUNICIPAL,
    "盟": Level.MUNICIPAL,
    "地区": Level.MUNICIPAL,
    "自治县": Level.COUNTY,
    "县": Level.COUNTY,
    "区": Level.COUNTY,
    "旗": Level.COUNTY,
    # townships and streets have no level of their own in the model: "county and below"
    "镇": Level.COUNTY,
    "乡": Level.COUNTY,
    "街道": Level.COUNTY,
}
# An unknown place: a few characters then an administrative suffix (XX县, 某某市, 崂山区,
# 彭水苗族土家族自治县).
_UNKNOWN_PLACE = re.compile(
    r"[\u4e00-\u9fffA-Za-z×○＊*]{2,10}?(?:自治区|自治州|自治县|自治旗)"
    r"|[\u4e00-\u9fffA-Za-z×○＊*]{1,7}?(?:省|市|县|区|州|盟|旗|镇|乡|街道)"
)
#: 县级以上人民政府 / 省级人民政府 before a functional mention (…教育行政部门).
_GOVERNMENT_PREFIX = re.compile(
    r"(?:(县级以上|设区的市级以上|市级以上|省级|市级|县级|乡级)(?:地方)?(?:各级)?(?:人民政府)?"
    r"|(?:地方)?各级人民政府|(?:本级|同级)(?:人民政府)?|(?:人民)?政府)"
)
_GOVERNMENT_PREFIX_LEVELS = {
    "省级": Level.PROVINCIAL,
    "市级": Level.MUNICIPAL,
    "县级": Level.COUNTY,
    "乡级": Level.COUNTY,
}
_DEPTH = {Level.NATIONAL: 0, Level.PROVINCIAL: 1, Level.MUNICIPAL: 2, Level.COUNTY: 3, Level.UNKNOWN: 4}
#: Words ending in 区 that name a zone, not a district (高新区管委会 is not "高新" district).
_ZONE_WORDS = ("新区", "开发区", "园区", "示范区", "试验区", "先行区", "起步区", "自贸区", "保税区", "功能区", "片区", "城区", "社区", "景区", "市区", "街区", "辖区", "地区")  # fmt: skip
_GROUP_START = re.compile(r"^(?:各级|各|有关|相关|其他|其它|所有)")
_GROUP_ANYWHERE = re.compile(
    r"(?:有关|相关|其他|其它|各)(?:部门|单位|方面|机构|地区|地方)|^(?:各|全)(?:地|级)"
)
#: Classes of actors rather than bodies (高校、科研院所、企业): collective, like 各有关部门.
_GENERIC_CLASS = re.compile(
    r"(?:各类|各|有关|相关|在[\u4e00-\u9fff])?(?:高校|高等学校|高等院校|科研院所|科研机构|企业|龙头企业|重点企业|"
    r"金融机构|行业协会|行业组织|社会组织|中小学校?|学校|医疗机构|园区|新闻媒体|媒体)"
)
_GROUP_LEVELS = re.compile(
    r"^(?:省级|市级|县级|区级|乡镇|自治区|直辖市|自治州|计划单列市|新疆生产建设兵团|省|市|州|县|区|旗|镇|乡|街道|处"
    r"|（市、区）|\(市、区\)|（市）|\(市\)|[、])+"
)
_BODY_WORDS = (
    "局", "厅", "部", "委", "办", "办公室", "院", "会", "中心", "集团", "公司", "政府", "所", "站", "馆",
    "社", "行", "署", "队", "校", "室", "科", "处", "组", "联", "团", "园", "区", "委员会", "管委",
    "实验室", "基地", "单位", "部门", "机构", "大学",
)  # fmt: skip
_SENTENCE_CHARS = re.compile(r"[,，。;；:：!！?？“”《》0-9的]")


def _normalise(text: str) -> str:
    """Full-width to half-width, no spaces (names are written with or without them)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _clean(name: str) -> str:
    """The name without edge punctuation, role labels (责任单位：), trailing 等/牵头 and a final
    parenthesised annotation (市委宣传部(市文明办) → 市委宣传部: the first name is the host body)."""
    text = _normalise(name)
    annotated = _ANNOTATION.fullmatch(text)
    if annotated is not None:
        text = annotated.group(1)
    text = text.strip(_EDGE_PUNCT)
    text = _ROLE_LABEL.sub("", text).strip(_EDGE_PUNCT)
    stripped = _TRAILING_ETC.sub("", text)
    return _INNER_ETC.sub("", stripped) if stripped else text


def _expand(text: str) -> str:
    for short, full in _ABBREVIATIONS:
        text = text.replace(short, full)
    return text


# --------------------------------------------------------------------------------------
# matching
# --------------------------------------------------------------------------------------
class _Match(NamedTuple):
    quality: int  # 4 exact name/stem, 3 branch/sub-unit, 2 ending, 1 keyword, 0 nothing
    canonical: str  # canonical core, or the complete name when ``national`` is True
    function: str | None
    national: bool = False  # a national body whose canonical is complete
    level: Level | None = None  # a level the core itself implies (suffix rule, branch place)


class _Prefix(NamedTuple):
    text: str
    level: Level | None
    rank: int  # 3 gazetteer / level character / national prefix, 1 unknown place (XX县), 0 none
    national: bool = False


class AgencyResolver:
    """Resolves agency names against the bundled lexicon plus an optional user table.

    ``extra_table`` is a TSV in the bundled format (``kind alias canonical function level note``);
    its rows are added to (and override) the bundled ones, so a project can teach the resolver
    local names (a 管委会, a city's 集团) without editing the package.  Instances are immutable
    apart from their result cache and safe to share between threads.
    """

    def __init__(self, extra_table: str | Path | None = None, *, cache_size: int = 200_000) -> None:
        self._extra_table = Path(extra_table) if extra_table is not None else None
        rows: list[_Row] = list(_builtin_rows())
        if self._extra_table is not None:
            rows.extend(_read_extra(self._extra_table))
        self._lexicon = _build_lexicon(rows)
        self._cache_size = cache_size
        self._cached_resolve = functools.lru_cache(maxsize=cache_size)(self._resolve_uncached)
        self._cached_looks = functools.lru_cache(maxsize=cache_size)(self._looks_like_agency_uncached)

    def __reduce__(self) -> tuple[Callable[[Path | None, int], AgencyResolver], tuple[Path | None, int]]:
        # worker processes rebuild the resolver instead of pickling its cache
        return (_rebuild_resolver, (self._extra_table, self._cache_size))

    # -- public API ---------------------------------------------------------------------
    def resolve(self, name: str, *, default_level: Level | None = None) -> AgencyInfo:
        """Canonical name, level and function of ``name``; never raises on odd input.

        ``default_level`` is the level to assume when the name carries none (a 市直 plan writes
        江汉艺术职业学院 without 市): pass the issuing document's level.
        """
        if not isinstance(name, str):
            name = str(name)
        return self._cached_resolve(name, default_level)

    def is_generic_group(self, name: str) -> bool:
        """True for collective references (各有关部门, 各区县政府, 市相关部门) rather than one body."""
        text = _clean(name)
        if not text:
            return False
        return bool(
            _GROUP_START.search(text) or _GROUP_ANYWHERE.search(text) or _GENERIC_CLASS.fullmatch(text)
        )

    def looks_like_agency(self, name: str) -> bool:
        """Cheap test: is ``name`` a unit (or a group of units) rather than a sentence fragment?

        Generic groups such as 各有关部门 count as agencies: in a clause they are real
        (collective) responsible parties; use :meth:`is_generic_group` to set them apart.
        """
        return self._cached_looks(name if isinstance(name, str) else str(name))

    def _looks_like_agency_uncached(self, name: str) -> bool:
        text = _clean(name)
        if not text or len(text) > 40 or _SENTENCE_CHARS.search(text):
            return False
        if self.is_generic_group(text):
            return True
        if self._analyse(text, None)[1].quality >= 2:
            return True
        return text.endswith(_BODY_WORDS)

    def issuer_level(self, text: str) -> Level:
        """The level of an issuing body or any agency-ish string (国务院办公厅 → national)."""
        cleaned = _normalise(text)
        head = re.split(r"[、,，;；/]|关于|印发", cleaned, maxsplit=1)[0].strip(_EDGE_PUNCT)
        if not head:
            return Level.UNKNOWN
        info = self.resolve(head)
        if info.level is not Level.UNKNOWN:
            return info.level
        for prefix in self._prefixes(head):
            if prefix.level is not None:
                return prefix.level
        return Level.UNKNOWN

    # -- resolution -----------------------------------------------------------------------
    def _resolve_uncached(self, name: str, default_level: Level | None) -> AgencyInfo:
        text = _clean(name)
        if not text:
            fallback = name.strip() or name
            return AgencyInfo(fallback, default_level or Level.UNKNOWN, None, fallback)
        youth = self._youth_league(text)
        if youth is not None:
            return youth
        if self.is_generic_group(text):
            return self._group(text, default_level)
        prefix, match = self._analyse(text, default_level)
        return self._info(text, prefix, match, default_level)

    def _info(self, text: str, prefix: _Prefix, match: _Match, default_level: Level | None) -> AgencyInfo:
        if match.quality == 0:
            level = prefix.level or default_level or Level.UNKNOWN
            return AgencyInfo(text, level, None, text[len(prefix.text) :] or text)
        if match.national:
            level = match.level or Level.NATIONAL
            return AgencyInfo(match.canonical, level, match.function, _strip_national(match.canonical))
        level = prefix.level or match.level or default_level or Level.UNKNOWN
        if match.function == "party_committee" and match.canonical == "委员会" and prefix.text:
            # 省委 / 中共潜江市委 alone: the party committee, 中共潜江市委员会
            party = prefix.text if prefix.text.startswith("中共") else f"中共{prefix.text}"
            return AgencyInfo(party + "委员会", level, match.function, "委员会")
        if prefix.level is None and match.level is not None and default_level is not None:
            # an unprefixed 发展改革委 in a municipal plan is the city's own commission
            level = match.level if match.level is not Level.NATIONAL else default_level
        return AgencyInfo(prefix.text + match.canonical, level, match.function, match.canonical)

    def _analyse(self, text: str, default_level: Level | None) -> tuple[_Prefix, _Match]:
        """The best (prefix, core) split of ``text``."""
        prefer_local = default_level not in (None, Level.NATIONAL)
        whole = self._lexicon.national_names.get(text)
        if whole is not None and not (prefer_local and text in self._lexicon.local_names):
            return _Prefix("", None, 0), _Match(4, whole.canonical, whole.function, national=True)
        best: tuple[tuple[int, int, int], _Prefix, _Match] | None = None
        for prefix in self._prefixes(text):
            core = text[len(prefix.text) :]
            if not core:
                continue
            local = prefix.rank > 0 and not prefix.national
            match = self._core(core, local=local, prefer_local=prefer_local or local)
            if prefix.level is not None and match.national and not prefix.national:
                continue  # 市 + a national-only name is not that national body
            score = (match.quality, prefix.rank, len(prefix.text))
            if best is None or score > best[0]:
                best = (score, prefix, match)
        assert best is not None  # the empty prefix always yields a candidate
        return best[1], best[2]

    def _prefixes(self, text: str) -> list[_Prefix]:
        """Every plausible level/place prefix at the start of ``text`` (the empty one included)."""
        found = [_Prefix("", None, 0)]
        for national in _NATIONAL_PREFIXES:
            if text.startswith(national):
                found.append(_Prefix(national, Level.NATIONAL, 3, national=True))
        government = _GOVERNMENT_PREFIX.match(text) if text.endswith("部门") else None
        if government is not None:
            level = _GOVERNMENT_PREFIX_LEVELS.get(government.group(1) or "")
            found.append(_Prefix(government.group(), level, 3, national=False))
        start = 2 if text.startswith("中共") else 0
        frontier: list[tuple[int, int, Level | None]] = [(start, 3, None)]
        seen: set[int] = set()
        while frontier:
            pos, rank, outer = frontier.pop()
            if pos in seen:
                continue
            seen.add(pos)
            for end, level, place_rank in self._places_at(text, pos, allow_level_char=pos == start):
                if outer is not None and _DEPTH[level] <= _DEPTH[outer]:
                    continue  # a place inside a place is more local (山东省济南市), never less
                new_rank = min(rank, place_rank)
                found.append(_Prefix(text[:end], level, new_rank))
                if text.startswith("委", end):  # 市委组织部, 潜江市委宣传部
                    found.append(_Prefix(text[: end + 1], level, new_rank))
                frontier.append((end, new_rank, level))
        return found

    def _places_at(self, text: str, pos: int, *, allow_level_char: bool) -> list[tuple[int, Level, int]]:
        """Places (gazetteer, bare level character, unknown XX县) that start at ``pos``."""
        lexicon = self._lexicon
        out: list[tuple[int, Level, int]] = []
        for length in range(min(lexicon.max_place, len(text) - pos), 1, -1):
            place = lexicon.places.get(text[pos : pos + length])
            if place is not None:
                out.append((pos + length, place[1], 3))
                break
        if allow_level_char:
            for chars, level in _LEVEL_CHARS.items():
                if text.startswith(chars, pos):
                    out.append((pos + len(chars), level, 3))
        match = _UNKNOWN_PLACE.match(text, pos)
        if match is not None and not match.group().endswith(_ZONE_WORDS):
            suffix = next(s for s in _LEVEL_CHARS if match.group().endswith(s))
            if match.end() - pos > len(suffix) and not any(end == match.end() for end, _, _ in out):
                out.append((match.end(), _LEVEL_CHARS[suffix], 1))
        return out

    def _core(self, core: str, *, local: bool, prefer_local: bool) -> _Match:
        exact = self._exact(core, local=local, prefer_local=prefer_local)
        if exact is not None:
            return exact
        compound = self._compound(core, local=local, prefer_local=prefer_local)
        if compound is not None:
            return compound
        ending = self._ending(core)
        if ending is not None:
            return ending
        function = self._keyword(core)
        return _Match(1 if function else 0, core, function)

    def _exact(
        self, core: str, *, local: bool, prefer_local: bool, major_only: bool = False
    ) -> _Match | None:
        """A whole-name row or stem + body suffix (人社 + 局); ``major_only`` skips sub-unit suffixes."""
        lexicon = self._lexicon
        national = None if local else lexicon.national_names.get(core)
        own = lexicon.local_names.get(core)
        if national is not None and not (prefer_local and own is not None):
            return _Match(4, national.canonical, national.function, national=True)
        if own is not None:
            return _Match(4, own.canonical, own.function)
        for suffix_length in _SUFFIX_LENGTHS:  # shortest suffix first = longest stem first
            if suffix_length >= len(core):
                break
            rest = core[-suffix_length:]
            suffix = _BODY_SUFFIXES.get(rest)
            if suffix is None or (major_only and rest in _MINOR_SUFFIXES):
                continue
            stem = lexicon.stems.get(core[:-suffix_length])
            if stem is None:
                continue
            level = None
            if not local:
                if rest in _NATIONAL_SUFFIXES and stem.function not in _PARTY_FUNCTIONS:
                    level = Level.NATIONAL
                elif rest == "厅" and stem.function != "government_office":
                    level = Level.PROVINCIAL
            return _Match(4, stem.canonical + suffix, stem.function, level=level)
        return None

    def _compound(self, core: str, *, local: bool, prefer_local: bool) -> _Match | None:
        """A known body followed by a place branch (人行 + 潜江营管部) or a sub-unit (政府办 + 金融科)."""
        for length in range(len(core) - 1, 1, -1):
            head = self._exact(core[:length], local=local, prefer_local=prefer_local, major_only=True)
            if head is None:
                continue
            rest = core[length:]
            branch_places = self._places_at(rest, 0, allow_level_char=False)
            if branch_places:
                end, level, _ = max(branch_places, key=lambda p: (p[2], p[0]))
                if rest[end:] and not rest[end:].startswith(("人民政府", "政府")):
                    canonical = head.canonical + _expand(rest)
                    return _Match(3, canonical, head.function, national=head.national, level=level)
            if rest.endswith(_SUBUNIT_ENDINGS):
                function = self._own_function(rest) or head.function
                canonical = head.canonical + _expand(rest)
                return _Match(3, canonical, function, national=head.national, level=head.level)
        return None

    def _own_function(self, rest: str) -> str | None:
        """The field of a sub-unit by itself (金融科 → finance_regulation), if it names one."""
        own = self._ending(rest)
        if own is None:
            exact = self._exact(rest, local=True, prefer_local=True)
            own = exact if exact is not None else _Match(0, rest, self._stem_function(rest))
        return None if own.function in _GENERIC_FUNCTIONS else own.function

    def _stem_function(self, text: str) -> str | None:
        lexicon = self._lexicon
        for length in range(min(lexicon.max_stem, len(text)), 1, -1):
            stem = lexicon.stems.get(text[:length])
            if stem is not None:
                return stem.function
        return None

    def _ending(self, core: str) -> _Match | None:
        for ending, entry in self._lexicon.endings:
            if core.endswith(ending) and len(core) > len(ending) - (
                1 if entry.function == "government" else 0
            ):
                canonical = core[: len(core) - len(ending)] + entry.canonical
                return _Match(2, _expand(canonical), entry.function)
        return None

    def _keyword(self, core: str) -> str | None:
        for keyword, function in self._lexicon.keywords:
            if keyword in core:
                return function
        return None

    def _youth_league(self, text: str) -> AgencyInfo | None:
        """团市委 / 共青团潜江市委员会 → the Communist Youth League committee of that level."""
        match = re.fullmatch(r"(?:共青团|团)(.{0,8}?)(省|自治区|市|州|盟|县|区|旗)委(?:员会)?", text)
        if match is None:
            return None
        place, level_char = match.groups()
        level = _LEVEL_CHARS[level_char]
        return AgencyInfo(f"共青团{place}{level_char}委员会", level, "youth_league", "共青团委员会")

    def _group(self, text: str, default_level: Level | None) -> AgencyInfo:
        """A collective (各区县政府, 各市工业和信息化局): level from the level words, function from the rest."""
        rest = _GROUP_START.sub("", text)
        levels = _GROUP_LEVELS.match(rest)
        level = default_level or Level.UNKNOWN
        if levels is not None:
            first = levels.group().lstrip("、(（")[:1]
            level = _LEVEL_CHARS.get(first, level)
            rest = rest[levels.end() :]
        elif self._prefixes(text):
            for prefix in self._prefixes(text):
                if prefix.level is not None and prefix.rank >= 3:
                    level = prefix.level
                    break
        function = None
        if rest and not _GROUP_ANYWHERE.search(rest) and not _GROUP_START.search(rest):
            match = self._core(rest, local=True, prefer_local=True)
            function = match.function if match.quality >= 2 else None
        return AgencyInfo(text, level, function, rest or text)


def _rebuild_resolver(extra_table: Path | None, cache_size: int) -> AgencyResolver:
    return AgencyResolver(extra_table, cache_size=cache_size)


def _strip_national(canonical: str) -> str:
    for prefix in ("中华人民共和国", "中共中央", "中华全国", "国务院", "国家", "中央", "中国"):
        if canonical.startswith(prefix) and len(canonical) > len(prefix) + 1:
            return canonical[len(prefix) :]
    return canonical


# --------------------------------------------------------------------------------------
# module-level shortcuts on the default resolver
# --------------------------------------------------------------------------------------
@functools.cache
def default_resolver() -> AgencyResolver:
    """The resolver over the bundled table (built once, on first use)."""
    return AgencyResolver()


def resolve(name: str, *, default_level: Level | None = None) -> AgencyInfo:
    """Resolve ``name`` with the bundled lexicon (see :meth:`AgencyResolver.resolve`)."""
    return default_resolver().resolve(name, default_level=default_level)


def issuer_level(text: str) -> Level:
    """Level of an issuing body (see :meth:`AgencyResolver.issuer_level`)."""
    return default_resolver().issuer_level(text)


def looks_like_agency(name: str) -> bool:
    """Is ``name`` a unit (see :meth:`AgencyResolver.looks_like_agency`)?"""
    return default_resolver().looks_like_agency(name)


def is_generic_group(name: str) -> bool:
    """Is ``name`` a collective reference such as 各有关部门 (see :meth:`AgencyResolver.is_generic_group`)?"""
    return default_resolver().is_generic_group(name)
