"""Shared fixtures: the project's external data come from the mirror when CI or a developer names one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rehabresearch import catalog, paths

_DEFAULT_MIRROR = paths.PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def external_dataset():
    """Return a loader that fetches an external dataset (mirror first) or skips the test if it cannot be had."""

    def _get(name: str):
        ds = catalog.get(name)
        if catalog.status(ds) != "present":
            mirror = os.environ.get(paths.MIRROR_ENV) or (str(_DEFAULT_MIRROR) if _DEFAULT_MIRROR.is_dir() else None)
            if mirror is None:
                pytest.skip(f"{name} is absent and no mirror is set ({paths.MIRROR_ENV})")
            try:
                catalog.fetch(name, mirror=Path(mirror), progress=lambda *_: None)
            except catalog.DataNotAvailable as exc:
                pytest.skip(str(exc))
        return catalog.load(name)

    return _get


class QuickReports:
    """Reports rendered in their quick profile, each at most once per test process, into one folder.

    Several test modules read the same quick pages (that the notebook runs, that no internals or
    recoverable counts show, how the page is laid out); rendering each report once and sharing it keeps
    the suite from running every notebook three times. A report whose external data cannot be had is
    skipped by the test that asks for it.
    """

    def __init__(self, folder: Path, external_dataset):
        self.folder = folder
        self._external = external_dataset
        self.results: dict = {}

    def run(self, name: str):
        """Render ``name`` (once) and return its :class:`runner.RunResult`; skip if its data are absent."""
        from rehabresearch import runner

        if name not in self.results:
            info = runner.find(name)
            for dataset in info.external:
                self._external(dataset)  # from the mirror, or skip
            original, paths.REPORTS_DIR = paths.REPORTS_DIR, self.folder
            try:
                self.results[name] = runner.run_notebook(info, "quick", progress=lambda *_: None)
            finally:
                paths.REPORTS_DIR = original
        return self.results[name]

    def page(self, name: str) -> tuple[Path, str]:
        """The report's folder and HTML page, after checking its run succeeded."""
        result = self.run(name)
        assert result.status == "ok", result.error
        return self.folder / name, (self.folder / name / "index.html").read_text(encoding="utf-8")

    def index(self, names) -> str:
        """Render every report in ``names`` whose data can be had, then build and return the index page."""
        from rehabresearch import runner

        for name in names:
            try:
                self.run(name)
            except pytest.skip.Exception:
                continue
        return runner.build_index(self.folder).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def quick_reports(tmp_path_factory, external_dataset):
    """Every report's quick-profile page, rendered on first request and shared by the whole session."""
    return QuickReports(tmp_path_factory.mktemp("quick-reports"), external_dataset)
