"""Corpus-level analytics on an :class:`~policytext.corpus.AnalysisResult`.

* :func:`agency_network` — co-responsibility graph of units (两个单位 share a measure → an edge);
* :func:`keyword_trends` — how often a keyword is among documents' top keywords, by year, level
  or region;
* :func:`similarity_matrix` and :func:`near_duplicates` — content similarity from MinHash
  signatures of character 5-gram shingles (computed by the workers), or topical similarity from
  keyword vectors;
* :func:`citation_table` and :func:`citation_graph` — which document cites which, by 《title》
  and by 文号.

Everything works from the result tables alone, so it runs on a result loaded from disk with
:meth:`AnalysisResult.load` and never needs the texts again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from policytext.corpus import _minhash
from policytext.errors import ConfigurationError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from policytext.corpus.result import AnalysisResult


# -- agency network -------------------------------------------------------------------------
def agency_network(
    result: AnalysisResult | pd.DataFrame,
    *,
    name: str = "canonical",
    directed: bool = False,
    min_weight: int = 1,
) -> nx.Graph:
    """The co-responsibility graph of responsible units across all measures.

    Nodes are units (by ``name``: ``"canonical"`` full names, or ``"name"`` as printed) with
    ``measures`` (how many measures name them), ``lead`` (how many as 牵头), ``documents``,
    ``level`` and ``function``.  Undirected: an edge joins two units named in the same measure,
    ``weight`` = number of such measures.  ``directed=True``: an edge goes from each lead unit
    to each supporting unit of a measure (牵头 → 配合).  Edges lighter than ``min_weight`` are
    dropped.
    """
    import networkx as nx

    units = result if isinstance(result, pd.DataFrame) else result.units
    if name not in ("canonical", "name"):
        raise ConfigurationError(f"name must be 'canonical' or 'name', not {name!r}")
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    if units.empty:
        return graph
    frame = units.assign(_unit=units[name].fillna(units["name"]))
    stats = frame.groupby("_unit").agg(
        measures=("measure", "size"),
        lead=("role", lambda roles: int((roles == "lead").sum())),
        documents=("doc_id", "nunique"),
        level=("level", "first"),
        function=("function", "first"),
    )
    for unit, row in stats.iterrows():
        graph.add_node(
            unit,
            measures=int(row["measures"]),
            lead=int(row["lead"]),
            documents=int(row["documents"]),
            level=_plain(row["level"]),
            function=_plain(row["function"]),
        )
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for _, group in frame.groupby(["doc_id", "measure"], sort=False):
        names = list(dict.fromkeys(group["_unit"]))
        if directed:
            roles = dict(zip(group["_unit"], group["role"], strict=False))
            leads = [u for u in names if roles[u] == "lead"]
            others = [u for u in names if roles[u] != "lead"]
            for lead in leads:
                for other in others:
                    weights[(lead, other)] += 1
        else:
            for first, second in combinations(sorted(names), 2):
                weights[(first, second)] += 1
    for (first, second), weight in weights.items():
        if weight >= min_weight:
            graph.add_edge(first, second, weight=weight)
    return graph


def _plain(value: Any) -> Any:
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


# -- keyword trends -------------------------------------------------------------------------
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


def document_groups(documents: pd.DataFrame, by: str) -> pd.Series:
    """The group of each document for ``by``: ``year`` (from ``date``), ``level``, ``region`` or a column."""
    if by == "year":
        years = documents["date"].astype("string").str.extract(_YEAR, expand=False)
        return years.astype("string")
    if by not in documents.columns:
        raise ConfigurationError(f"cannot group by {by!r}: use year, level, region or a documents column")
    return documents[by].astype("string")


def keyword_trends(
    result: AnalysisResult,
    *,
    by: str = "year",
    terms: list[str] | None = None,
    top: int = 20,
    pivot: bool = False,
) -> pd.DataFrame:
    """How prominent each keyword is per group of documents (year, level, region …).

    For each group and term: ``documents`` (documents of the group having the term among their
    top keywords), ``share`` (that divided by the group's documents), ``count`` (summed
    occurrences).  ``terms`` limits the output to those terms; otherwise the ``top`` terms by
    number of documents overall are kept.  ``pivot=True`` gives a group × term table of shares.
    """
    groups = document_groups(result.documents, by).rename("group")
    group_of = pd.Series(groups.values, index=result.documents["doc_id"].values)
    sizes = groups.value_counts(dropna=True)
    keywords = result.keywords.assign(group=result.keywords["doc_id"].map(group_of)).dropna(subset=["group"])
    if terms is not None:
        keywords = keywords[keywords["term"].isin(terms)]
    else:
        leading = keywords.groupby("term")["doc_id"].nunique().sort_values(ascending=False, kind="stable")
        keywords = keywords[keywords["term"].isin(leading.index[:top])]
    table = (
        keywords.groupby(["group", "term"])
        .agg(documents=("doc_id", "nunique"), count=("count", "sum"))
        .reset_index()
    )
    table["share"] = table["documents"] / table["group"].map(sizes).astype("float64")
    table = table.sort_values(["group", "documents", "term"], ascending=[True, False, True]).reset_index(
        drop=True
    )
    table = table.rename(columns={"group": by})
    if pivot:
        return table.pivot(index=by, columns="term", values="share").fillna(0.0)
    return table[[by, "term", "documents", "share", "count"]]


# -- similarity and near-duplicates -----------------------------------------------------------
def signatures(result: AnalysisResult) -> tuple[list[str], np.ndarray]:
    """Document ids and their MinHash signatures as an (n, num_perm) uint32 array."""
    documents = result.documents.dropna(subset=["minhash"])
    if len(documents) < len(result.documents):
        missing = len(result.documents) - len(documents)
        raise ConfigurationError(
            f"{missing} document(s) have no MinHash signature (analyse with minhash=True)"
        )
    ids = documents["doc_id"].astype(str).tolist()
    if not ids:
        return ids, np.empty((0, 0), dtype=np.uint32)
    return ids, np.vstack([_minhash.from_hex(value) for value in documents["minhash"]])


def similarity_matrix(result: AnalysisResult, *, method: str = "minhash") -> pd.DataFrame:
    """A documents × documents similarity table (1.0 on the diagonal).

    ``method="minhash"``: estimated Jaccard similarity of character 5-gram shingles (content:
    shared wording).  ``method="keywords"``: cosine of the documents' keyword score vectors
    (topic).  Memory grows with the square of the number of documents (10,000 → 800 MB).
    """
    if method == "minhash":
        ids, sigs = signatures(result)
        matrix = np.zeros((len(ids), len(ids)), dtype=np.float64)
        for start in range(0, len(ids), 256):
            block = sigs[start : start + 256]
            matrix[start : start + len(block)] = (block[:, None, :] == sigs[None, :, :]).mean(axis=2)
        return pd.DataFrame(matrix, index=ids, columns=ids)
    if method == "keywords":
        return _keyword_similarity(result)
    raise ConfigurationError(f"unknown similarity method {method!r} (minhash or keywords)")


def _keyword_similarity(result: AnalysisResult) -> pd.DataFrame:
    from scipy import sparse

    ids = result.documents["doc_id"].astype(str).tolist()
    row_of = {doc_id: i for i, doc_id in enumerate(ids)}
    keywords = result.keywords[result.keywords["doc_id"].isin(row_of)]
    terms = {term: j for j, term in enumerate(dict.fromkeys(keywords["term"]))}
    matrix = sparse.csr_matrix(
        (
            keywords["score"].astype("float64").to_numpy(),
            (keywords["doc_id"].map(row_of).to_numpy(), keywords["term"].map(terms).to_numpy()),
        ),
        shape=(len(ids), max(1, len(terms))),
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    normalised = sparse.diags(1.0 / norms) @ matrix
    similarity = (normalised @ normalised.T).toarray()
    np.fill_diagonal(similarity, 1.0)
    return pd.DataFrame(similarity, index=ids, columns=ids)


def near_duplicates(result: AnalysisResult, *, threshold: float = 0.8, bands: int = 16) -> pd.DataFrame:
    """Pairs of documents whose estimated shingle Jaccard similarity is at least ``threshold``.

    Locality-sensitive hashing over the MinHash signatures (``bands`` bands) finds candidate
    pairs without comparing all pairs; each candidate is then checked on the full signature.
    Returns ``doc_a``, ``doc_b``, ``similarity``, sorted by similarity (highest first).
    """
    ids, sigs = signatures(result)
    columns = ["doc_a", "doc_b", "similarity"]
    if len(ids) < 2:
        return pd.DataFrame(columns=columns)
    num_perm = sigs.shape[1]
    if num_perm % bands:
        raise ConfigurationError(f"bands ({bands}) must divide the signature length ({num_perm})")
    rows = num_perm // bands
    candidates: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        part = np.ascontiguousarray(sigs[:, band * rows : (band + 1) * rows])
        for index in range(len(ids)):
            buckets[part[index].tobytes()].append(index)
        for members in buckets.values():
            if 1 < len(members) <= 1000:  # a huge bucket is empty-text noise, not duplicates
                candidates.update(combinations(members, 2))
    pairs = []
    for first, second in candidates:
        similarity = _minhash.jaccard(sigs[first], sigs[second])
        if similarity >= threshold:
            pairs.append((ids[first], ids[second], similarity))
    frame = pd.DataFrame(pairs, columns=columns)
    return frame.sort_values(["similarity", "doc_a", "doc_b"], ascending=[False, True, True]).reset_index(
        drop=True
    )


# -- citations --------------------------------------------------------------------------------
_TITLE_NOISE = re.compile(r"[\s《》〈〉“”\"'‘’·・]")
_PRC = "中华人民共和国"


def normalise_title(title: str | None) -> str:
    """A title for matching: no spaces, quotes or 《》, and without the 中华人民共和国 prefix."""
    if not title:
        return ""
    cleaned = _TITLE_NOISE.sub("", str(title))
    cleaned = re.sub(r"[（(](\d{4})[年]?(修正|修订|修改)?[)）]$", "", cleaned)
    return cleaned.removeprefix(_PRC)


def _normalise_number(number: str | None) -> str:
    if not number:
        return ""
    return (
        re.sub(r"\s", "", str(number))
        .replace("[", "〔")
        .replace("]", "〕")
        .replace("［", "〔")
        .replace("］", "〕")
    )


def citation_table(result: AnalysisResult) -> pd.DataFrame:
    """Every citation with the document it resolves to inside the corpus (``cited_doc_id``).

    A citation resolves by 文号 when it has one that a document of the corpus carries, else by
    normalised title.  When several documents share the title (versions of a law), the latest
    one dated no later than the citing document is chosen.  Unresolved citations keep
    ``cited_doc_id`` empty: they point outside the corpus.
    """
    documents = result.documents
    citations = result.citations
    dates = dict(zip(documents["doc_id"], documents["date"].astype("string").fillna(""), strict=True))
    by_title: dict[str, list[str]] = defaultdict(list)
    for doc_id, title in zip(documents["doc_id"], documents["title"], strict=True):
        key = normalise_title(title if title is not pd.NA else None)
        if key:
            by_title[key].append(doc_id)
    by_number: dict[str, list[str]] = defaultdict(list)
    for doc_id, number in zip(documents["doc_id"], documents["doc_number"], strict=True):
        key = _normalise_number(number if number is not pd.NA else None)
        if key:
            by_number[key].append(doc_id)
    resolved: list[Any] = []
    how: list[Any] = []
    for doc_id, title, number in zip(
        citations["doc_id"], citations["title"], citations["doc_number"], strict=True
    ):
        number_key = _normalise_number(number if number is not pd.NA else None)
        title_key = normalise_title(title if title is not pd.NA else None)
        if number_key and by_number.get(number_key):
            candidates, method = by_number[number_key], "doc_number"
        elif title_key and by_title.get(title_key):
            candidates, method = by_title[title_key], "title"
        else:
            candidates, method = [], None
        candidates = [c for c in candidates if c != doc_id]
        resolved.append(_pick_version(candidates, dates.get(doc_id, ""), dates) if candidates else None)
        how.append(method if candidates else None)
    table = citations.copy()
    table["cited_doc_id"] = pd.array(resolved, dtype="string")
    table["matched_by"] = pd.array(how, dtype="string")
    return table


def _pick_version(candidates: list[str], citing_date: str, dates: dict[str, Any]) -> str:
    dated = sorted(candidates, key=lambda c: (dates.get(c) or "", c))
    earlier = [c for c in dated if citing_date and (dates.get(c) or "") <= citing_date]
    return (earlier or dated)[-1]


def citation_graph(result: AnalysisResult, *, include_external: bool = False) -> nx.DiGraph:
    """Directed graph citing document → cited document, ``weight`` = number of citations.

    Nodes are the corpus's documents (``title``, ``date``, ``level``, ``region``).  With
    ``include_external=True`` unresolved citations become nodes ``《title》`` with
    ``external=True``, so that the most cited documents outside the corpus show up too.
    """
    import networkx as nx

    graph = nx.DiGraph()
    for row in result.documents[["doc_id", "title", "date", "level", "region"]].itertuples(index=False):
        graph.add_node(
            row.doc_id,
            title=_plain(row.title),
            date=_plain(row.date),
            level=_plain(row.level),
            region=_plain(row.region),
            external=False,
        )
    table = citation_table(result)
    for doc_id, title, cited in zip(table["doc_id"], table["title"], table["cited_doc_id"], strict=True):
        if cited is pd.NA or cited is None:
            if not include_external:
                continue
            cited = f"《{normalise_title(title)}》"
            if cited not in graph:
                graph.add_node(cited, title=str(title), external=True)
        if graph.has_edge(doc_id, cited):
            graph[doc_id][cited]["weight"] += 1
        else:
            graph.add_edge(doc_id, cited, weight=1)
    return graph
