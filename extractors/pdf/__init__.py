"""PDF files (text layer): tables as table rows, the rest as paragraphs.

Output is the same neutral form the text renderings give (see extractors/base.py):
rows in reading order, a table row's cells at their grid columns with merged-cell
continuations as '', every other piece of text as one-cell paragraph rows.

Where characters and ruling lines come from (``PdfSettings.engine`` / ``$HYOKA_PDF_ENGINE``):

* "pdfium" (default): PDFium (pypdfium2) gives each page's characters and painted paths in
  pdfplumber's shape (pdf/pdfium.py), 3–5× faster per page than pdfminer's Python
  parsing; pdfplumber's table finder runs on those edges, and not at all on a page without
  ruling lines. A page whose text PDFium can't vouch for (a glyph missing from a font drawn
  with the machine's fonts, glyphs without a Unicode mapping, characters not upright …)
  takes its characters from pdfminer (pdf/pdfminer_chars.py) and keeps PDFium's edges;
  a rotated page is read by pdfplumber altogether. The rows are the same as with
  "pdfplumber" (tests/test_formats_pdf.py), except that PDFium keeps ～ and ~ as printed in a
  non-embedded Unicode-coded CID font where pdfminer's Adobe-Japan1 round trip gives 〜 and ˜.
* "pdfplumber": pdfplumber (pdfminer) for everything, as before.

Every pdfplumber page is closed once read (a page holds ≈2 MB of parsed objects until then);
``Limits.max_pages`` is checked from the page count before any page is parsed.

How the PDF is turned into rows, page by page:

* table finding once per page (ruling lines). The characters of the page are
  read once and each is given to the table cell whose grid slot holds its centre, or to
  the running text outside the tables. Cell text is assembled from those characters
  here rather than with ``Table.extract()``, so that line wraps can be told from
  paragraph breaks by geometry (below).
* Lines are re-joined into paragraphs: a line is continued by the next one when the
  next line's first word would not have fitted after it (that is why the line was
  broken), unless the next line starts a new item (「・」 bullets, 【…】 labels, ※).
  Wraps join without a space between CJK characters and digits/units, with one between
  Latin words; paragraph breaks inside a cell become "\\n".
* Spaces: a space glyph printed in the PDF is kept; a gap between characters becomes a
  space only between Latin words (gaps between CJK characters are spacing, not text).
* A table that runs onto the next page is stitched to its first part. A table first on
  the next page continues the one last on the page before when it has the same x-extent,
  or when its top rows repeat the first part's header rows — compared by their cells' text
  with all whitespace removed, whatever generator drew them and on whatever grid. Header
  rows repeated on the new page are dropped. The continuation's cells are placed on the
  first part's column grid by the header cells above them when the header repeats and
  tells every column apart (so a page drawn on a slightly different grid lands in the
  right columns), else by the x-positions of their edges (the continuation page often has
  a coarser grid). A row broken by the page break is merged back into one row.
* A number broken over two lines of a cell by a generator that wraps anywhere
  (「27,00」/「0部」) is joined without a space; the cells' padding is measured on cells
  whose text is not centred (a centred word wider than its cell sits closer to the edges).
* Pages that draw text twice for a "fake bold" effect are de-duplicated
  (pdfplumber's ``dedupe_chars``) — only those pages, as the check is cheap and the
  de-duplication is not.
* ``(cid:NN)`` glyphs (a font without a ToUnicode map) are an error: the text layer is
  unusable and the file needs OCR. Blank pages are skipped, and so are page numbers printed
  alone in the top/bottom margin; running text that goes on over a page break is one run.
* Source references: paragraphs carry page and bbox; table rows page, table (the logical,
  stitched table), row and bbox; every cell its own, a merged cell's covered slots the
  reference of the merged cell.
* Corrupt, encrypted and empty files raise ExtractionError with a one-line reason taken
  from pdfminer's exception chain.

The package, one job per module: ``settings`` (PdfSettings, the engine choice), ``engines`` (pages
from PDFium — ``pdfium`` — with pdfminer's characters where needed — ``pdfminer_chars`` —, or
from pdfplumber), ``lines`` (characters → lines → paragraphs), ``finder`` (pdfplumber's table
finder on PDFium's edges), ``tables`` (cells and their text), ``stitching`` (tables continued on
the next page), ``reasons`` (why a file can't be read) and ``backend`` (PdfBackend: pages →
blocks → rows).
"""

from hyoka.extractors.pdf.backend import PdfBackend
from hyoka.extractors.pdf.settings import ENGINE_VARIABLE, ENGINES, PdfSettings, resolve_engine

__all__ = ["ENGINES", "ENGINE_VARIABLE", "PdfBackend", "PdfSettings", "resolve_engine"]
