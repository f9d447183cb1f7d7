"""The agency lexicon: canonical names, levels and functions of responsible units."""

from __future__ import annotations

import json
import pickle
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.agencies import (
    FUNCTIONS,
    AgencyInfo,
    AgencyResolver,
    is_generic_group,
    issuer_level,
    looks_like_agency,
    resolve,
)
from policytext.errors import ConfigurationError, InputError, PolicyTextError
from policytext.model import Level

M, P, N, C, U = Level.MUNICIPAL, Level.PROVINCIAL, Level.NATIONAL, Level.COUNTY, Level.UNKNOWN

#: Every distinct unit of the bundled 潜江 plan: name -> (canonical, level, function).
#: Unprefixed names (江汉艺术职业学院) take the plan's level through ``default_level``.
QIANJIANG_UNITS: dict[str, tuple[str, Level, str]] = {
    "市教育局": ("市教育局", M, "education"),
    "市经信局": ("市经济和信息化局", M, "industry_it"),
    "市农业农村局": ("市农业农村局", M, "agriculture"),
    "潜江高新区管委会": ("潜江高新区管理委员会", M, "development_zone"),
    "江汉艺术职业学院": ("江汉艺术职业学院", M, "university_school"),
    "江汉油田教育实业集团": ("江汉油田教育实业集团", M, "state_enterprise"),
    "市科技局": ("市科学技术局", M, "science_technology"),
    "市人社局": ("市人力资源和社会保障局", M, "human_resources"),
    "市发改委": ("市发展和改革委员会", M, "development_reform"),
    "市科协": ("市科学技术协会", M, "science_association"),
    "市农发集团": ("市农发集团", M, "state_enterprise"),
    "市高新投公司": ("市高新投公司", M, "state_enterprise"),
    "市财政局": ("市财政局", M, "finance"),
    "市小龙虾产业发展促进中心": ("市小龙虾产业发展促进中心", M, "agriculture"),
    "市委组织部": ("市委组织部", M, "organisation"),
    "市卫健委": ("市卫生健康委员会", M, "health"),
    "市总工会": ("市总工会", M, "trade_union"),
    "团市委": ("共青团市委员会", M, "youth_league"),
    "市政府办金融科": ("市人民政府办公室金融科", M, "finance_regulation"),
    "人行潜江营管部": ("中国人民银行潜江营业管理部", M, "finance_regulation"),
    "市城发集团": ("市城发集团", M, "state_enterprise"),
    "市江汉投集团": ("市江汉投集团", M, "state_enterprise"),
    "市市场监管局": ("市市场监督管理局", M, "market_regulation"),
    "市审计局": ("市审计局", M, "audit"),
}

CLAUSE = re.compile(r"[（(](?:牵头|责任|配合|参与|协办)单位[:：]([^（）()]{1,400})[）)]")
LABEL = re.compile(r"(?:牵头|责任|配合|参与|协办)单位[:：]")


def clause_units(text: str) -> list[str]:
    """Unit names of every labelled responsibility clause (a deliberately simple splitter)."""
    units: list[str] = []
    for clause in CLAUSE.finditer(unicodedata.normalize("NFKC", text)):
        for part in LABEL.split(clause.group(1)):
            units.extend(u.strip() for u in re.split(r"[、,，;；]", part) if u.strip())
    return units


# -- the bundled plan ----------------------------------------------------------------------
def test_plan_unit_list_is_complete(plan_path: Path) -> None:
    found = set(clause_units(plan_path.read_text(encoding="utf-8")))
    assert found == set(QIANJIANG_UNITS)


@pytest.mark.parametrize("name", sorted(QIANJIANG_UNITS))
def test_plan_units_resolve(name: str) -> None:
    canonical, level, function = QIANJIANG_UNITS[name]
    info = resolve(name, default_level=Level.MUNICIPAL)
    assert (info.canonical, info.level, info.function) == (canonical, level, function)
    assert info.function in FUNCTIONS


