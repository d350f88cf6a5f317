"""The one run path: a request goes in, both characters' motion files come out, and the
post-engine hook sees (and may change) both motions before they are written."""

from __future__ import annotations

import addon_helpers as ah
import numpy as np
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.core.progress import Recorder
from dualtalk.inference.core.request import Request


def test_a_request_becomes_two_motion_files_and_the_hook_edits_them(tmp_path, monkeypatch):
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    seen = {}

    def damp_b(request, dialogue, motion_a, motion_b):
        seen.update(request=request, frames=dialogue.num_frames)
        motion_b.values = motion_b.values * 0.0  # the behaviour layer may rewrite a character
        return motion_a, motion_b

    monkeypatch.setattr(pipeline, "after_engine", damp_b)
    request = Request(audio=str(wav), engine="lite", rounds=1)
    take = pipeline.run(request, tmp_path / "take")
    assert (take.path_a, take.path_b) == (tmp_path / "take" / "A.npz", tmp_path / "take" / "B.npz")
    a, b = load_motion(take.path_a), load_motion(take.path_b)
    assert seen == {"request": request, "frames": a.num_frames} and a.num_frames == 50
    assert np.abs(a.values).max() > 0 and np.abs(b.values).max() == 0
    facts = pipeline.summary(take)
    assert facts["engine"] == "lite" and facts["frames"] == 50 and facts["a"] == str(take.path_a)


def test_engines_are_loaded_once_per_setting(tmp_path):
    engines = pipeline.Engines()
    lite = Request(engine="lite")
    assert engines.get(lite) is engines.get(lite.replace(audio="other.wav"))
    assert len(engines.cache) == 1


def test_a_bad_request_is_refused_before_anything_is_loaded_or_written(tmp_path):
    with pytest.raises(DualTalkError, match="--rounds must be between"):
        pipeline.run(Request(audio="missing.wav", rounds=99), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_progress_moves_after_generation_until_the_files_are_written(tmp_path, monkeypatch):
    """The lip passes, the behaviour layer and writing take about as long as generating on a long
    take (40 s of 70 s for 40 minutes on two cores): each must report, or the bar sits at
    "generate 100%" all that time."""
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    progress = Recorder()
    seen: list[str] = []
    real_after = pipeline.after_engine

    def hook(*args, **kwargs):
        seen.append(progress.events[-1][0])  # the stage on screen while the layer runs
        return real_after(*args, **kwargs)

    monkeypatch.setattr(pipeline, "after_engine", hook)
    pipeline.run(Request(audio=str(wav), engine="lite", rounds=1), tmp_path / "take", progress=progress)
    stages = [s for s, _, _ in progress.events]
    after = stages[len(stages) - stages[::-1].index("generate") :]
    assert seen == ["behaviour"]
    assert list(dict.fromkeys(after)) == ["lips", "behaviour", "write"]
    assert progress.events[-1][0] == "write"  # reported before writing: a Cancel then leaves no files
