"""hyoka: read Japanese municipal plan-evaluation reports into one canonical, auditable dataset.

The code lives in the subpackages `hyoka.pipeline`, `hyoka.extractors` and `hyoka.normalizers`
(the repository's top-level folders pipeline/, extractors/ and normalizers/, installed under
this name by the package-dir mapping in pyproject.toml).
"""

from __future__ import annotations

from importlib.util import find_spec as _find_spec
from importlib.metadata import PackageNotFoundError, version as _version
from pathlib import Path as _Path

try:
    __version__: str = _version("hyoka")
except PackageNotFoundError:  # run from a source checkout that was never installed
    __version__ = "0+unknown"

# Run from a source checkout without the package installed, or with a non-editable install
# shadowed by the checkout's root on sys.path (`python -m pytest` in the root after `pip install .`):
# the subpackages are then the folders beside this one. Installed copies (editable or not) find
# them without this.
if _find_spec(f"{__name__}.pipeline") is None:
    _root = _Path(__file__).resolve().parent.parent
    if (_root / "pipeline" / "__init__.py").is_file():
        __path__.append(str(_root))  # noqa: F821 (the package's own __path__)
