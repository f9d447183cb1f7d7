"""The HTML report in a real browser (headless Chromium): it renders, its script works, no errors.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it).  Console messages reach
stderr through ``--enable-logging=stderr --v=0`` as ``INFO:CONSOLE`` lines; the report's own
script logs nothing, so any console line is a failure.  A screenshot of the report is saved to
``tests/artifacts/`` for a human to look at.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest

import policytext

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
UNSAFE = Path(__file__).resolve().parent / "fixtures" / "report" / "unsafe_plan.txt"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="headless Chromium not installed (apt-get install chromium)"
    ),
]


def chromium(
    page: Path, tmp_path: Path, *extra: str, window: str = "1280,4000"
) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        f"--window-size={window}",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def console_errors(stderr: str) -> list[str]:
    """Console output and uncaught exceptions from the page (Chromium's own noise is ignored)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "report.html"
    return policytext.report(output=out)


@pytest.fixture(scope="module")
def rendered(report_page: Path, tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """One Chromium run: the DOM after scripts ran, and the screenshot artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    return chromium(report_page, tmp_path_factory.mktemp("chromium"), "--dump-dom", f"--screenshot={shot}")


def test_report_renders_with_tables_charts_and_no_console_errors(rendered) -> None:
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    assert console_errors(rendered.stderr) == []
    dom = rendered.stdout
    assert 'data-report-ready="1"' in dom  # the inline script ran to its end
    assert len(re.findall(r"<tr>", dom.split('id="table-measures"')[1].split("</table>")[0])) == 21
    assert dom.count("<svg") >= 3
    assert '<span class="count" data-count-for="table-measures">20 / 20</span>' in dom


def test_screenshot_artifact(rendered) -> None:
    from PIL import Image

    assert rendered.returncode == 0
    image = Image.open(ARTIFACTS / "report.png").convert("RGB")
    assert image.size == (1280, 4000)
    # not a blank page: the header band is dark, the body light, many colours in between
    assert image.getpixel((20, 20))[0] < 80 and image.getpixel((20, 300))[0] > 200
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50


def test_sorting_and_filtering_work_in_the_browser(report_page: Path, tmp_path: Path) -> None:
    """Click a heading twice and type in the filter box, from a probe script added to a copy."""
    probe = """
<script>
(function () {
  var table = document.getElementById("table-agency-load");
  var header = table.tHead.rows[0].cells[4];
  header.click(); header.click();
  var firstAfterSort = table.tBodies[0].rows[0].cells[0].textContent;
  var input = document.querySelector('input[data-filter-for="table-measures"]');
  input.value = "市政府办金融科";
  input.dispatchEvent(new Event("input"));
  var rows = document.getElementById("table-measures").tBodies[0].rows;
  var shown = Array.prototype.filter.call(rows, function (r) { return r.style.display !== "none"; }).length;
  document.body.setAttribute("data-probe", JSON.stringify({
    sort: header.getAttribute("aria-sort"), first: firstAfterSort, shown: shown,
    count: document.querySelector('[data-count-for="table-measures"]').textContent
  }));
}());
</script>
"""
    page = tmp_path / "probe.html"
    page.write_text(
        report_page.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8"
    )
    result = chromium(page, tmp_path, "--dump-dom")
    assert console_errors(result.stderr) == []
    found = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert found, result.stdout[-500:]
    probe_result = json.loads(html.unescape(found.group(1)))
    plan = policytext.corpora.load()
    busiest = plan.units_frame().groupby("name")["measure"].nunique().idxmax()
    assert probe_result == {"sort": "descending", "first": busiest, "shown": 1, "count": "1 / 20"}


def test_document_text_cannot_run_as_script(tmp_path: Path) -> None:
    page = policytext.report(UNSAFE, output=tmp_path / "unsafe.html")
    result = chromium(page, tmp_path, "--dump-dom")
    assert console_errors(result.stderr) == []
    dom = result.stdout
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title and title.group(1).startswith(
        "关于推进&lt;script&gt;"
    )  # an injected script would set "PWNED"
    assert 'data-pwned="1"' not in dom
    assert "&lt;script&gt;document.body.setAttribute" in dom  # shown as text
    assert "<img" not in dom


def test_console_error_detection_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>missingFunction();</script>", encoding="utf-8")
    result = chromium(page, tmp_path, "--dump-dom")
    assert any("missingFunction" in line for line in console_errors(result.stderr))


@pytest.mark.shared
@pytest.mark.slow
def test_aligned_report_in_the_browser(tmp_path: Path, shared: Path) -> None:
    uppers = sorted((shared / "national" / "extracts").glob("*.txt"))
    page = policytext.report(against=uppers, output=tmp_path / "aligned.html")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report_aligned.png"
    result = chromium(page, tmp_path, "--dump-dom", f"--screenshot={shot}", window="1280,9000")
    assert result.returncode == 0 and console_errors(result.stderr) == []
    dom = result.stdout
    assert 'data-report-ready="1"' in dom
    assert 'id="table-coverage"' in dom and 'id="chart-alignment"' in dom and "<mark>" in dom
