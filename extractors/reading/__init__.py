"""The generic reader's strategies, laid out as propose → verify → resolve.

A table block can often be read more than one way: a grid of numbers under 「A | B | C | 計」 is a
count table, a grid under 「目標 | 実績」 an indicator table, and a block of grades with texts a
legend. Instead of a fixed cascade where the first reader that returns anything wins, every
strategy **proposes** a reading of the block on a fork of the document (`Candidate`), records the
**evidence** it rests on (a header word from the domain lexicon, a year axis, the cells' shape, a
printed total that the counts add up to …) as `ReadingEvidence`, and the **resolver** keeps the
best-supported reading, recording the others as `alternative` evidence so a user can see what
else the cells could have been.

The modules, in the order a document goes through them:

- `context.py` — the document being read, its forks, and `evidence()` for the strategies.
- `regions.py` — text table blocks cut where the column profile changes (key–value lines above a
  table, a caption line between two tables); `lost_table.py` — tables rebuilt from text that lost
  them (one cell per line, a row per line).
- `resolve.py` — runs every strategy on a block, scores the readings, keeps the best.
- the strategies (proposers), one per file: `action_table.py` (取組 sheets and lists),
  `legend_table.py`, `indicator_table.py` (with `key_value.py` for key–value sheets and years as
  rows, `quantities.py` for several quantities in one row and the rate check), `count_table.py`
  (count tables in every orientation).
- `prose.py` — the lines outside tables: count sentences and lists, legends in lines and sentences,
  KPI lines (`kpi_line.py`).
- `verify.py` — evidence across readings once the document is read (a count table's labels are a
  legend's; one unit down an indicator's years).
- `cells.py` — what a cell holds (a figure, a grade, a none-mark, a year), shared by the above.

Arithmetic may decide a table's *structure* (which column is the total, which value is the target)
and says so in the evidence; it never chooses a reading because it makes a stated score come out
right — the audit's verdict stays the audit's.
"""
