"""How long `stadtteil bericht` takes: the repository's data (1×) and generated data (10×), each in a
fresh Git repository with one commit (so the history is read too). Prints wall and CPU time per run.

    .venv/bin/python bench/report.py [--reps 3] [--scales 1 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import generate  # noqa: E402  (bench/ is not a package)


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
           "GIT_AUTHOR_DATE": "2026-03-01T10:00:00+01:00", "GIT_COMMITTER_DATE": "2026-03-01T10:00:00+01:00"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def measure(project: Path, reps: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    command = [generate.stadtteil_bin("stadtteil"), "bericht", "2026", "-f", str(project / "mkdocs.yml"),
               "-o", str(project / "bericht" / "2026")]
    env = {**os.environ, "STADTTEIL_TODAY": "2026-11-24"}
    for _ in range(reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            project = Path(tmp) / f"x{scale}"
            counts = generate.generate(project, scale, validate=False)
            _git(project, "init", "-q")
            _git(project, "add", "-A")
            _git(project, "commit", "-qm", "data")
            walls, cpus = measure(project, args.reps)
            print(f"{scale}× ({counts['offers']} Angebote, {counts['events']} Veranstaltungen, "
                  f"{counts['partners']} Partner): stadtteil bericht Median {statistics.median(walls):.2f} s "
                  f"(Spanne {min(walls):.2f}–{max(walls):.2f} s), CPU {statistics.median(cpus):.2f} s, "
                  f"Last {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
