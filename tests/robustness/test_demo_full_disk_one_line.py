"""A new user runs the demo into a folder on a nearly full volume. The .blend does not fit: before,
stderr held Blender's own "Error: No space left on device" (replayed from the quieted save) above our
"error: could not write .../demo.blend: No space left on device"; ``animate`` in the same spot says
only its line. Now the demo's save is quieted as animate's is: one error line, exit 74 (no room), nothing left
behind (review 29a, finding 10f)."""

from __future__ import annotations

import os
from pathlib import Path

from robustness_util import run_cli
from test_outputs_links_and_full_disk import small_disk  # noqa: F401  (a real 8 MiB tmpfs)


def _fill_to(disk: Path, free: int) -> None:
    st = os.statvfs(disk)
    with open(disk / "filler.bin", "wb") as fh:
        fh.write(b"\1" * max(0, st.f_bavail * st.f_frsize - free))


def test_a_demo_whose_blend_does_not_fit_says_one_error_line(small_disk, capsys):  # noqa: F811
    _fill_to(small_disk, 1 << 20)  # the motion files and the 2 s dialogue fit; the ~3.6 MB .blend does not
    out = small_disk / "demo"
    argv = [
        "demo",
        "--out",
        str(out),
        "--seconds",
        "2",
        "--no-fbx",
        "--preview",
        "none",
        "--dialogue",
        "file",
    ]
    code, err, _ = run_cli(capsys, argv)
    assert code == 74, err  # no room: a farm retries (was 2, bad input)
    errors = [line for line in err if line.lower().startswith("error")]
    assert errors == [f"error: could not write {out / 'demo.blend'}: No space left on device"], err
    assert not out.exists() or not any(p.suffix == ".blend" for p in out.iterdir())
