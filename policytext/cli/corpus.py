"""``policytext corpus``: list and download public reference corpora (Wikisource)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXAMPLES = """examples:
  policytext corpus list                  what can be downloaded and what is installed
  policytext corpus list --format json
  policytext corpus fetch gwr             State Council Government Work Reports from Wikisource
  policytext corpus fetch cpc_congress --force
  policytext batch "$(policytext corpus path gwr)" -o gwr_out/

fetch is the only command that uses the network. Files go to the user data folder
($POLICYTEXT_DATA_DIR overrides it) with provenance.json (source, revisions, checksums).
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "corpus",
        help="list or download public reference corpora (Wikisource)",
        description="List and download public reference corpora of policy documents.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="available and installed corpora",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(func=run)
    fetching = actions.add_parser(
        "fetch",
        help="download a corpus (needs the network)",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fetching.add_argument("name", help="corpus name (see 'policytext corpus list')")
    fetching.add_argument("--force", action="store_true", help="download again even when installed")
    fetching.add_argument("--limit", type=int, default=None, help="download at most N documents")
    fetching.add_argument("--api-url", default=None, help="MediaWiki API URL (default: zh.wikisource.org)")
    fetching.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    fetching.set_defaults(func=run)
    path = actions.add_parser("path", help="print the file of an installed corpus")
    path.add_argument("name")
    path.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policytext._util import check_folder_target, plural, writing
    from policytext.corpus import fetch as fetcher
    from policytext.errors import InputError

    if args.corpus_command == "list":
        sets = list(fetcher.installed())
        if args.format == "json":
            print(json.dumps([vars(s) for s in sets], ensure_ascii=False, indent=2))
            return 0
        print(f"{'name':<14} {'installed':<10} {'documents':>9}  {'fetched':<25} title")
        for s in sets:
            state = ("yes" if s.checksum_ok else "MODIFIED") if s.installed else "no"
            documents = "" if s.documents is None else str(s.documents)
            print(f"{s.name:<14} {state:<10} {documents:>9}  {s.fetched_at or '':<25} {s.title}")
        return 0
    if args.corpus_command == "path":
        fetcher.spec_for(args.name)
        target = fetcher.corpus_dir(args.name) / f"{args.name}.jsonl"
        if not target.is_file():
            raise InputError(
                f"corpus {args.name!r} is not installed: run 'policytext corpus fetch {args.name}'"
            )
        print(target)
        return 0

    def progress(index: int, total: int, title: str) -> None:
        if not args.quiet:
            print(f"[{index}/{total}] {title}", file=sys.stderr)

    fetcher.spec_for(args.name)  # an unknown name is refused first
    folder = check_folder_target(fetcher.corpus_dir(args.name), "corpus folder")  # before the download
    with writing(folder, "corpus folder"):  # the client turns network OS errors into DownloadError
        target = fetcher.fetch(
            args.name, api=args.api_url, limit=args.limit, force=args.force, progress=progress
        )
    provenance = json.loads((target.parent / "provenance.json").read_text(encoding="utf-8"))
    failed = provenance.get("failed", [])
    print(
        f"{plural(provenance['documents'], 'document')} in {target}"
        + (f" ({plural(len(failed), 'page')} failed)" if failed else "")
    )
    return 0
