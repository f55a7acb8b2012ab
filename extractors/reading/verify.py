"""Verifiers that add evidence across readings once a document is read.

- `legend_match`: a count summary whose labels are the labels of a legend printed in the same
  document (「A | B | C」 counted, 「A=順調に進んでいる …」 defined) — its categories are that scale's.
- `units_down_columns`: the values of one indicator read in one unit (a unit column or the unit
  printed with the figures), or a flag-free note that they differ.

They never change a reading: they say what else in the document agrees with it.
"""

from __future__ import annotations

import unicodedata

from hyoka.pipeline.model import Document, EvidenceKind, ReadingEvidence


def _label(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "").strip()
    return t.split()[0] if t.split() else t


def legend_match(doc: Document) -> None:
    scales = [({_label(a) for a, _b in leg.items if a}, i, leg) for i, leg in enumerate(doc.legends)]
    for s in doc.score_summaries:
        labels = {_label(i.label_raw) for i in s.items if i.label_raw}
        if len(labels) < 2:
            continue
        for scale, i, leg in scales:
            if labels <= scale:
                doc.reading_evidence.append(ReadingEvidence(
                    record_table="score_summaries", record_key=s.key or "", kind=EvidenceKind.LEGEND_MATCH,
                    detail=f"its labels {sorted(labels)} are those of legend {i} ({', '.join(sorted(scale))})",
                    ref=s.ref, reader=s.reader, weight=0.0))
                break


def units_down_columns(doc: Document) -> None:
    by_indicator: dict[str, set[str]] = {}
    for v in doc.indicator_values:
        if v.unit_raw:
            by_indicator.setdefault(f"{v.measure_key}\x00{v.indicator}", set()).add(v.unit_raw.strip())
    for k, units in by_indicator.items():
        if len(units) == 1:
            key, indicator = k.split("\x00", 1)
            v = next(v for v in doc.indicator_values if v.measure_key == key and v.indicator == indicator)
            doc.reading_evidence.append(ReadingEvidence(
                record_table="indicator_values", record_key=key, kind=EvidenceKind.VALUE_SHAPE,
                detail=f"「{indicator}」: one unit ({next(iter(units))}) in every year read", ref=v.ref,
                reader="indicator_table", weight=0.0))