# -- one function across levels ------------------------------------------------------------
@pytest.mark.parametrize(
    ("names", "function"),
    [
        (("教育部", "省教育厅", "市教育局", "县教育局"), "education"),
        (("科技部", "省科技厅", "市科技局", "区科技局"), "science_technology"),
        (
            ("人力资源社会保障部", "省人力资源社会保障厅", "市人社局", "县人力资源和社会保障局"),
            "human_resources",
        ),
        (("国家发展改革委", "省发展改革委", "市发改委", "县发展和改革局"), "development_reform"),
        (("工业和信息化部", "省工业和信息化厅", "市经信局", "区工信局"), "industry_it"),
        (("国家卫生健康委", "省卫生健康委", "市卫健委", "县卫生健康局"), "health"),
        (("市场监管总局", "省市场监管局", "市市场监督管理局", "县市场监管局"), "market_regulation"),
        (("财政部", "省财政厅", "市财政局", "旗财政局"), "finance"),
    ],
)
def test_same_function_across_levels(names: tuple[str, ...], function: str) -> None:
    infos = [resolve(n) for n in names]
    assert [i.function for i in infos] == [function] * len(names)
    assert [i.level for i in infos] == [N, P, M, C]


@pytest.mark.parametrize(
    ("name", "canonical", "level", "function", "core"),
    [
        ("教育部", "教育部", N, "education", "教育部"),
        ("省发展改革委", "省发展和改革委员会", P, "development_reform", "发展和改革委员会"),
        ("市人社局", "市人力资源和社会保障局", M, "human_resources", "人力资源和社会保障局"),
        ("潜江市教育局", "潜江市教育局", M, "education", "教育局"),
        ("济南市科技局", "济南市科学技术局", M, "science_technology", "科学技术局"),
        ("山东省工业和信息化厅", "山东省工业和信息化厅", P, "industry_it", "工业和信息化厅"),
        ("北京市教委", "北京市教育委员会", P, "education", "教育委员会"),  # a 直辖市 is provincial
        ("崂山区政府", "崂山区人民政府", C, "government", "人民政府"),
        ("青岛西海岸新区管委", "青岛西海岸新区管理委员会", M, "development_zone", "西海岸新区管理委员会"),
        ("崂山实验室", "崂山实验室", U, "research_institute", "崂山实验室"),
        ("青岛海洋科技中心", "青岛海洋科技中心", M, "research_institute", "海洋科技中心"),
        ("中国科学院海洋研究所", "中国科学院海洋研究所", N, "research_institute", "科学院海洋研究所"),
        ("市经济和信息化委", "市经济和信息化委员会", M, "industry_it", "经济和信息化委员会"),
        ("市人力资源社会保障局", "市人力资源和社会保障局", M, "human_resources", "人力资源和社会保障局"),
        ("省经信厅", "省经济和信息化厅", P, "industry_it", "经济和信息化厅"),
        ("省大数据局", "省大数据局", P, "data_bureau", "大数据局"),
        ("省地方金融监管局", "省地方金融监督管理局", P, "finance_regulation", "地方金融监督管理局"),
        ("省委组织部", "省委组织部", P, "organisation", "组织部"),
        ("中共潜江市委宣传部", "中共潜江市委宣传部", M, "propaganda", "宣传部"),
        ("团省委", "共青团省委员会", P, "youth_league", "共青团委员会"),
        ("共青团潜江市委员会", "共青团潜江市委员会", M, "youth_league", "共青团委员会"),
        ("国务院办公厅", "国务院办公厅", N, "government_office", "办公厅"),
        ("国务院国资委", "国务院国有资产监督管理委员会", N, "state_assets", "国有资产监督管理委员会"),
        ("人民银行济南分行营业管理部", "中国人民银行济南分行营业管理部", M, "finance_regulation",
         "人民银行济南分行营业管理部"),
        ("国家金融监督管理总局山东监管局", "国家金融监督管理总局山东监管局", P, "finance_regulation",
         "金融监督管理总局山东监管局"),
        ("省应急厅", "省应急管理厅", P, "emergency", "应急管理厅"),
        ("市住房城乡建设局", "市住房和城乡建设局", M, "housing_construction", "住房和城乡建设局"),
        ("XX县人民政府", "XX县人民政府", C, "government", "人民政府"),
        ("ＸＸ县 教育局", "XX县教育局", C, "education", "教育局"),  # width and spaces normalised
    ],
)  # fmt: skip
def test_resolve_examples(name: str, canonical: str, level: Level, function: str, core: str) -> None:
    assert resolve(name) == AgencyInfo(canonical, level, function, core)


def test_unprefixed_names_take_the_default_level() -> None:
    assert resolve("江汉艺术职业学院").level is Level.UNKNOWN
    assert resolve("江汉艺术职业学院", default_level=Level.MUNICIPAL).level is Level.MUNICIPAL
    # a prefix beats the default
    assert resolve("省教育厅", default_level=Level.MUNICIPAL).level is Level.PROVINCIAL


