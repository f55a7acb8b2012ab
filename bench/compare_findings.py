"""Dump a dataset and its audit findings, or diff two dumps: the audit's output before and after a change.

    python bench/compare_findings.py dump OUT.json [PATHS…]    # default: sample_docs/ and ../shared/corpus
    python bench/compare_findings.py diff OLD.json NEW.json

`dump` reads the files with whatever hyoka the interpreter imports (run it once with the old
code's venv and once with the new one), and writes, per document (keyed by file name and
format): every table's rows (audit_findings apart) and the findings twice — as the ingest audits
the fresh rows, and as `hyoka.audit` re-audits the frames (the stored-dataset path). `diff`
prints every finding, row or table that differs, and exits 1 when anything does.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SKIP = {"documents": ("doc_id",)}  # doc_id is a content hash: the same either way, but noisy in a diff


def _plain(value):
    """JSON-stable: NaN/NA → None, numpy scalars → Python, lists kept."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def _rows(frame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _default_paths() -> list[Path]:
    corpus = [p for p in sorted(CORPUS.iterdir()) if p.suffix in (".txt", ".md") and p.name != "README.md"]
    return sorted((ROOT / "sample_docs").iterdir()) + corpus


def dump(out: Path, paths: list[Path]) -> None:
    import hyoka

    ds = hyoka.read([str(p) for p in paths])
    tables = ds.tables
    names = {r["doc_id"]: f"{Path(r['source_path']).name}" for r in tables["documents"].to_dict("records")}
    per_doc: dict[str, dict] = {}
    for name, frame in tables.items():
        if "doc_id" not in frame.columns or name == "failures":
            continue
        for row in _rows(frame):
            doc = names.get(row.get("doc_id"), "?")
            for col in SKIP.get(name, ()):
                row.pop(col, None)
            row.pop("doc_id", None)
            per_doc.setdefault(doc, {}).setdefault(name, []).append(row)
    reaudit = hyoka.audit({k: v for k, v in tables.items() if k != "audit_findings"})
    for row in _rows(reaudit):
        per_doc.setdefault(names.get(row.pop("doc_id"), "?"), {}).setdefault("reaudit", []).append(row)
    out.write_text(json.dumps(per_doc, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
    n = sum(len(t.get("audit_findings", [])) for t in per_doc.values())
    print(f"{len(per_doc)} documents, {n} findings → {out}")


def _key(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def diff(old_path: Path, new_path: Path) -> int:
    old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (old_path, new_path))
    # a column only one side has (added or dropped) is said once per table and left out of the rows
    columns = {side: {} for side in ("old", "new")}
    for side, data in (("old", old), ("new", new)):
        for tables in data.values():
            for table, rows in tables.items():
                columns[side].setdefault(table, set()).update(*(r.keys() for r in rows))
    one_sided = {}
    for table in sorted(set(columns["old"]) & set(columns["new"])):
        a, b = columns["old"][table], columns["new"][table]
        one_sided[table] = a ^ b
        if a ^ b:
            print(f"columns of {table}: only before {sorted(a - b)}, only after {sorted(b - a)}")
    differences = 0
    for doc in sorted(set(old) | set(new)):
        a, b = old.get(doc, {}), new.get(doc, {})
        for table in sorted(set(a) | set(b)):
            drop = one_sided.get(table, set())
            ra, rb = (Counter(_key({k: v for k, v in r.items() if k not in drop}) for r in side.get(table, []))
                      for side in (a, b))
            gone, added = ra - rb, rb - ra
            if not gone and not added:
                continue
            differences += sum(gone.values()) + sum(added.values())
            print(f"== {doc} · {table}: {sum(gone.values())} only before, {sum(added.values())} only after")
            for row in gone.elements():
                print(f"  - {row[:400]}")
            for row in added.elements():
                print(f"  + {row[:400]}")
    same = sum(len(t) for d in old.values() for t in d.values())
    print(f"{len(set(old) | set(new))} documents, {same} rows before; {differences} rows differ")
    return 1 if differences else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "dump":
        dump(Path(argv[1]), [Path(p) for p in argv[2:]] or _default_paths())
        return 0
    if len(argv) == 3 and argv[0] == "diff":
        return diff(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
