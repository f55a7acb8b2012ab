"""`hyoka info`: what this hyoka can read."""

from __future__ import annotations

import typer
from rich.text import Text

from hyoka.pipeline.cli_common import NLP_DESCRIPTIONS, NLP_INSTALL, _envelope, _print_json, console


def info(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
) -> None:
    """What this hyoka can read: file formats, report layouts, rule presets, limits, NLP pipeline."""
    import dataclasses

    from hyoka import __version__, extractors
    from hyoka.extractors import support
    from hyoka.extractors.limits import DEFAULT_LIMITS
    from hyoka.extractors.ocr import info as ocr_info
    from hyoka.pipeline.nlp import available
    from hyoka.pipeline import gate
    from hyoka.pipeline.rules import load_presets

    layouts, presets, nlp = extractors.layouts(), load_presets().rules, available()
    if as_json:
        _print_json(_envelope("info", 0, **{
            **support.as_json(),  # formats (what reads each, available here?) and optional programs
            "layouts": [{"name": layout.name, "description": layout.description} for layout in layouts],
            "rule_presets": [{"id": rule.id, "kind": rule.kind, "source": rule.source, "applies_to": applies_to}
                             for rule, applies_to in presets],
            "nlp": {"installed": nlp, "best": nlp[0] if nlp else None,
                    "description": NLP_DESCRIPTIONS.get(nlp[0]) if nlp else None,
                    "install": None if nlp else NLP_INSTALL},
            "limits": dataclasses.asdict(DEFAULT_LIMITS),
            "report_gate": {"rule": gate.describe(), **gate.thresholds()},
            "ocr": ocr_info(),
        }))
        return
    plain = {"markup": False, "highlight": False, "soft_wrap": True}
    console.print(f"hyoka {__version__}", **plain)
    for line in support.lines():  # formats, optional programs (LibreOffice, antiword, Tesseract)
        console.print(line if line.startswith(" ") else f"[bold]{line}[/bold]",
                      **(plain if line.startswith(" ") else {}))
    console.print(f"  {ocr_info()['line']}", **plain)  # scanned PDFs: extractors/ocr.py
    console.print("[bold]layouts[/bold]")
    for layout in layouts:
        console.print(f"  {layout.name}: {layout.description}", **plain)
    console.print("[bold]rule presets[/bold]")
    for rule, applies_to in presets:
        where = ", ".join(f"{k}={v}" for k, v in applies_to.items()) or "any document"
        console.print(f"  {rule.id} ({rule.kind}) for {where}", **plain)
    console.print("[bold]limits per document[/bold] (hyoka ingest --limit NAME=VALUE)")
    console.print("  " + ", ".join(f"{k}={v:g}" for k, v in dataclasses.asdict(DEFAULT_LIMITS).items()), **plain)
    console.print("[bold]report gate[/bold] (a file that fails it is kept as not_a_report; --read-anyway reads it)")
    console.print(f"  {gate.describe()}", **plain)
    console.print(Text.assemble(("NLP", "bold"), " (hyoka compare, ingest --nlp; not audit): ",
                                f"{nlp[0]} — {NLP_DESCRIPTIONS.get(nlp[0], nlp[0])} (best installed of {', '.join(nlp)})"
                                if nlp else f"none — {NLP_INSTALL}"),
                  highlight=False, soft_wrap=True)
