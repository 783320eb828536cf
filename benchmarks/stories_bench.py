"""Story benchmarks from the command line (``marsad bench`` runs the same).

    .venv/bin/python benchmarks/stories_bench.py [--sizes 100000 300000] [--db analysed.db]
        [--data articles.jsonl.xz] [--json out.json] [--review 20]

``--review N`` prints N random multi-outlet stories and N near-duplicate groups of the
``--db`` store, to judge by eye, instead of timing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console

from marsad.bench_stories import review_sample, run_story_benchmarks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 300_000])
    parser.add_argument("--data", type=Path, help="SaudiNewsNet articles.jsonl.xz")
    parser.add_argument("--db", type=Path, help="an analysed marsad store")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--review", type=int, metavar="N", help="print N samples to judge")
    args = parser.parse_args()
    console = Console()
    if args.review:
        if args.db is None:
            parser.error("--review needs --db")
        review_sample(console, args.db, args.review)
        return
    results = run_story_benchmarks(console, args.data, tuple(args.sizes), store=args.db)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
