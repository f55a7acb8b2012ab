"""The generic reader's strategies, laid out as propose → verify → resolve.

A table block can often be read more than one way: a grid of numbers under 「A | B | C | 計」 is a
count table, a grid under 「目標 | 実績」 an indicator table, and a block of grades with texts a
legend. Instead of a fixed cascade where the first reader that returns anything wins, every
strategy **proposes** a reading of the block on a fork of the document (`Candidate`), records the
**evidence** it rests on (a header word from the domain lexicon, a year axis, the cells' shape, a
printed total that the counts add up to …) as `ReadingEvidence`, and the **resolver** keeps the
best-supported reading, recording the others as `alternative` evidence so a user can see what
else the cells could have been.

- `resolve.py` — candidates, their scores and the choice between them.
- `count_table.py` — count tables in every orientation (categories across or down, several count
  columns, two-row headers with groups, side-by-side blocks, shares in their own row or column).
- `prose.py` — counts, legends and KPI lines stated in sentences.

Arithmetic may decide a table's *structure* (which column is the total, which value is the target)
and says so in the evidence; it never chooses a reading because it makes a stated score come out
right — the audit's verdict stays the audit's.
"""
