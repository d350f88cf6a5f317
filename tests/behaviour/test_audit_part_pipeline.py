"""An animator re-generates seconds 4-14 of a take (`--start/--end`, the add-on's range
re-generation): with the same seed the characters blink and nod at the same seconds as in the
whole take, so the part cross-fades into it without a doubled or a cut blink."""

from __future__ import annotations

from behaviour_takes import REPO
from cli_in_process import run_dualtalk
from dualtalk.inference.core.motion import load_motion

DEMO = str(REPO / "assets" / "demo_dialogue.flac")
FPS = 25


def _infer(out, *flags, seed: int = 7):
    """``python -m dualtalk infer`` on the demo dialogue, run in this process (cli_in_process: no
    Python and torch started for each take); both motions."""
    done = run_dualtalk(
        "infer", "--audio", DEMO, "--out", out, "--quiet", "--behaviour-seed", str(seed), *flags
    )
    assert done.returncode == 0, done.stderr
    return load_motion(out / "A.npz"), load_motion(out / "B.npz")


def test_a_re_generated_part_blinks_and_nods_when_the_whole_take_did(tmp_path):
    first, inner = 4 * FPS, range(FPS, 10 * FPS - FPS)  # away from the part's edges by 1 s
    compared = 0
    for seed in (7, 8):  # two performances: one has 5-7 blinks and nods there
        whole = _infer(tmp_path / f"whole{seed}", seed=seed)  # the whole 16.6 s demo dialogue
        part = _infer(tmp_path / f"part{seed}", "--start", "4", "--end", "14", seed=seed)
        for w, p in zip(whole, part, strict=True):
            for kind in ("blinks", "nods"):
                in_whole = [f - first for f in w.meta["behaviour"]["events"][kind] if f - first in inner]
                in_part = [f for f in p.meta["behaviour"]["events"][kind] if f in inner]
                assert in_part == in_whole, (seed, kind, in_part, in_whole)
                compared += len(in_part)
    assert compared >= 10  # blinks and nods enough to mean something


def test_with_the_behaviour_layer_off_a_part_does_not_read_the_whole_recording(tmp_path):
    a, _ = _infer(tmp_path / "off", "--start", "10", "--end", "12", "--blinks", "off", "--gaze", "off",
                  "--head", "0", "--brows", "0")  # fmt: skip
    assert a.num_frames == 2 * FPS and a.meta["behaviour"]["events"] == {}
