"""The benchmark commands run, so they cannot rot (the figures themselves are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_headless_benchmark_smoke_run_reports_every_figure_for_both_sides(tmp_path: Path) -> None:
    """`python -m benchmarks.headless --smoke` exits 0 and writes a complete table."""
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.headless", "--smoke", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text())["rows"]
    names = {row["figure"] for row in rows}
    for expected in ("echo p50 (ms)", "pipelined echo msg/s", "kernel push messages lost",
                     "push to a paused reader: messages lost", "binary 1 MB client→kernel MB/s",
                     "binary 1 MB client→kernel MB/s, net of an empty round trip",
                     "kernel_info floor p50 (ms)"):  # fmt: skip
        assert expected in names
    for row in rows:
        for side in ("ipycomm", "stock"):
            assert isinstance(row[side]["median"], float)
    assert "Headless figures" in done.stdout
