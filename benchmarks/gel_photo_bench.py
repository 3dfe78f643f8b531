"""Time reading and calling a gel photo as a user does it: `genoassoc call --gel-image` on a rendered
20-lane photo (two ladders, 18 samples; 1300 x 490 px PNG), the whole process, best of 5. No peer
goes from the photo to genotypes; the goal is under 2 s.

Run from the repository: python benchmarks/gel_photo_bench.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from timing import best_interleaved

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from genoassoc.calling.gel_render import RenderedLane, render_gel, save_photo

    ladder_sizes = tuple(float(size) for size in range(1000, 0, -100))
    ladder = RenderedLane(ladder_sizes, tuple(100.0 if size == 500 else 50.0 for size in ladder_sizes))
    patterns = [((285.0,), (60.0,)), ((285.0, 165.0, 120.0), (30.0, 17.4, 12.6)), ((165.0, 120.0), (34.7, 25.3))]
    lanes = [ladder, *[RenderedLane(*patterns[index % 3], primer_dimer=True) for index in range(18)], ladder]
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / "gel.png"
        save_photo(render_gel([lanes], width=1300, tier_height=460, seed=7, tilt_degrees=0.8, smile=4), str(photo))
        layout = Path(folder) / "layout.tsv"
        layout.write_text("lane\tsample\tlocus\n1\tladder\t\n" + "".join(
            f"{number + 1}\tS{number:02d}\trs1800796\n" for number in range(1, 19)) + "20\tladder\t\n")
        command = [sys.executable, "-m", "genoassoc.cli", "call", "--gel-image", str(photo), "--layout", str(layout),
                   "--ladder", "GeneRuler 100 bp", "-o", str(Path(folder) / "calls.tsv")]
        timing = best_interleaved({"genoassoc": command}, repeats=5)["genoassoc"]
    print(f"{os.cpu_count()} cores")
    print(f"gel photo, 20 lanes, read and called (call --gel-image)    {timing.wall:.2f} s wall, "
          f"{timing.cpu:.2f} s CPU, {timing.peak_mb:.0f} MB   (goal: under 2 s)")


if __name__ == "__main__":
    main()
