"""Output checks of reports and exports, under the names this module has always had.

The one implementation lives in :mod:`policytext._util` (atomic writes use it too), so that the
command line can check its outputs without importing the report package.
"""

from __future__ import annotations

from policytext._util import check_distinct, check_file_target, check_folder_target, writing

__all__ = ["check_distinct", "check_file_target", "check_folder_target", "writing"]