def test_bare_national_names_in_a_local_document() -> None:
    assert resolve("发展改革委").canonical == "国家发展和改革委员会"
    local = resolve("国资委", default_level=Level.MUNICIPAL)
    assert (local.canonical, local.level) == ("国有资产监督管理委员会", Level.MUNICIPAL)
    assert resolve("国资委").canonical == "国务院国有资产监督管理委员会"


def test_labels_and_trailing_etc_are_ignored() -> None:
    assert resolve("责任单位：市教育局").canonical == "市教育局"
    assert resolve("省工业和信息化厅等").canonical == "省工业和信息化厅"
    assert resolve("（市科技局）").canonical == "市科学技术局"


@pytest.mark.parametrize(
    ("name", "canonical", "level", "function"),
    [
        ("市委宣传部（市文明办）", "市委宣传部", M, "propaganda"),  # annotation dropped
        ("市人社局(牵头)", "市人力资源和社会保障局", M, "human_resources"),
        ("潜江市职业教育(集团)学校", "潜江市职业教育(集团)学校", M, "university_school"),
        ("山东省济南市教育局", "山东省济南市教育局", M, "education"),  # most local place wins
        ("湖北省潜江市人民政府", "湖北省潜江市人民政府", M, "government"),
        ("彭水苗族土家族自治县人民政府", "彭水苗族土家族自治县人民政府", C, "government"),
        ("浩口镇人民政府", "浩口镇人民政府", C, "government"),
        ("省委", "中共省委员会", P, "party_committee"),
        ("中共潜江市委", "中共潜江市委员会", M, "party_committee"),
        ("县委办", "县委办公室", C, "government_office"),
        ("市人大常委会", "市人民代表大会常务委员会", M, "peoples_congress"),
        ("国务院教育行政部门", "国务院教育行政部门", N, "education"),
        ("省级人民政府科学技术主管部门", "省级人民政府科学技术主管部门", P, "science_technology"),
        ("国家税务总局潜江市税务局", "国家税务总局潜江市税务局", M, "taxation"),
        ("教育部办公厅", "教育部办公厅", N, "education"),  # a sub-unit without a field of its own
        ("市政府研究室", "市人民政府研究室", M, "policy_research"),
        ("市生态环境局潜江分局", "市生态环境局潜江分局", M, "ecology_environment"),
    ],
)
def test_resolve_more_forms(name: str, canonical: str, level: Level, function: str) -> None:
    info = resolve(name)
    assert (info.canonical, info.level, info.function) == (canonical, level, function)


def test_results_are_cached() -> None:
    assert resolve("市经信局") is resolve("市经信局")


def test_unknown_names_keep_their_text() -> None:
    info = resolve("某某某")
    assert (info.canonical, info.function, info.level) == ("某某某", None, Level.UNKNOWN)


# -- groups and the agency test -------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "level", "function"),
    [
        ("各有关部门", U, None),
        ("各区县政府", C, "government"),
        ("各市工业和信息化局", M, "industry_it"),
        ("市相关部门", M, None),
        ("各省级人民政府", P, "government"),
        ("各镇处", C, None),
        ("高校", U, "university_school"),
        ("科研院所", U, "research_institute"),
        ("企业", U, None),
    ],
)
def test_generic_groups(name: str, level: Level, function: str | None) -> None:
    assert is_generic_group(name)
    assert looks_like_agency(name)
    info = resolve(name)
    assert (info.canonical, info.level, info.function) == (name, level, function)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市教育局", True),
        ("江汉油田教育实业集团", True),
        ("团市委", True),
        ("崂山实验室", True),
        ("以联合体形式申报时", False),
        ("加强科学教育", False),
        ("2025年底前", False),
        ("建立专家决策咨询制度，结合我市产业重大需求", False),
        ("", False),
        # halves of names joined by 和: the clause splitter must not cut these apart
        ("工业", False),
        ("自然资源", False),
        ("文化", False),
        ("住房", False),
        ("人力资源", False),
        ("中央", False),
        ("信息化部", True),
    ],
)
def test_looks_like_agency(text: str, expected: bool) -> None:
    assert looks_like_agency(text) is expected
    assert not is_generic_group("市教育局")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("市人民政府办公室", M),
        ("国务院办公厅", N),
        ("国务院", N),
        ("山东省人民政府", P),
        ("XX县人民政府", C),
        ("潜江市人民政府", M),
        ("潜江市人民政府办公室关于印发统筹推进工作方案的通知", M),
        ("中共潜江市委 潜江市人民政府", M),
        ("济南市工业和信息化局", M),
        ("青岛市人民政府办公厅", M),
        ("北京市人民政府", P),
        ("广西壮族自治区人民政府", P),
        ("教育部办公厅", N),
        ("", U),
    ],
)
def test_issuer_level(text: str, level: Level) -> None:
    assert issuer_level(text) is level


