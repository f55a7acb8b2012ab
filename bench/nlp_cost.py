"""What the NLP layer costs: per 1,000 characters for each Japanese pipeline installed, and the
bulk-load time of `hyoka ingest` with and without `--nlp`.

    python bench/nlp_cost.py [--repeat 3] [FILES...]     # default: the seed reports + 大船渡市 workbook

Prints, for each loader of the chain that is installed (ja_core_news_sm, ja_ginza, blank:ja):
its load time; tokenizing the seed texts (ms per 1,000 characters); and the whole layer on the
texts `enrich_nlp` reads from the tables (tokenize + actors + quantities + target ↔ result
pairing + themes on lemmas), per 1,000 characters. Then the theme matcher that runs at ingest
without NLP, and `hyoka ingest` in a fresh process with and without `--nlp`. In-process figures
are CPU seconds (medians): the machine is shared, and wall time follows its load.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = sorted((ROOT / "sample_docs").glob("*.txt")) + [ROOT / "sample_docs" / "nishitokyo_masterplan2_overview.md",
                                                          ROOT / "sample_docs" / "ofunato_jimujigyo_hyoka_r7.xlsx"]


def _median_time(fn, repeat: int) -> float:
    """Median CPU seconds of this process (the 2-core machine is shared: wall time follows the load)."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from hyoka.pipeline import nlp as nlp_layer
    from hyoka.pipeline.ingest import ingest
    from hyoka.pipeline.themes import assign_themes, load_vocabulary

    files = [Path(f) for f in args.files]
    print(f"input: {len(files)} files ({', '.join(f.name for f in files)})")
    texts = [f.read_text(encoding="utf-8") for f in files if f.suffix in (".txt", ".md")]
    raw_chars = sum(len(t) for t in texts)
    tables = ingest(files).tables(audit=False)
    layer_texts = []
    for table, (_scope, columns) in nlp_layer.ACTOR_FIELDS.items():
        frame = tables[table]
        layer_texts += [v for c in columns if c in frame for v in frame[c].dropna() if isinstance(v, str) and v.strip()]
    layer_chars = sum(len(t) for t in dict.fromkeys(layer_texts))
    print(f"report text: {raw_chars:,} characters; texts the layer reads from the tables: {layer_chars:,} "
          f"characters in {len(set(layer_texts)):,} distinct strings")

    loaders = nlp_layer.loader_names()
    if not loaders:
        print('no Japanese spaCy pipeline installed: pip install "hyoka[nlp]"')
    for name in loaders:
        t0 = time.process_time()
        nlp = nlp_layer.load_named(name)
        load_s = time.process_time() - t0
        list(nlp.pipe(nlp_layer.chunks(texts[0][:2000])))  # warm up (dictionary pages)

        def tokenize():
            for text in texts:
                for _doc in nlp.pipe(nlp_layer.chunks(text)):
                    pass

        tok = _median_time(tokenize, args.repeat)
        full = _median_time(lambda: nlp_layer.enrich_nlp(tables, nlp=nlp, name=name), args.repeat)
        no_actors = _median_time(lambda: nlp_layer.enrich_nlp(tables, nlp=nlp, name=name, actors=False, themes=False),
                                 args.repeat)
        print(f"{name}: load {load_s:.2f} s; tokenize {tok * 1000 / raw_chars * 1000:.1f} ms per 1,000 chars "
              f"({raw_chars / tok / 1000:.0f}k chars/s); whole layer (enrich_nlp) {full:.2f} s = "
              f"{full * 1000 / layer_chars * 1000:.1f} ms per 1,000 chars; targets ↔ results only "
              f"(compare's default) {no_actors:.2f} s")

    vocab = load_vocabulary()
    t = _median_time(lambda: assign_themes(tables, vocab), args.repeat)
    print(f"themes without NLP (on the ingest path): {t * 1000:.0f} ms for {len(tables['measures'])} measures")

    def run(extra: list[str]) -> tuple[float, float]:
        walls, cpus = [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as out:
                t0, c0 = time.perf_counter(), _children_cpu()
                done = subprocess.run([sys.executable, "-m", "hyoka", "ingest", *map(str, files), "--out", out, "-q",
                                       *extra], capture_output=True, cwd=ROOT)
                walls.append(time.perf_counter() - t0)
                cpus.append(_children_cpu() - c0)
                if done.returncode not in (0, 3):
                    print(done.stderr.decode()[-500:])
        return statistics.median(cpus), statistics.median(walls)

    plain = run([])
    print(f"hyoka ingest (fresh process), CPU / wall: {plain[0]:.2f} / {plain[1]:.2f} s without --nlp", end="")
    if loaders:
        with_nlp = run(["--nlp"])
        print(f", {with_nlp[0]:.2f} / {with_nlp[1]:.2f} s with --nlp ({loaders[0]}): "
              f"+{with_nlp[0] - plain[0]:.2f} s CPU", end="")
    print(f" (median of {args.repeat})")


if __name__ == "__main__":
    main()
