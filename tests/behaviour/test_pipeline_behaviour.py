"""`infer` runs the behaviour layer for every engine run; its flags steer it and bad ones are refused."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from behaviour_takes import REPO
from cli_in_process import run_dualtalk
from dualtalk.inference.behaviour import LIP_CHANNELS
from dualtalk.inference.core.motion import load_motion

DEMO = str(REPO / "assets" / "demo_dialogue.flac")


def infer(out, *flags, end: str | None = "8", in_process: bool = True):
    """``infer`` on the demo dialogue's first ``end`` seconds (None: the whole 16.6 s): run in this
    process (cli_in_process), or, ``in_process`` False, as ``python -m dualtalk`` in a process of its
    own; its exit code and what it wrote either way."""
    argv = ["infer", "--audio", DEMO, *(["--end", end] if end else []), "--out", str(out), "--quiet", *flags]
    if not in_process:
        return subprocess.run([sys.executable, "-m", "dualtalk", *argv], capture_output=True, text=True)
    return run_dualtalk(*argv)


def test_infer_writes_blinks_gaze_and_settings_and_the_flags_steer_them(tmp_path):
    assert infer(tmp_path / "on", "--behaviour-seed", "4", "--mood", "friendly").returncode == 0
    assert (
        infer(tmp_path / "off", "--blinks", "off", "--gaze", "off", "--head", "0", "--brows", "0").returncode
        == 0
    )
    on, off = load_motion(tmp_path / "on" / "A.npz"), load_motion(tmp_path / "off" / "A.npz")
    assert on.gaze_target is not None and on.gaze_dir.shape == (on.num_frames, 2)
    assert on.meta["behaviour"]["seed"] == 4 and on.meta["behaviour"]["mood"] == "friendly"
    on_b = load_motion(tmp_path / "on" / "B.npz")
    assert on_b.meta["behaviour"]["mood_b"] is None  # B shares A's mood unless given its own
    assert on.channel("eyeBlinkLeft").max() > 0.9 and off.channel("eyeBlinkLeft").max() < 0.5
    assert off.gaze_target is None and off.meta["behaviour"]["amounts"]["blinks"] == 0.0
    lips = [on.channels.index(c) for c in LIP_CHANNELS]
    assert np.array_equal(on.values[:, lips], off.values[:, lips])  # the layer never moves the lips


def test_bad_behaviour_flags_are_one_line_and_write_nothing(tmp_path):
    for flags, words, in_process in (
        (["--blinks", "lots"], "--blinks must be off, on, auto or a number", False),  # a real command line
        (["--head", "3"], "--head must be between 0 and 2", True),
        (["--behaviour-seed", "-2"], "--behaviour-seed must be a whole number", True),
    ):
        out = tmp_path / flags[0].strip("-")
        run = infer(out, *flags, in_process=in_process)
        assert run.returncode == 2 and run.stderr.strip().startswith(f"error: {words}"), run.stderr
        assert run.stderr.strip().count("\n") == 0 and not out.exists()


def test_shot_files_carry_the_behaviour_keys_and_refuse_bad_ones(tmp_path):
    import pytest
    from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
    from dualtalk.inference.core.errors import DualTalkError

    (tmp_path / "s.blend").write_bytes(b"")
    shot = {"blend": "s.blend", "char_a": "A", "char_b": "B", "audio": DEMO, "out": "o.blend"}
    data = {
        "defaults": {"mood": "serious", "behaviour_seed": 5},
        "shots": [{**shot, "blinks": "off", "head": 0.5}],
    }
    (parsed,) = parse_jobs(data, tmp_path)
    assert parsed.request().validate().behaviour() == {
        "seed": 5, "mood": "serious", "mood_b": None, "gaze_on": True, "blinks": 0.0, "gaze": None, "head": 0.5,
        "brows": None,
    }  # fmt: skip
    (lively_b,) = parse_jobs({"shots": [{**shot, "mood_b": "animated"}]}, tmp_path)
    assert lively_b.request().validate().behaviour()["mood_b"] == "animated"
    with pytest.raises(DualTalkError, match="mood_b|mood-b"):
        parse_jobs({"shots": [{**shot, "mood_b": "grumpy"}]}, tmp_path)
    with pytest.raises(DualTalkError, match="head"):
        parse_jobs({"shots": [{**shot, "head": [1]}]}, tmp_path)
    with pytest.raises(DualTalkError, match=r"^shot 'shot001'\.brows must be between 0 and 2"):
        parse_jobs({"shots": [{**shot, "brows": 7}]}, tmp_path)  # refused as the job file is read


def test_a_lively_b_beside_a_calm_a_from_the_command_line(tmp_path):
    """The whole take: a part's head is scaled as the whole take's (review 30b F3), so 8 s of it
    can hold a calmer stretch than the mood's spread over the recording."""
    assert infer(tmp_path / "calm", "--behaviour-seed", "2", end=None).returncode == 0
    assert (
        infer(tmp_path / "mixed", "--behaviour-seed", "2", "--mood-b", "animated", end=None).returncode == 0
    )
    calm_a, mixed_a = (load_motion(tmp_path / d / "A.npz") for d in ("calm", "mixed"))
    calm_b, mixed_b = (load_motion(tmp_path / d / "B.npz") for d in ("calm", "mixed"))
    assert np.array_equal(calm_a.values, mixed_a.values)
    head = [calm_b.channels.index(c) for c in ("head_rx", "head_ry", "head_rz")]
    assert mixed_b.values[:, head].std(axis=0).min() > 1.5 * calm_b.values[:, head].std(axis=0).max()
    assert mixed_b.meta["behaviour"]["mood_b"] == "animated"
