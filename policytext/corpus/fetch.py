"""Download public reference corpora from Wikisource, for users who are online.

``policytext corpus fetch NAME`` is the only place where policytext touches the network, and
only when the user asks for it.  A set is defined in :data:`CATALOGUE` by a Wikisource portal
page and a title filter: the portal's links are listed with the MediaWiki API, each matching
page is fetched as HTML (``action=parse``) and reduced to plain text.  The result is written
atomically to ``<user data dir>/corpora/NAME/NAME.jsonl`` (one record per document: title,
url, revid, year, sha256, text) beside ``provenance.json`` (API URL, portal, time, licence,
file checksum), so that :func:`installed` can verify the file later.

Texts are official documents of PRC state organs, excluded from copyright by article 5 of the
PRC Copyright Law; Wikisource tags them ``PD-PRC-exempt``.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from policytext import __version__
from policytext._util import atomic_open, atomic_write_text, sha256_bytes, sha256_file, user_data_dir
from policytext.errors import ConfigurationError, DownloadError

#: The public MediaWiki API of the Chinese Wikisource; ``$POLICYTEXT_WIKISOURCE_API`` overrides it.
DEFAULT_API = "https://zh.wikisource.org/w/api.php"
USER_AGENT = f"policytext/{__version__} (policy-document research tool; batch corpus fetch)"
LICENCE = (
    "Official documents of PRC state organs: excluded from copyright by art. 5 of the PRC Copyright "
    "Law; tagged PD-PRC-exempt on Wikisource."
)


@dataclass(frozen=True)
class CorpusSpec:
    """A downloadable set: the portal page that lists it and which linked titles belong to it."""

    name: str
    title: str
    portal: str
    include: str  # regular expression a page title must match
    exclude: str | None = None  # regular expression of titles to leave out

    def wanted(self, title: str) -> bool:
        if not re.search(self.include, title):
            return False
        return not (self.exclude and re.search(self.exclude, title))


CATALOGUE: dict[str, CorpusSpec] = {
    spec.name: spec
    for spec in (
        CorpusSpec(
            name="gwr",
            title="State Council Government Work Reports (国务院政府工作报告), 1954–",
            portal="Portal:中华人民共和国国务院政府工作报告",
            include=r"政府工作报告",
            exclude=r"决议|目录|Portal",
        ),
        CorpusSpec(
            name="cpc_congress",
            title="CPC National Congress reports (中国共产党全国代表大会报告)",
            portal="Portal:中国共产党全国代表大会",
            include=r"报告",
            exclude=r"决议|章程|Portal",
        ),
    )
}


def api_url(override: str | None = None) -> str:
    return override or os.environ.get("POLICYTEXT_WIKISOURCE_API") or DEFAULT_API


def corpus_dir(name: str) -> Path:
    return user_data_dir() / "corpora" / name


def spec_for(name: str) -> CorpusSpec:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise ConfigurationError(
            f"no corpus named {name!r} (available: {', '.join(sorted(CATALOGUE))})"
        ) from None


# -- HTTP -----------------------------------------------------------------------------------------
class WikisourceClient:
    """A tiny, polite MediaWiki API client: sequential requests, a User-Agent, retries, timeouts."""

    def __init__(
        self, api: str | None = None, *, timeout: float = 30.0, retries: int = 2, pause: float = 0.2
    ):
        self.api = api_url(api)
        if not self.api.startswith(("https://", "http://")):
            raise ConfigurationError(f"the API URL must be http(s): {self.api}")
        self.timeout = timeout
        self.retries = retries
        self.pause = pause

    def get(self, **params: str) -> dict[str, Any]:
        query = urllib.parse.urlencode({"format": "json", "formatversion": "2", "maxlag": "5", **params})
        url = f"{self.api}?{query}"
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    payload = json.loads(response.read().decode("utf-8"))
                break
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
                last = error
                time.sleep(self.pause * (attempt + 1))
        else:
            raise DownloadError(f"cannot reach the Wikisource API ({last})", self.api)
        if not isinstance(payload, dict):
            raise DownloadError("unexpected answer from the API (not a JSON object)", self.api)
        if "error" in payload:
            refusal = payload["error"]
            raise DownloadError(f"the API refused: {refusal.get('code')}: {refusal.get('info')}", self.api)
        time.sleep(self.pause)
        return payload

    def links(self, page: str) -> list[str]:
        """Titles of the main-namespace pages linked from ``page`` (all continuation pages)."""
        titles: list[str] = []
        extra: dict[str, str] = {}
        while True:
            payload = self.get(
                action="query", prop="links", titles=page, plnamespace="0", pllimit="max", **extra
            )
            for found in payload.get("query", {}).get("pages", []):
                if found.get("missing"):
                    raise DownloadError(f"the portal page {page!r} does not exist", self.api)
                titles.extend(link["title"] for link in found.get("links", []))
            if "continue" not in payload:
                return list(dict.fromkeys(titles))
            extra = {k: str(v) for k, v in payload["continue"].items()}

    def page(self, title: str) -> dict[str, Any]:
        """A page's rendered HTML with its title and revision id."""
        payload = self.get(
            action="parse", page=title, prop="text|revid", redirects="1", disablelimitreport="1"
        )
        parsed = payload.get("parse")
        if not isinstance(parsed, dict) or "text" not in parsed:
            raise DownloadError(f"no text for page {title!r}", self.api)
        return parsed


