"""Train the word vectors behind the aligner's semantic signal (``policytext/data/align_*``).

Method: count-based word vectors, which need no download and train in well under a minute on
two cores.  Content words (``policytext.align.tokens.content_words``) of every paragraph of the
public corpora in ``../shared/corpora`` are counted in a symmetric window; the co-occurrence
matrix is turned into positive PMI with context-distribution smoothing (alpha 0.75), reduced
with truncated SVD and weighted by the square root of the singular values (Levy, Goldberg &
Dagan 2015).  Vectors are stored as int8 (each row scaled to ±127; the loader restores unit length) with the word counts (for SIF weights, Arora et al.
2017) and the first principal component of SIF paragraph vectors (the "common discourse"
direction that the aligner removes).

Run from the repository root::

    python scripts/train_align_vectors.py            # reads $POLICYTEXT_SHARED_CORPORA or ../shared/corpora
    python scripts/train_align_vectors.py --vocab 16000 --dims 112   # the defaults

The result is deterministic (fixed SVD seed, sorted vocabulary ties).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policytext._util import atomic_open, atomic_write_text, shared_corpora_dir  # noqa: E402
from policytext.align.tokens import content_words  # noqa: E402

#: (relative path, text field) of every public corpus file used for training.
SOURCES = (
    ("national/government_work_reports.jsonl", "content"),
    ("national/cpc_congress_reports.jsonl", "content"),
    ("provincial_gwr_2026/provincial_gov_work_reports_2026.jsonl", "full_text"),
    ("central_shandong_ai/policies_central_shandong.jsonl", "content"),
    ("state_council_2019/state_council_docs_2019snapshot.jsonl", "text"),
    ("laws/lawrefbook_laws.jsonl.gz", "text"),
)
_WIKISOURCE_TAIL = "本作品是中华人民共和国"


def iter_paragraphs(corpora: Path) -> Iterator[tuple[str, str]]:
    for relative, field in SOURCES:
        path = corpora / relative
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                text = json.loads(line).get(field) or ""
                cut = text.find(_WIKISOURCE_TAIL)
                if cut >= 0:
                    text = text[:cut]
                for paragraph in re.split(r"\n+", text):
                    if len(paragraph) >= 8:
                        yield relative, paragraph


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", type=Path, default=shared_corpora_dir())
    parser.add_argument("--out", type=Path, default=ROOT / "policytext" / "data")
    parser.add_argument("--vocab", type=int, default=16000)
    parser.add_argument("--dims", type=int, default=112)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument(
        "--dtype",
        choices=("int8", "float16"),
        default="int8",
        help="storage: int8 (rows rescaled to ±127; unit length restored on load) or float16",
    )
    parser.add_argument(
        "--policy-weight",
        type=int,
        default=1,
        help="count the non-law corpora this many times (they are 1/3 of the text)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    paragraphs = []
    for source, paragraph in iter_paragraphs(args.corpora):
        words = content_words(paragraph)
        paragraphs.extend([words] * (1 if source.startswith("laws/") else args.policy_weight))
    counts = Counter(w for p in paragraphs for w in p)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: args.vocab]
    vocab = [w for w, _ in ranked]
    index = {w: i for i, w in enumerate(vocab)}
    size = len(vocab)
    print(f"{len(paragraphs)} paragraphs, {sum(counts.values())} tokens, vocab {size}", file=sys.stderr)

    # token ids with a gap of `window` -1s between paragraphs so windows never cross them
    gap = [-1] * args.window
    ids = np.array([i for p in paragraphs for i in ([index.get(w, -1) for w in p] + gap)], dtype=np.int64)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for offset in range(1, args.window + 1):
        left, right = ids[:-offset], ids[offset:]
        keep = (left >= 0) & (right >= 0)
        weight = np.full(int(keep.sum()), 1.0 / offset)
        rows += [left[keep], right[keep]]
        cols += [right[keep], left[keep]]
        vals += [weight, weight]
    cooc = sparse.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(size, size)
    ).tocsr()
    cooc.sum_duplicates()

    # positive PMI with context distribution smoothing
    total = cooc.sum()
    word_p = np.asarray(cooc.sum(axis=1)).ravel() / total
    context = np.asarray(cooc.sum(axis=0)).ravel() ** 0.75
    context_p = context / context.sum()
    coo = cooc.tocoo()
    pmi = np.log(coo.data / total / (word_p[coo.row] * context_p[coo.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=(size, size))

    svd = TruncatedSVD(n_components=args.dims, algorithm="randomized", n_iter=7, random_state=0)
    reduced = svd.fit_transform(ppmi)  # U * S
    vectors = reduced / np.sqrt(svd.singular_values_)[None, :]  # U * S^0.5
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    # common component of SIF paragraph vectors (sample every 7th paragraph, deterministic)
    freq = np.array([counts[w] for w in vocab], dtype=np.float64)
    prob = freq / sum(counts.values())
    sif = 1e-3 / (1e-3 + prob)
    sample = []
    for words in paragraphs[::7]:
        ids_p = [index[w] for w in words if w in index]
        if ids_p:
            sample.append((sif[ids_p][:, None] * vectors[ids_p]).mean(axis=0))
    matrix = np.array(sample)
    common = TruncatedSVD(n_components=1, random_state=0).fit(matrix).components_[0]

    args.out.mkdir(parents=True, exist_ok=True)
    with atomic_open(args.out / "align_vectors.npy", "wb") as handle:
        if args.dtype == "int8":
            scale = np.abs(vectors).max(axis=1, keepdims=True)
            np.save(handle, np.round(vectors / np.maximum(scale, 1e-9) * 127).astype(np.int8))
        else:
            np.save(handle, vectors.astype(np.float16))
    atomic_write_text(args.out / "align_vocab.tsv", "".join(f"{w}\t{counts[w]}\n" for w in vocab))
    meta = {
        "dims": args.dims,
        "dtype": args.dtype,
        "policy_weight": args.policy_weight,
        "vocab": size,
        "window": args.window,
        "total_tokens": int(sum(counts.values())),
        "sif_a": 1e-3,
        "common_component": [round(float(x), 6) for x in common],
        "sources": [s for s, _ in SOURCES],
    }
    atomic_write_text(args.out / "align_vectors.json", json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    for name in ("align_vectors.npy", "align_vocab.tsv", "align_vectors.json"):
        (args.out / name).chmod(0o644)  # package data must be readable by every user
    print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
