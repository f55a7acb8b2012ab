"""A one-line reason for a PDF that can't be read, from pdfplumber/pdfminer's exception chain."""

from __future__ import annotations

def _failure_reason(exc: BaseException, default: str | None = "unreadable PDF") -> str | None:
    """A one-line reason from pdfplumber/pdfminer's exception chain."""
    try:
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfminer.psexceptions import PSException
        from pdfminer.pdfexceptions import PDFException
    except ImportError:  # pragma: no cover - older pdfminer layouts
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect  # type: ignore
        from pdfminer.pdfparser import PDFSyntaxError  # type: ignore
        from pdfminer.psparser import PSException  # type: ignore
        from pdfminer.pdftypes import PDFException  # type: ignore

    chain: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is seen for seen in chain):
            continue
        chain.append(e)
        todo.extend([e.__cause__, e.__context__])
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    for e in chain:
        if isinstance(e, PDFPasswordIncorrect):
            return "encrypted PDF (password required)"
        if isinstance(e, PDFEncryptionError):
            return f"encrypted PDF (unsupported encryption: {_one_line(e) or type(e).__name__})"
    for e in chain:
        if isinstance(e, (PDFSyntaxError, PSException, PDFException)):
            return f"corrupt PDF ({_one_line(e) or type(e).__name__})"
    return default


def _one_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0][:200] if text else ""
