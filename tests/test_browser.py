"""The rendered index and a report, opened in headless Chromium: no network requests, every link works."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from rehabresearch import paths, runner

pytestmark = pytest.mark.browser
REPORT = "commissioning"


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: 'make test' installs Debian's chromium package")
        pytest.skip("chromium not installed (Debian package 'chromium'); 'make test' installs it when run as root")
    return exe


def _open(page: Path, tmp: Path, screenshot: Path | None = None) -> tuple[str, list[str]]:
    """Load ``page`` headless; return its DOM after scripts ran and every URL the browser requested."""
    netlog = tmp / f"{page.parent.name}-{page.stem}.netlog.json"
    args = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", f"--user-data-dir={tmp / 'profile'}", f"--log-net-log={netlog}",
        "--allow-file-access-from-files", "--virtual-time-budget=3000",
    ]
    if screenshot is not None:
        subprocess.run(args + ["--window-size=1280,2400", f"--screenshot={screenshot}", page.as_uri()],
                       capture_output=True, timeout=120, check=False)
    done = subprocess.run(args + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    text = netlog.read_text(errors="replace").rstrip()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # the browser may exit before closing the JSON array
        log = json.loads(text.rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    # Requests the page made carry the page's origin as initiator; the browser's own housekeeping
    # (update checks and the like, which a closed network refuses anyway) is "not an origin".
    urls = [e["params"].get("url", "") for e in log.get("events", [])
            if e.get("type") == start_job and e.get("params", {}).get("initiator") != "not an origin"]
    return done.stdout, sorted({u for u in urls if u})


def test_the_network_check_catches_a_page_that_loads_a_script(tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><table></table><script src="https://example.invalid/x.js"></script></body></html>')
    _, urls = _open(page, tmp_path)
    assert "https://example.invalid/x.js" in urls


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value and not value.startswith(("#", "data:", "javascript:")):
                self.links.append(value)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    reports = tmp / "reports"
    original = paths.REPORTS_DIR
    paths.REPORTS_DIR = reports
    try:
        result = runner.run_notebook(runner.find(REPORT), "quick", progress=lambda *_: None)
        assert result.status == "ok", result.error
        runner.build_index()
    finally:
        paths.REPORTS_DIR = original
    return tmp, reports


@pytest.mark.parametrize("page", ["index.html", f"{REPORT}/index.html"])
def test_page_makes_no_network_requests_and_its_links_work(rendered, page):
    tmp, reports = rendered
    target = reports / page
    dom, urls = _open(target, tmp, screenshot=tmp / f"{page.replace('/', '_')}.png")
    external = [u for u in urls if urlparse(u).scheme in ("http", "https", "ws", "wss")]
    assert not external, f"{page} requested from the network: {external}"
    assert "<table" in dom, "the page should render its tables"
    parser = _Links()
    parser.feed(dom)
    assert parser.links, f"{page} has no links"
    for link in parser.links:
        parsed = urlparse(link)
        assert parsed.scheme in ("", "file"), f"{page} links off-site: {link}"
        resolved = (target.parent / unquote(parsed.path)).resolve() if parsed.scheme == "" else Path(unquote(parsed.path))
        assert resolved.exists(), f"{page}: broken link {link}"
    assert (tmp / f"{page.replace('/', '_')}.png").stat().st_size > 10_000, "screenshot is blank"


def test_report_shows_figures_and_findings(rendered):
    tmp, reports = rendered
    dom, _ = _open(reports / REPORT / "index.html", tmp)
    assert "data:image/png;base64" in dom, "figures must be embedded in the page"
    assert "Finding." in dom and "Source:" in dom
