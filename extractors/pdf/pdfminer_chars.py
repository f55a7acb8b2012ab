"""A page's characters from pdfminer alone, in pdfplumber's shape, for the pages whose text
PDFium can't give (see pdfium.py: non-embedded fonts, unmapped glyphs …) while their ruling
lines still come from PDFium.

pdfplumber's ``page.chars`` interprets the page with pdfminer, keeps every layout object
(paths included) and converts each object's every attribute; here paths and images are not
kept and only the attributes the backend reads are converted: the same characters at the same
coordinates (pdfplumber's ``Page.process_object`` conventions), for less work.
"""

from __future__ import annotations

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfinterp import PDFPageInterpreter


class _CharsOnly(PDFPageAggregator):
    """pdfminer's aggregator without paths and images (the only objects kept are characters)."""

    def paint_path(self, gstate, stroke, fill, evenodd, path) -> None:  # noqa: D102
        pass

    def render_image(self, name, stream) -> None:  # noqa: D102
        pass


def page_chars(pdf, page) -> list[dict]:
    """The characters of `page` (a pdfplumber Page of `pdf`) as pdfplumber's ``page.chars`` gives them
    (the keys the PDF backend reads: text, x0, x1, top, bottom, doctop, size, fontname, upright)."""
    from pdfplumber.utils.exceptions import PdfminerException

    device = _CharsOnly(pdf.rsrcmgr, pageno=page.page_number, laparams=None)
    interpreter = PDFPageInterpreter(pdf.rsrcmgr, device)
    try:
        interpreter.process_page(page.page_obj)
    except Exception as e:
        raise PdfminerException(e)  # as pdfplumber raises it: the backend reads the reason from the chain
    height, (mb_x0, mb_top) = page.height, page.mediabox[:2]
    doctop = page.initial_doctop
    out: list[dict] = []

    def walk(objs) -> None:
        for obj in objs:
            if isinstance(obj, LTChar):
                top = (height - obj.y1) + mb_top
                fontname = obj.fontname
                if isinstance(fontname, bytes):  # (rare) byte-encoded font names, as pdfplumber decodes them
                    from pdfplumber.page import fix_fontname_bytes

                    fontname = fix_fontname_bytes(fontname)
                out.append({"text": obj.get_text(), "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "top": top,
                            "bottom": (height - obj.y0) + mb_top, "doctop": doctop + top, "size": obj.size,
                            "fontname": fontname, "upright": obj.upright})
            elif isinstance(obj, LTContainer):
                walk(obj)

    walk(device.get_result())
    return out
