"""The Jupyter experience: rich HTML reprs, and the walkthrough notebook executes end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import policytext
from policytext.report.notebook import alignment_html, document_html, measure_html

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "walkthrough.ipynb"
SCRIPT = ROOT / "examples" / "walkthrough.py"
UNSAFE = Path(__file__).resolve().parent / "fixtures" / "report" / "unsafe_plan.txt"


def test_document_repr_html_is_a_card_with_every_measure(plan) -> None:
    html = plan._repr_html_()
    assert html == document_html(plan)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("strong").get_text() == plan.header.title
    rows = soup.select("tbody tr")
    assert len(rows) == len(plan.measures) == 20
    assert rows[5].find("td").get_text() == "二、（六）"
    assert "2025-02-08" in soup.get_text() and "20 措施 measures" in soup.get_text()
    headings = [th.get_text() for th in soup.select("thead th")]
    assert headings[:2] == ["编号 No.", "措施 Measure"]
    assert ("牵头 Lead" in headings) == any(m.lead_units for m in plan.measures)
    assert ("目标 Targets" in headings) == any(m.targets for m in plan.measures)
    assert all(len(row.find_all("td")) == len(headings) for row in rows)


def test_measure_repr_html_marks_units_and_targets(plan) -> None:
    measure = plan.measures[7]  # （八）: a target 不低于10年 and seven units
    html = measure._repr_html_()
    assert html == measure_html(measure)
    soup = BeautifulSoup(html, "html.parser")
    chips = [
        span.get_text()
        for span in soup.select("p span[title]")
        if span.get("title", "").startswith("unspecified")
    ]
    assert chips == [u.name for u in measure.units]
    marked = {span["title"]: span.get_text() for span in soup.select("p[style*=pre-wrap] span")}
    assert marked.get("target") == "不低于10年"
    # the marked text reassembles into the measure text exactly
    body = soup.select_one("p[style*=pre-wrap]").get_text()
    assert body == measure.text


def test_reprs_escape_document_text() -> None:
    doc = policytext.read(UNSAFE)
    for html in (doc._repr_html_(), doc.measures[0]._repr_html_()):
        assert "<b>" not in html and "<script" not in html
        assert "&lt;b&gt;" in html
    assert "&lt;script&gt;" in doc._repr_html_()
    lead = BeautifulSoup(doc.measures[0]._repr_html_(), "html.parser").select("p span[title^=lead]")
    assert [s.get_text() for s in lead] == ["市教育局"]


def test_document_without_measures_says_so() -> None:
    doc = policytext.parse_text("关于做好测试工作的通知\n各单位要高度重视测试工作，认真抓好落实。")
    html = doc._repr_html_()
    assert "No measures found" in html


@pytest.mark.shared
@pytest.mark.slow
def test_alignment_html_lists_every_lower_unit(shared: Path, plan) -> None:
    from policytext.align import align

    uppers = [policytext.read(p) for p in sorted((shared / "national" / "extracts").glob("*.txt"))]
    alignment = align(plan, uppers)
    soup = BeautifulSoup(alignment_html(alignment), "html.parser")
    rows = soup.select("tbody tr")
    assert len(rows) == len(alignment.lower_units)
    additions = [r for r in rows if "local addition" in r.get_text()]
    assert len(additions) == len(alignment.local_additions)


def _code_cells(source: str) -> list[str]:
    blocks = re.split(r"^# %%", source, flags=re.M)[1:]
    return [b.partition("\n")[2].strip("\n") for b in blocks if not b.startswith(" [markdown]")]


def test_notebook_and_script_hold_the_same_code() -> None:
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c.source.strip("\n") for c in notebook.cells if c.cell_type == "code"]
    assert cells == _code_cells(SCRIPT.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")  # stored clean


@pytest.mark.slow
def test_walkthrough_notebook_executes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the kernel inherits the environment: a forced MPLBACKEND=Agg would stop inline figures
    monkeypatch.delenv("MPLBACKEND", raising=False)
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if o.get("data", {}).get("text/html")]
    assert any("policytext-document" in h for h in html)
    assert any("policytext-measure" in h for h in html)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # keyword bars, responsibility heatmap, agency load
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Glyph" not in stderr and "missing from font" not in stderr
    report = tmp_path / "walkthrough_output" / "qianjiang_report.html"
    assert report.is_file() and 'id="table-measures"' in report.read_text(encoding="utf-8")
    assert (tmp_path / "walkthrough_output" / "qianjiang_tables.xlsx").is_file()
