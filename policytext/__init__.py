"""policytext — read Chinese government policy documents (政策文件) the way a policy researcher does.

The pipeline: read → normalise → structure → segment → keywords → align → report.  Every stage
takes and returns the same :class:`~policytext.model.PolicyDocument`.

>>> import policytext
>>> doc = policytext.corpora.load("qianjiang_2025")
>>> doc.header.title
'统筹推进教育科技人才一体化发展的工作方案'
>>> [u.name for u in doc.measures[5].units]
['市科技局', '市财政局', '市经信局']

Submodules are imported lazily so that ``import policytext`` stays fast and light.
"""

from __future__ import annotations

# First: decides whether the compiled (mypyc) modules or their sources are imported.
from policytext import _compiled  # noqa: F401

# isort: split
import importlib
from typing import TYPE_CHECKING, Any

from policytext.errors import PolicyTextError
from policytext.model import (
    Citation,
    Deadline,
    Header,
    Level,
    Measure,
    OutlineNode,
    PolicyDocument,
    Role,
    Source,
    Span,
    Target,
    Unit,
)

__version__ = "0.1.0"

# public name -> (module, attribute); attribute None means the module itself
_LAZY: dict[str, tuple[str, str | None]] = {
    "read": ("policytext.pipeline", "read"),
    "read_records": ("policytext.pipeline", "read_records"),
    "parse_text": ("policytext.pipeline", "parse_text"),
    "corpora": ("policytext.corpora", None),
    "Segmenter": ("policytext.segment", "Segmenter"),
    "keywords": ("policytext.keywords", "keywords"),
    "nlp": ("policytext.nlp", "nlp"),
    "align": ("policytext.align", "align"),
    "Alignment": ("policytext.align", "Alignment"),
    "Corpus": ("policytext.corpus", "Corpus"),
    "report": ("policytext.report", "report"),
    "plot": ("policytext.plot", None),
    "instruments": ("policytext.instruments", None),
    "agencies": ("policytext.agencies", None),
}

__all__ = [
    "Citation",
    "Deadline",
    "Header",
    "Level",
    "Measure",
    "OutlineNode",
    "PolicyDocument",
    "PolicyTextError",
    "Role",
    "Source",
    "Span",
    "Target",
    "Unit",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'policytext' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - the lazy names, for type checkers and IDEs
    from policytext import agencies as agencies
    from policytext import corpora as corpora
    from policytext import instruments as instruments
    from policytext import plot as plot
    from policytext.align import Alignment as Alignment
    from policytext.align import align as align
    from policytext.corpus import Corpus as Corpus
    from policytext.keywords import keywords as keywords
    from policytext.nlp import nlp as nlp
    from policytext.pipeline import parse_text as parse_text
    from policytext.pipeline import read as read
    from policytext.pipeline import read_records as read_records
    from policytext.report import report as report
    from policytext.segment import Segmenter as Segmenter
