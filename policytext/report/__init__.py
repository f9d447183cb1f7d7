"""Reports for readers who will not run Python: one self-contained HTML file, Markdown, xlsx, csv.

>>> import policytext
>>> policytext.report("plan.txt", against=["national.txt"], output="plan.html")  # doctest: +SKIP

``policytext.report`` is both this package and the :func:`report` function: importing a
submodule (``policytext.report.tables``) makes Python bind the package to the name
``policytext.report``, so the package itself is made callable and forwards to :func:`report`.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from policytext.report.api import report

__all__ = ["report"]


class _CallableModule(types.ModuleType):
    """The package, callable as :func:`report` (``policytext.report(...)`` works however imported)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
