"""Project paths, anchored on the project root rather than the working directory.

The root is the nearest ancestor of this file holding ``pyproject.toml``; set
``REHABRESEARCH_ROOT`` to point an installed copy at a checkout elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    override = os.environ.get("REHABRESEARCH_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    return Path.cwd().resolve()


PROJECT_ROOT = _find_root()
DATA_DIR = PROJECT_ROOT / "data"
CATALOG_DIR = DATA_DIR / "catalog"
RAW_DIR = DATA_DIR / "raw"
EXTERNAL_DIR = RAW_DIR / "external"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMS_DIR = NOTEBOOKS_DIR / "params"
REPORTS_DIR = PROJECT_ROOT / "reports"

#: Environment variable naming a folder that mirrors the external datasets'
#: original files (CI points it at ``../shared/data``).
MIRROR_ENV = "REHABRESEARCH_DATA_MIRROR"
