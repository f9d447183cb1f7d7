"""``policytext corpus fetch/list`` against a fake MediaWiki API on 127.0.0.1 (no real network)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from policytext.cli import main
from policytext.corpus import Corpus
from policytext.corpus import fetch as fetcher
from policytext.errors import DownloadError

PORTAL = "Portal:中华人民共和国国务院政府工作报告"
# Page bodies written for this test (not Wikisource text): navigation table, licence box and a
# licence tail that the fetcher must strip.
PAGES = {
    "1999年国务院政府工作报告": (
        "<div><table class='ws-header'><tr><td>导航 上一篇 下一篇</td></tr></table>"
        "<p>各位代表：</p><p>一、过去一年的工作</p><p>（一）稳定农业生产。全年新建农田水利工程一批。</p>"
        "<p>二、今年的主要任务</p><p>（一）加快教育发展。各级政府要增加教育投入。</p>"
        "<div class='licenseContainer'>本作品属于公有领域</div></div>"
    ),
    "2001年国务院政府工作报告": (
        "<div><p>各位代表：</p><h2>一、回顾</h2><p>经济运行总体平稳。</p>"
        "<p>本作品是中华人民共和国的法律法规等官方文件，不受著作权法保护。</p></div>"
    ),
    "2003年国务院政府工作报告": None,  # the API answers with an error for this one
}
LINKS_FIRST = ["1999年国务院政府工作报告", "关于1999年政府工作报告的决议"]
LINKS_SECOND = ["2001年国务院政府工作报告", "2003年国务院政府工作报告", "宪法"]


class FakeWikisource(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).items()}
        self.requests.append(query)
        self._send(self._answer(query))

    def _answer(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("action") == "query" and query.get("titles") == PORTAL:
            if "plcontinue" not in query:
                links = [{"ns": 0, "title": t} for t in LINKS_FIRST]
                return {"continue": {"plcontinue": "page2", "continue": "||"},
                        "query": {"pages": [{"title": PORTAL, "links": links}]}}  # fmt: skip
            links = [{"ns": 0, "title": t} for t in LINKS_SECOND]
            return {"query": {"pages": [{"title": PORTAL, "links": links}]}}
        if query.get("action") == "query":
            return {"query": {"pages": [{"title": query.get("titles"), "missing": True}]}}
        if query.get("action") == "parse":
            html = PAGES.get(query.get("page", ""))
            if html is None:
                return {"error": {"code": "missingtitle", "info": "The page you specified doesn't exist."}}
            return {"parse": {"title": query["page"], "pageid": 1, "revid": 4242, "text": html}}
        return {"error": {"code": "badvalue", "info": "unknown action"}}

    def _send(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
        pass


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    monkeypatch.setenv("POLICYTEXT_DATA_DIR", str(tmp_path / "data"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWikisource)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeWikisource.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_writes_records_provenance_and_checksums(api: str, tmp_path: Path) -> None:
    target = fetcher.fetch("gwr", api=api)
    assert target == tmp_path / "data" / "corpora" / "gwr" / "gwr.jsonl"
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["title"] for r in records] == ["1999年国务院政府工作报告", "2001年国务院政府工作报告"]
    first = records[0]
    assert first["year"] == "1999" and first["revid"] == 4242
    assert first["url"].startswith("http://127.0.0.1:") and "/wiki/" in first["url"]
    assert first["text"].splitlines()[:2] == ["各位代表：", "一、过去一年的工作"]
    assert "导航" not in first["text"] and "公有领域" not in first["text"]
    assert "不受著作权法保护" not in records[1]["text"]
    provenance = json.loads((target.parent / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["api"] == api and provenance["portal"] == PORTAL
    assert provenance["documents"] == 2
    assert provenance["failed"] == [{"title": "2003年国务院政府工作报告", "reason": "the API refused: missingtitle: "
                                     "The page you specified doesn't exist."}]  # fmt: skip
    from policytext._util import sha256_bytes, sha256_file

    assert provenance["sha256"] == sha256_file(target)
    assert first["sha256"] == sha256_bytes(first["text"].encode("utf-8"))
    assert all(request.get("format") == "json" for request in FakeWikisource.requests)


def test_fetch_is_skipped_when_installed_and_list_verifies_checksums(
    api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "list"]) == 0
    assert "gwr" in capsys.readouterr().out
    assert main(["corpus", "fetch", "gwr", "--api-url", api, "--quiet"]) == 0
    assert "2 documents in" in capsys.readouterr().out
    n_requests = len(FakeWikisource.requests)
    assert main(["corpus", "fetch", "gwr", "--api-url", api, "--quiet"]) == 0  # already installed
    assert len(FakeWikisource.requests) == n_requests
    assert "2 documents in" in capsys.readouterr().out
    assert main(["corpus", "list", "--format", "json"]) == 0
    listing = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert listing["gwr"]["installed"] and listing["gwr"]["checksum_ok"] and listing["gwr"]["documents"] == 2
    assert not listing["cpc_congress"]["installed"]
    path = Path(listing["gwr"]["path"])
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert main(["corpus", "list"]) == 0
    assert "MODIFIED" in capsys.readouterr().out
    assert main(["corpus", "path", "gwr"]) == 0
    assert capsys.readouterr().out.strip() == str(path)


def test_fetched_corpus_can_be_analysed(api: str) -> None:
    target = fetcher.fetch("gwr", api=api)
    result = Corpus(target).analyse(workers=0, cache=False, keywords=False)
    assert len(result.documents) == 2 and result.errors.empty
    assert result.documents["date"].tolist() == ["1999", "2001"]


def test_fetch_errors(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "fetch", "nonexistent"]) == 2
    assert "available: cpc_congress, gwr" in capsys.readouterr().err
    with pytest.raises(DownloadError, match="does not exist"):
        fetcher.fetch("cpc_congress", api=api)  # its portal is missing on the fake server
    with pytest.raises(DownloadError, match="cannot reach"):
        fetcher.WikisourceClient("http://127.0.0.1:9/w/api.php", timeout=2, retries=0).links(PORTAL)
    assert main(["corpus", "path", "cpc_congress"]) == 2
