#!/usr/bin/env python3
"""Layout invariance per layout family (#17, item 6): facts expected / found / invented, false
`inconsistent` findings, pass or fail — the numbers behind tests/test_layout_invariance.py.

    python bench/layout_invariance.py [N] [-v]     # N drawn reports per family (default 8);
                                                   # -v: what is missing or invented, per file

The facts, layouts and scoring are tests/layouts_gen.py's (same as `python tests/layouts_gen.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import layouts_gen  # noqa: E402

if __name__ == "__main__":
    sys.exit(layouts_gen.main(sys.argv))
