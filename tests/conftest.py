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
