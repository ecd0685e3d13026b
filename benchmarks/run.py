#!/usr/bin/env python3
"""Run the benchmarks and write benchmarks/RESULTS.md (plus results.json and PNG plots).

    python benchmarks/run.py                       # everything, about 5-10 minutes on 2 cores
    python benchmarks/run.py --parts clinc --quick # one part, subsampled: a smoke test
    python benchmarks/run.py --clinc-dir /data/clinc150 --out /tmp/RESULTS.md

Parts: clinc (CLINC150 accuracy vs baselines and the paper), shipped (the labelled questions),
speed (latency, load time and memory from 1k to 100k patterns), hostile (1 MB pastes and junk),
worst (an adversarial search for the slowest message of at most 2,000 characters), startup (time
to the first prompt). CLINC150 is looked for in --clinc-dir, $CLINC150_DIR, then ../shared/data/clinc150
beside the project; without it the CLINC parts are skipped with a message.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import machine  # noqa: E402

PARTS = ("clinc", "shipped", "speed", "hostile", "worst", "startup")


def parse_parts(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"parts must be a comma-separated subset of {','.join(PARTS)}")
    return parts


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=parse_parts, default=list(PARTS),
                        help=f"comma-separated parts to run (default: {','.join(PARTS)})")
    parser.add_argument("--quick", action="store_true",
                        help="subsample questions and repeat less: a smoke test, not for the record")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md",
                        help="the Markdown report; plots and results.json go beside it "
                             "(default: benchmarks/RESULTS.md)")
    parser.add_argument("--clinc-dir", type=Path, default=None,
                        help="folder with CLINC150's data_full.json (default: $CLINC150_DIR, "
                             "else ../shared/data/clinc150)")
    parser.add_argument("--no-plots", action="store_true", help="do not draw the PNG plots")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    given = sys.argv[1:] if argv is None else list(argv)
    command = " ".join(["python benchmarks/run.py", *([shlex.join(given)] if given else [])])
    results: dict = {"command": command, "machine": machine(), "quick": args.quick, "parts": args.parts,
                     "part_seconds": {}}
    started = time.perf_counter()

    def log(message: str) -> None:
        print(message, flush=True)

    for part in args.parts:
        log(f"[{part}]")
        start = time.perf_counter()
        if part == "clinc":
            from benchmarks.clinc import run_clinc

            results["clinc"] = run_clinc(args.clinc_dir, quick=args.quick, log=log)
            if results["clinc"].get("skipped"):
                log(f"  skipped: {results['clinc']['skipped']}")
        elif part == "shipped":
            from benchmarks.shipped import run_shipped

            results["shipped"] = run_shipped(log=log)
        elif part == "speed":
            from benchmarks.speed import run_speed

            results["speed"] = run_speed(args.clinc_dir, quick=args.quick, log=log)
        elif part == "hostile":
            from benchmarks.hostile import run_hostile

            results["hostile"] = run_hostile(repeats=2 if args.quick else 5, log=log)
        elif part == "worst":
            from benchmarks.worst_case import run_worst_case

            results["worst"] = run_worst_case(seconds=10.0 if args.quick else 60.0, log=log)
        elif part == "startup":
            from benchmarks.startup import run_startup

            results["startup"] = run_startup(runs=3 if args.quick else 7, log=log)
        results["part_seconds"][part] = time.perf_counter() - start
        log(f"  done in {results['part_seconds'][part]:.0f} s")
    results["elapsed"] = time.perf_counter() - started

    from benchmarks.report import targets, write_report

    written = write_report(results, args.out, plots=not args.no_plots)
    log("")
    for name, measured, status, gap in targets(results):
        log(f"  {status.strip('*'):>12}  {name}: {measured}{'  (' + gap + ')' if gap else ''}")
    log("")
    for path in written.values():
        log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
