"""Score one extractor (or all) on a folder against a gold file, without a store.

    .venv/bin/python bench/dev_eval.py figures [--gold ../shared/gold/seeds.jsonl]
        [--docs ../shared/seeds] [--errors]

Writes the predictions to /tmp/bilat-dev-<extractor>.jsonl and runs the
shared scorer on them. For development; `bilat eval` is the user-facing command.
"""
from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

from bilat import documents
from bilat.extract import EXTRACTORS
from bilat.nlp.annotate import AnnotatedDocument
from bilat.report.export import KIND_FIELDS

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("extractor", help="figures | agreements | transfers | events | all")
    ap.add_argument("--gold", default=str(ROOT.parent / "shared" / "gold" / "seeds.jsonl"))
    ap.add_argument("--docs", default=str(ROOT.parent / "shared" / "seeds"))
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    if args.extractor == "all":
        extractors = EXTRACTORS
    else:
        extractors = [importlib.import_module(f"bilat.extract.{args.extractor}").extract]
    out = Path(f"/tmp/bilat-dev-{args.extractor}.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for target in documents.expand([args.docs]):
            if not isinstance(target, str):
                continue
            doc = documents.load(documents.read(target))
            adoc = AnnotatedDocument.from_document(doc)
            for extract in extractors:
                for fact in extract(adoc):
                    record = {"kind": fact.kind, "doc": doc.name, "quote": fact.evidence.quote,
                              "area": fact.area, "start": fact.evidence.start, "end": fact.evidence.end}
                    record.update({k: fact.fields.get(k) for k in KIND_FIELDS[fact.kind]})
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    scorer = ROOT.parent / "shared" / "eval" / "score.py"
    cmd = [sys.executable, str(scorer), args.gold, str(out)] + (["--errors"] if args.errors else [])
    if args.extractor in ("figures", "agreements", "transfers", "events"):
        cmd += ["--kind", args.extractor.rstrip("s")]
    print(f"predictions: {out}")
    subprocess.run(cmd, check=False)


if __name__ == "__main__":
    main()