# -- HTML to text ---------------------------------------------------------------------------------
_DROP = (
    "table", "style", "script", "sup.reference", ".mw-editsection", ".licenseContainer", ".licenseBanner",
    ".noprint", ".ws-noexport", ".navbox", "#headerContainer", ".ws-header", ".mw-references-wrap",
)  # fmt: skip
_LICENCE_TAIL = re.compile(r"\n本作品.{0,40}(?:公有领域|不受著作权法保护|版权).*\Z", re.S)


def html_to_text(html: str) -> str:
    """Plain text of a Wikisource page body: paragraphs and headings, without navigation or licence."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for selector in _DROP:
        for element in soup.select(selector):
            element.decompose()
    lines = []
    for block in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "dd", "pre"]):
        text = " ".join(block.get_text(" ", strip=True).split())
        if text:
            lines.append(text)
    text = "\n".join(lines)
    return _LICENCE_TAIL.sub("", text).strip()


def _year(title: str) -> str | None:
    match = re.search(r"(19[4-9]\d|20\d\d)", title)
    return match.group(1) if match else None


def page_url(api: str, title: str) -> str:
    base = api.rsplit("/w/api.php", 1)[0] if "/w/api.php" in api else api.rsplit("/", 1)[0]
    return f"{base}/wiki/{urllib.parse.quote(title.replace(' ', '_'))}"


# -- fetch / list -----------------------------------------------------------------------------------
def fetch(
    name: str,
    *,
    api: str | None = None,
    limit: int | None = None,
    force: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> Path:
    """Download the set ``name`` into the user's data folder; return the JSONL path.

    Pages that fail are left out and listed in ``provenance.json`` (``failed``); an empty result
    is an error.  An existing download is kept unless ``force`` is true.
    """
    spec = spec_for(name)
    folder = corpus_dir(name)
    target = folder / f"{name}.jsonl"
    if target.is_file() and not force:
        return target
    client = WikisourceClient(api)
    titles = [title for title in client.links(spec.portal) if spec.wanted(title)]
    if limit is not None:
        titles = titles[:limit]
    if not titles:
        raise DownloadError(f"the portal {spec.portal!r} links no page matching the set {name!r}", client.api)
    records, failed = [], []
    for index, title in enumerate(titles, start=1):
        if progress is not None:
            progress(index, len(titles), title)
        try:
            page = client.page(title)
        except DownloadError as error:
            failed.append({"title": title, "reason": error.reason})
            continue
        text = html_to_text(str(page["text"]))
        if not text:
            failed.append({"title": title, "reason": "no text on the page"})
            continue
        records.append(
            {
                "title": page.get("title", title),
                "url": page_url(client.api, str(page.get("title", title))),
                "revid": page.get("revid"),
                "year": _year(str(page.get("title", title))),
                "sha256": sha256_bytes(text.encode("utf-8")),
                "text": text,
            }
        )
    if not records:
        raise DownloadError(f"none of the {len(titles)} pages of {name!r} could be downloaded", client.api)
    with atomic_open(target, "w") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    provenance = {
        "name": name,
        "title": spec.title,
        "api": client.api,
        "portal": spec.portal,
        "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "policytext": __version__,
        "documents": len(records),
        "failed": failed,
        "file": target.name,
        "sha256": sha256_file(target),
        "licence": LICENCE,
        "pages": [{"title": r["title"], "revid": r["revid"], "sha256": r["sha256"]} for r in records],
    }
    atomic_write_text(folder / "provenance.json", json.dumps(provenance, ensure_ascii=False, indent=2) + "\n")
    return target


@dataclass(frozen=True)
class InstalledSet:
    name: str
    title: str
    installed: bool
    documents: int | None = None
    fetched_at: str | None = None
    path: str | None = None
    checksum_ok: bool | None = None


def installed() -> Iterator[InstalledSet]:
    """Every set of the catalogue, with whether it is installed and whether its checksum matches."""
    for name, spec in sorted(CATALOGUE.items()):
        folder = corpus_dir(name)
        provenance_path = folder / "provenance.json"
        target = folder / f"{name}.jsonl"
        if not (provenance_path.is_file() and target.is_file()):
            yield InstalledSet(name, spec.title, False)
            continue
        try:
            provenance = json.loads(provenance_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            yield InstalledSet(name, spec.title, True, path=str(target), checksum_ok=False)
            continue
        yield InstalledSet(
            name,
            spec.title,
            True,
            documents=provenance.get("documents"),
            fetched_at=provenance.get("fetched_at"),
            path=str(target),
            checksum_ok=sha256_file(target) == provenance.get("sha256"),
        )
