"""Shared helpers: where things are, robust statistics, and a description of the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project root (the folder with run_bot.py)."""
BENCH_DIR = ROOT / "benchmarks"
CLINC_ENV = "CLINC150_DIR"
"""Environment variable that overrides where CLINC150 is looked for."""


def clinc_dir(option: str | Path | None = None) -> Path:
    """The CLINC150 folder: the option if given, else $CLINC150_DIR, else ../shared/data/clinc150."""
    if option:
        return Path(option)
    if os.environ.get(CLINC_ENV):
        return Path(os.environ[CLINC_ENV])
    return ROOT.parent / "shared" / "data" / "clinc150"


def clinc_missing(folder: Path) -> str | None:
    """Why CLINC150 cannot be used from this folder, or None if it can."""
    if not (folder / "data_full.json").is_file():
        return (f"CLINC150 not found: {folder / 'data_full.json'} does not exist "
                f"(set ${CLINC_ENV} or --clinc-dir to its folder)")
    return None


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    """CPU, cores, OS, Python and library versions: printed at the top of RESULTS.md."""
    import rapidfuzz

    info = {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "rapidfuzz": rapidfuzz.__version__,
    }
    for name in ("sklearn", "matplotlib", "numpy"):
        try:
            module = __import__(name)
            info[{"sklearn": "scikit-learn"}.get(name, name)] = module.__version__
        except ImportError:
            info[{"sklearn": "scikit-learn"}.get(name, name)] = "not installed"
    info["date"] = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return info