# -- the table itself -------------------------------------------------------------------------
def test_table_functions_are_in_the_vocabulary() -> None:
    from policytext.agencies import _builtin_rows

    rows = _builtin_rows()
    assert len(rows) > 800
    used = {row.function for row in rows if row.function}
    assert used <= set(FUNCTIONS)
    assert len(FUNCTIONS) == len(set(FUNCTIONS))
    keys = [(row.kind, row.alias, row.level == "national") for row in rows]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, duplicates  # a later row would silently override an earlier one


def test_extra_table_adds_and_overrides(tmp_path: Path) -> None:
    table = tmp_path / "local.tsv"
    table.write_text(
        "kind\talias\tcanonical\tfunction\tlevel\tnote\n"
        "name\t城投集团\t城市建设投资集团\thousing_construction\t\tour city's builder\n"
        "name\t科协\t科学技术协会\tscience_technology\t\toverride\n"
        "place\t江汉\t江汉\t\tmunicipal\t\n",
        encoding="utf-8",
    )
    resolver = AgencyResolver(extra_table=table)
    assert resolver.resolve("市城投集团").canonical == "市城市建设投资集团"
    assert resolver.resolve("市城投集团").function == "housing_construction"
    assert resolver.resolve("市科协").function == "science_technology"
    assert resolver.resolve("江汉艺术职业学院").level is Level.MUNICIPAL
    # the default resolver is untouched
    assert resolve("市城投集团").function == "state_enterprise"
    assert resolve("市科协").function == "science_association"
    clone = pickle.loads(pickle.dumps(resolver))
    assert clone.resolve("市城投集团") == resolver.resolve("市城投集团")


def test_extra_table_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        AgencyResolver(extra_table=tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("nonsense\t市X局\tX局\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"line 1: unknown kind") as caught:
        AgencyResolver(extra_table=bad)
    assert isinstance(caught.value, PolicyTextError)
    assert str(bad) in str(caught.value)


def test_resolve_is_fast_enough_for_corpora() -> None:
    names = [f"{p}{c}" for p in ("市", "省", "县", "潜江市", "") for c in QIANJIANG_UNITS] * 20
    fresh = AgencyResolver()
    started = time.perf_counter()
    for name in names:
        fresh.resolve(name)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{len(names)} resolutions took {elapsed:.2f} s"


# -- the shared public corpora ----------------------------------------------------------------
@pytest.mark.shared
def test_shandong_clause_units_have_functions(shared: Path) -> None:
    path = shared / "central_shandong_ai" / "policies_central_shandong.jsonl"
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    names = {u for r in records for u in clause_units(r["content"])}
    specific = sorted(n for n in names if not is_generic_group(n))
    assert len(specific) >= 80
    misses = [n for n in specific if resolve(n).function is None]
    print(f"{len(specific) - len(misses)}/{len(specific)} clause units resolved; misses: {misses}")
    assert len(misses) <= 0.05 * len(specific), misses
    assert all(looks_like_agency(n) for n in names)


# -- robustness ---------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_resolve_never_raises(text: str) -> None:
    info = resolve(text)
    assert isinstance(info.level, Level)
    assert info.function is None or info.function in FUNCTIONS
    if text:
        assert info.canonical
    issuer_level(text)
    looks_like_agency(text)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["", "市", "省", "县", "区", "国家", "潜江市", "山东省", "中共济南市委", "各"]),
    st.text(alphabet="市省县区委局厅部办会集团公司教育科技人社发改中心政府", max_size=12),
)
def test_resolve_never_raises_on_agency_like_text(prefix: str, rest: str) -> None:
    info = resolve(prefix + rest, default_level=Level.COUNTY)
    assert info.canonical or not prefix + rest
    assert info.level is not None
