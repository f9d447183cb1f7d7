"""PMC index (Policy Modeling Consistency, Ruiz Estrada 2011) of policy documents.

Chinese policy-evaluation studies score each document on ten variables (政策性质, 政策时效,
发布机构, 政策领域, 政策评价, 激励约束, 作用对象, 政策功能, 政策视角, 政策公开), each with binary
sub-variables.  Here the scheme is data (``policytext/data/pmc_scheme.json``, or your own file),
each sub-variable is scored 0/1 automatically from the parsed document with the evidence that
decided it, and any score can be overridden by the researcher (``overrides={"X1:1": 1}``).

A variable's score is the mean of its sub-variables; the PMC value is the sum of variable scores
(0–10 with the bundled scheme); the grade comes from configurable bands (bundled: 9–10 perfect
完美, 7–8.99 excellent 优秀, 5–6.99 acceptable 可接受, 0–4.99 poor 不良, the bands used by
e.g. 张永安 & 郄海拓 2017 for ten variables).  The PMC surface arranges X1…X9 as a 3×3 matrix.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from policytext.errors import ConfigurationError
from policytext.model import Level, PolicyDocument, Span

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes

    from policytext.instruments.result import InstrumentResult

RULES = (
    "terms", "level", "issuer", "joint_issuers", "horizon", "targets", "citations", "deadlines", "units",
    "unit_function", "instrument_type", "instrument_subtype", "published",
)  # fmt: skip


class Hit(NamedTuple):
    """Evidence for a sub-variable score: a text (a matched term, or a description) and its span."""

    text: str
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": self.span.to_list() if self.span else None}


# -- the scheme ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SubVariable:
    id: str
    variable: str
    name: str
    name_zh: str
    rules: tuple[dict[str, Any], ...]
    all: bool = False


@dataclass(frozen=True)
class Variable:
    id: str
    name: str
    name_zh: str
    subvariables: tuple[SubVariable, ...]


@dataclass(frozen=True)
class Grade:
    min: float
    grade: str
    grade_zh: str


@dataclass(frozen=True)
class PMCScheme:
    """Variables with sub-variables and their scoring rules, grade bands and the surface layout.

    Load the bundled scheme with ``PMCScheme.load()``, your own with ``PMCScheme.load(path)`` or
    ``PMCScheme.from_dict(data)``; change the bands with :meth:`with_grades`.
    """

    variables: tuple[Variable, ...]
    grades: tuple[Grade, ...]
    surface: tuple[tuple[str, ...], ...]
    name: str = ""
    source: str | None = None

    @classmethod
    def load(cls, path: str | Path | None = None) -> PMCScheme:
        """The bundled scheme (``path=None``) or a JSON file in the same format."""
        if path is None:
            source = Path(str(importlib.resources.files("policytext") / "data" / "pmc_scheme.json"))
        else:
            source = Path(path)
        try:
            data = json.loads(source.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ConfigurationError("PMC scheme file not found", source) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ConfigurationError(f"cannot read PMC scheme: {error}", source) from None
        return cls.from_dict(data, str(source))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> PMCScheme:
        if (
            not isinstance(data, Mapping)
            or not isinstance(data.get("variables"), list)
            or not data["variables"]
        ):
            raise ConfigurationError("a PMC scheme needs a non-empty 'variables' list", source)
        variables = []
        seen: set[str] = set()
        for entry in data["variables"]:
            vid = entry.get("id") if isinstance(entry, Mapping) else None
            if not vid or not entry.get("subvariables"):
                raise ConfigurationError(f"variable {vid!r} needs an 'id' and 'subvariables'", source)
            subs = []
            for sub in entry["subvariables"]:
                sid = sub.get("id")
                if not sid or sid in seen:
                    raise ConfigurationError(f"sub-variable id missing or repeated: {sid!r}", source)
                seen.add(sid)
                rules = tuple(sub.get("rules", ()))
                for rule in rules:
                    if rule.get("rule") not in RULES:
                        raise ConfigurationError(
                            f"{sid}: unknown rule {rule.get('rule')!r}; known: {', '.join(RULES)}", source
                        )
                    for pattern in rule.get("patterns", ()):
                        _compile(pattern, f"{source or 'scheme'}: {sid}")
                subs.append(
                    SubVariable(
                        sid,
                        vid,
                        sub.get("name", sid),
                        sub.get("name_zh", sub.get("name", sid)),
                        rules,
                        bool(sub.get("all")),
                    )
                )
            variables.append(
                Variable(
                    vid, entry.get("name", vid), entry.get("name_zh", entry.get("name", vid)), tuple(subs)
                )
            )
        grades = tuple(
            sorted(
                (
                    Grade(float(g["min"]), g["grade"], g.get("grade_zh", g["grade"]))
                    for g in data.get("grades", [])
                ),
                key=lambda g: -g.min,
            )
        )
        ids = [v.id for v in variables]
        surface = tuple(tuple(row) for row in data.get("surface", ()))
        unknown = [v for row in surface for v in row if v not in ids]
        if unknown:
            raise ConfigurationError(f"surface names unknown variables: {', '.join(unknown)}", source)
        return cls(tuple(variables), grades, surface, str(data.get("name", "")), source)

    def with_grades(self, bands: Iterable[tuple[float, str] | tuple[float, str, str]]) -> PMCScheme:
        """A copy with other grade bands: ``[(9, "perfect"), (7, "excellent"), (5, "acceptable"), (0, "poor")]``."""
        grades = tuple(
            sorted(
                (Grade(float(b[0]), b[1], b[2] if len(b) > 2 else b[1]) for b in bands), key=lambda g: -g.min
            )
        )
        return PMCScheme(self.variables, grades, self.surface, self.name, self.source)

    def subvariable_ids(self) -> list[str]:
        return [s.id for v in self.variables for s in v.subvariables]

    def grade_of(self, value: float) -> Grade | None:
        return next((g for g in self.grades if value >= g.min - 1e-9), None)


# -- results ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubScore:
    """The score of one sub-variable: automatic value, final value, whether overridden, evidence."""

    id: str
    variable: str
    name: str
    name_zh: str
    auto: int
    score: float
    overridden: bool
    evidence: tuple[Hit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "variable": self.variable,
            "name": self.name,
            "name_zh": self.name_zh,
            "auto": self.auto,
            "score": self.score,
            "overridden": self.overridden,
            "evidence": [h.to_dict() for h in self.evidence],
        }


@dataclass(frozen=True)
class PMCResult:
    """PMC scores of one document: sub-variables (with evidence), variables, PMC value and grade."""

    document: str
    subscores: tuple[SubScore, ...]
    variables: dict[str, float]
    pmc: float
    grade: str | None
    grade_zh: str | None
    scheme: PMCScheme = field(repr=False)

    def matrix(self) -> np.ndarray:
        """The PMC matrix (3×3 for the bundled scheme: X1…X9 row by row)."""
        import numpy as np

        return np.array([[self.variables[v] for v in row] for row in self.scheme.surface], dtype=float)

    def row(self) -> dict[str, Any]:
        """A flat row: document, each variable score, PMC, grade (what ``policytext pmc`` prints)."""
        return {
            "document": self.document,
            **{k: round(v, 4) for k, v in self.variables.items()},
            "PMC": round(self.pmc, 4),
            "grade": self.grade,
            "grade_zh": self.grade_zh,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.row(), "subvariables": [s.to_dict() for s in self.subscores]}

    def to_frame(self) -> pd.DataFrame:
        """One row per sub-variable: variable, id, names, auto and final score, evidence terms."""
        import pandas as pd

        rows = [
            {
                "variable": s.variable,
                "id": s.id,
                "name": s.name,
                "name_zh": s.name_zh,
                "auto": s.auto,
                "score": s.score,
                "overridden": s.overridden,
                "evidence": "、".join(h.text for h in s.evidence),
            }
            for s in self.subscores
        ]
        return pd.DataFrame(rows)


# -- scoring ------------------------------------------------------------------------------
def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern[3:]) if pattern.startswith("re:") else re.compile(re.escape(pattern))
    except re.error as error:
        raise ConfigurationError(f"{where}: bad regular expression {pattern!r}: {error}") from None


class _Context:
    """What the rules look at, computed once per document (instrument coding only when needed)."""

    def __init__(self, doc: PolicyDocument, instruments: Mapping[str, InstrumentResult]) -> None:
        self.doc = doc
        self.text = _mask_clauses(doc)
        self._instruments = dict(instruments)
        self._horizons: list[tuple[int, Hit]] | None = None

    def instruments(self, scheme: str) -> InstrumentResult:
        if scheme not in self._instruments:
            from policytext.instruments.classify import classify

            self._instruments[scheme] = classify(self.doc, scheme)
        return self._instruments[scheme]

    def horizons(self) -> list[tuple[int, Hit]]:
        if self._horizons is None:
            self._horizons = _horizons(self.doc, self.text)
        return self._horizons


def _mask_clauses(doc: PolicyDocument) -> str:
    """Document text with responsibility clauses blanked (unit names are not content)."""
    chars = list(doc.text)
    for measure in doc.measures:
        span = measure.clause_span
        if span is not None:
            chars[span.start : span.end] = " " * (span.end - span.start)
    return "".join(chars)


_YEAR_PLAN = re.compile(r"(?:到|至|截至)(20\d\d)年|(20\d\d)年(?:底|末|年底|年末)?(?:前|以前|完成)")
_YEAR_RANGE = re.compile(r"(20\d\d)\s*[-—–－~～至到]\s*(20\d\d)\s*年")
_FULL_DATE = re.compile(r"(?<!\d)(20\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def _base_year(doc: PolicyDocument, text: str) -> int | None:
    """The year the document speaks from: its date, a year range in its title, or a full date.

    A bare year (到2027年) is a target, not a base: with nothing better the horizon is unknown and
    the X2 horizon rules stay silent rather than guess.
    """
    if doc.header.date:
        return int(doc.header.date[:4])
    match = _YEAR_RANGE.search(doc.header.title or text[:200])
    if match:
        return int(match.group(1))
    dates = [int(m.group(1)) for m in _FULL_DATE.finditer(text[:400])]
    dates = dates or [int(m.group(1)) for m in _FULL_DATE.finditer(text[-300:])]
    return dates[0] if dates else None


def _horizons(doc: PolicyDocument, text: str) -> list[tuple[int, Hit]]:
    """(years ahead, evidence) for every planned year the document names."""
    base = _base_year(doc, text)
    if base is None:
        return []
    found: list[tuple[int, Hit]] = []
    for match in _YEAR_PLAN.finditer(text):
        year = int(match.group(1) or match.group(2))
        found.append((year - base, Hit(match.group(0), Span(match.start(), match.end()))))
    for match in _YEAR_RANGE.finditer(text):
        found.append((int(match.group(2)) - base, Hit(match.group(0), Span(match.start(), match.end()))))
    for deadline in (d for m in doc.measures for d in m.deadlines):
        if deadline.date:
            found.append((int(deadline.date[:4]) - base, Hit(deadline.text, deadline.span)))
    return [(years, hit) for years, hit in found if -1 <= years <= 50]


def _rule_terms(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    hits: list[Hit] = []
    distinct = 0
    for pattern in rule.get("patterns", ()):
        matches = list(_compile(pattern, "rule").finditer(ctx.text))
        if matches:
            distinct += 1
        hits.extend(Hit(m.group(0), Span(m.start(), m.end())) for m in matches)
    if len(hits) < int(rule.get("min", 1)) or distinct < int(rule.get("min_distinct", 1)):
        return []
    return hits


def _rule_level(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    level = ctx.doc.header.level
    wanted = {Level(v) for v in rule.get("levels", ())}
    return [Hit(f"issuing level: {level.value}")] if level in wanted else []


def _issuer_lines(ctx: _Context) -> str:
    header = ctx.doc.header
    return "\n".join(filter(None, [header.issuer, header.title, ctx.doc.text[:120]]))


def _rule_issuer(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    lines = _issuer_lines(ctx)
    for pattern in rule.get("patterns", ()):
        match = _compile(pattern, "rule").search(lines)
        if match:
            return [Hit(f"issuer: {match.group(0)}")]
    return []


_ISSUER_SPLIT = re.compile(r"[、 　,，]+")


def _rule_joint_issuers(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    issuer = ctx.doc.header.issuer or ""
    bodies = [b for b in _ISSUER_SPLIT.split(issuer) if len(b) >= 2]
    return [Hit(f"issuers: {issuer}")] if len(bodies) >= int(rule.get("min", 2)) else []


def _rule_horizon(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    low = rule.get("min_years")
    high = rule.get("max_years")
    return [
        Hit(f"{hit.text} (+{years} years)", hit.span)
        for years, hit in ctx.horizons()
        if (low is None or years >= low) and (high is None or years <= high)
    ]


def _rule_targets(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    targets = [t for m in ctx.doc.measures for t in m.targets]
    return [Hit(t.text, t.span) for t in targets] if len(targets) >= int(rule.get("min", 1)) else []


def _rule_citations(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    own = ctx.doc.header.title
    citations = list(ctx.doc.citations) or [c for m in ctx.doc.measures for c in m.citations]
    citations = [c for c in citations if c.title != own]  # a 印发通知 names the document itself
    return (
        [Hit(f"《{c.title}》", c.span) for c in citations]
        if len(citations) >= int(rule.get("min", 1))
        else []
    )


def _rule_deadlines(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    deadlines = [d for m in ctx.doc.measures for d in m.deadlines]
    return [Hit(d.text, d.span) for d in deadlines] if len(deadlines) >= int(rule.get("min", 1)) else []


def _rule_units(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    measures = ctx.doc.measures
    if not measures:
        return []
    with_units = sum(1 for m in measures if m.units)
    share = with_units / len(measures)
    if with_units and share >= float(rule.get("min_share", 0.5)):
        return [Hit(f"{with_units}/{len(measures)} measures name responsible units")]
    return []


def _rule_unit_function(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    wanted = set(rule.get("functions", ()))
    units = [u for u in ctx.doc.units if u.function in wanted]
    return [Hit(u.name, u.span) for u in units]


def _rule_instrument_type(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    result = ctx.instruments(str(rule.get("scheme", "rothwell")))
    wanted = rule.get("type")
    coded = [m for m in result.measures if wanted in m.types]
    if len(coded) < int(rule.get("min_measures", 1)):
        return []
    return [Hit(f"{'/'.join(m.path) or 'document'}: {', '.join(m.subtypes)}", m.measure.span) for m in coded]


def _rule_instrument_subtype(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    result = ctx.instruments(str(rule.get("scheme", "rothwell")))
    wanted = set(rule.get("subtypes", ()))
    coded = [m for m in result.measures if wanted & set(m.subtypes)]
    if len(coded) < int(rule.get("min_measures", 1)):
        return []
    return [
        Hit(f"{'/'.join(m.path) or 'document'}: {', '.join(wanted & set(m.subtypes))}", m.measure.span)
        for m in coded
    ]


def _rule_published(rule: Mapping[str, Any], ctx: _Context) -> list[Hit]:
    header = ctx.doc.header
    parts = [p for p in (header.issuer, header.doc_number, header.date) if p]
    return [Hit("published: " + " ".join(parts))] if parts else []


_RULES: dict[str, Callable[[Mapping[str, Any], _Context], list[Hit]]] = {
    "terms": _rule_terms,
    "level": _rule_level,
    "issuer": _rule_issuer,
    "joint_issuers": _rule_joint_issuers,
    "horizon": _rule_horizon,
    "targets": _rule_targets,
    "citations": _rule_citations,
    "deadlines": _rule_deadlines,
    "units": _rule_units,
    "unit_function": _rule_unit_function,
    "instrument_type": _rule_instrument_type,
    "instrument_subtype": _rule_instrument_subtype,
    "published": _rule_published,
}

#: At most this many evidence items are kept per sub-variable (the first ones in text order).
MAX_EVIDENCE = 8


def _score_subvariable(sub: SubVariable, ctx: _Context) -> tuple[int, tuple[Hit, ...]]:
    results = [_RULES[rule["rule"]](rule, ctx) for rule in sub.rules]
    fired = [hits for hits in results if hits]
    ok = (len(fired) == len(results)) if sub.all else bool(fired)
    if not ok:
        return 0, ()
    evidence: list[Hit] = []
    for hits in fired:
        for hit in hits:
            if hit.text not in {h.text for h in evidence}:
                evidence.append(hit)
    return 1, tuple(evidence[:MAX_EVIDENCE])


def _check_overrides(overrides: Mapping[str, float], scheme: PMCScheme) -> dict[str, float]:
    known = set(scheme.subvariable_ids())
    checked: dict[str, float] = {}
    for key, value in overrides.items():
        if key not in known:
            raise ConfigurationError(f"unknown PMC sub-variable {key!r} in overrides (e.g. 'X1:1')")
        number = float(value)
        if not 0.0 <= number <= 1.0:
            raise ConfigurationError(f"override {key}={value!r}: a sub-variable score must lie in [0, 1]")
        checked[key] = number
    return checked


def pmc_score(
    doc: PolicyDocument,
    scheme: PMCScheme | str | Path | None = None,
    *,
    overrides: Mapping[str, float] | None = None,
    instruments: InstrumentResult | Mapping[str, InstrumentResult] | None = None,
) -> PMCResult:
    """Score ``doc`` with the PMC index: 0/1 per sub-variable with evidence, variable means, PMC, grade.

    ``scheme``: a :class:`PMCScheme`, a JSON path, or ``None`` for the bundled ten-variable scheme.
    ``overrides``: researcher decisions that replace automatic scores, ``{"X1:1": 1, "X6:2": 0}``.
    ``instruments``: an existing instrument coding to reuse for the X8 / X6 rules (else the
    document is coded with the bundled lexicon when a rule needs it).

    >>> import policytext
    >>> result = pmc_score(policytext.corpora.load("qianjiang_2025"), overrides={"X6:2": 1})
    >>> result.variables["X6"] >= 0.2
    True
    """
    plan = scheme if isinstance(scheme, PMCScheme) else PMCScheme.load(scheme)
    fixed = _check_overrides(overrides or {}, plan)
    if instruments is None:
        given: dict[str, InstrumentResult] = {}
    elif isinstance(instruments, Mapping):
        given = dict(instruments)
    else:
        given = {instruments.scheme: instruments}
    ctx = _Context(doc, given)
    subscores: list[SubScore] = []
    variables: dict[str, float] = {}
    for variable in plan.variables:
        values = []
        for sub in variable.subvariables:
            auto, evidence = _score_subvariable(sub, ctx)
            score = fixed.get(sub.id, float(auto))
            subscores.append(
                SubScore(sub.id, variable.id, sub.name, sub.name_zh, auto, score, sub.id in fixed, evidence)
            )
            values.append(score)
        variables[variable.id] = sum(values) / len(values)
    pmc = sum(variables.values())
    grade = plan.grade_of(pmc)
    return PMCResult(
        doc.name,
        tuple(subscores),
        variables,
        pmc,
        grade.grade if grade else None,
        grade.grade_zh if grade else None,
        plan,
    )


def pmc_table(
    docs: Iterable[PolicyDocument],
    scheme: PMCScheme | str | Path | None = None,
    *,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """One row per document: X1…X10, PMC, grade (``overrides`` keyed by document name)."""
    import pandas as pd

    plan = scheme if isinstance(scheme, PMCScheme) else PMCScheme.load(scheme)
    rows = [pmc_score(doc, plan, overrides=(overrides or {}).get(doc.name)).row() for doc in docs]
    return pd.DataFrame(rows)


def plot_pmc_surface(
    result: PMCResult, ax: Axes | None = None, *, kind: str = "surface", cmap: str = "viridis"
) -> Axes:
    """The PMC surface of one document: a 3D surface (``kind="surface"``) or an annotated heatmap.

    Pass ``ax`` as a 3D axes (``fig.add_subplot(projection="3d")``) for the surface kind.
    """
    import numpy as np

    from policytext.fonts import font_families, plot_context

    if kind not in ("surface", "heatmap"):
        raise ConfigurationError(f"kind must be 'surface' or 'heatmap', got {kind!r}")
    matrix = result.matrix()
    labels = [[v for v in row] for row in result.scheme.surface]
    with plot_context():
        if ax is None:
            import matplotlib.pyplot as plt

            figure = plt.figure(figsize=(5.5, 4.5), layout="constrained")
            ax = figure.add_subplot(projection="3d") if kind == "surface" else figure.add_subplot()
        title = f"PMC 曲面 {result.document[:24]}  PMC={result.pmc:.2f} ({result.grade_zh or result.grade})"
        if kind == "surface":
            if getattr(ax, "name", "") != "3d":
                raise ConfigurationError("kind='surface' needs a 3D axes (projection='3d')")
            xs, ys = np.meshgrid(np.arange(matrix.shape[1]), np.arange(matrix.shape[0]))
            axes3d: Any = ax  # mpl_toolkits.mplot3d.Axes3D
            axes3d.plot_surface(xs, ys, matrix, cmap=cmap, vmin=0, vmax=1, edgecolor="grey", linewidth=0.4)
            axes3d.set_zlim(0, 1)
            ax.set_xticks(range(matrix.shape[1]))
            ax.set_yticks(range(matrix.shape[0]))
            ax.set_xlabel("column")
            ax.set_ylabel("row")
            for (row, column), value in np.ndenumerate(matrix):
                axes3d.text(column, row, value + 0.03, f"{labels[row][column]}", fontsize=7)
        else:
            image = ax.imshow(matrix, cmap=cmap, vmin=0, vmax=1)
            for (row, column), value in np.ndenumerate(matrix):
                ax.text(column, row, f"{labels[row][column]}\n{value:.2f}", ha="center", va="center", fontsize=9,
                        color="white" if value < 0.5 else "black")  # fmt: skip
            ax.set_xticks([])
            ax.set_yticks([])
            ax.figure.colorbar(image, ax=ax, shrink=0.8)
        ax.set_title(title, fontsize=10)
        families = font_families()
        for text in [ax.title, *ax.texts]:
            text.set_fontfamily(families)
    return ax
