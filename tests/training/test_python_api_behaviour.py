"""A researcher measures the behaviour layer of a take they just made from Python: the folder's name as
a plain string works as a Path does, and a bare string (not in a list) is refused with the way to
write it, not read one character at a time.

(The audit that found these: evaluate_files(["out1"]) raised "AttributeError: 'str' object has no
attribute 'exists'"; evaluate_files("out1") read four paths, one per character, and said "give a
dialogue folder (A.npz, B.npz)...".)
"""

from __future__ import annotations

from pathlib import Path

import addon_helpers as ah
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request
from dualtalk.training.evaluation.behaviour import evaluate_files


@pytest.fixture(scope="module")
def take_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("behaviour_take")
    wav = ah.write_dialogue_wav(root / "talk.wav", seconds=4.0)
    return pipeline.run(Request(audio=str(wav), engine="lite", rounds=1), root / "out1").path_a.parent


def test_a_folder_named_by_a_string_is_measured_as_its_path(take_dir, monkeypatch):
    monkeypatch.chdir(take_dir.parent)
    by_str = evaluate_files(["out1"])  # was: AttributeError: 'str' object has no attribute 'exists'
    assert by_str == evaluate_files([take_dir])
    assert set(by_str["after"]) == {"A", "B"}
    assert evaluate_files(["out1/A.npz", "out1/B.npz"]) == by_str


def test_a_bare_string_is_refused_with_the_list_to_give(take_dir, monkeypatch):
    monkeypatch.chdir(take_dir.parent)
    with pytest.raises(DualTalkError, match=r"^give a list of paths: \['out1'\] for a dialogue folder"):
        evaluate_files("out1")  # type: ignore[arg-type]  # was: "out1" read as four paths
    with pytest.raises(DualTalkError, match=r"give a list of paths: \['.*out1'\]"):
        evaluate_files(take_dir)  # type: ignore[arg-type]


def test_a_motion_file_with_no_frames_is_named_as_the_cause(take_dir, tmp_path):
    """A file emptied by a broken export (every per-frame array cut to 0 rows) was refused as "from
    two takes (empty.npz: talk.wav 0.00-0.00 s; ...)", which sent the researcher looking at the
    recordings; ``animate`` names the real cause, and now so does the evaluation (review rv38b c)."""
    import numpy as np

    with np.load(take_dir / "A.npz") as src:
        frames = len(src["values"])
        members = {k: (src[k][:0] if src[k].ndim and len(src[k]) == frames else src[k]) for k in src.files}
    np.savez(tmp_path / "empty.npz", **members)
    with pytest.raises(DualTalkError) as refused:
        evaluate_files([tmp_path / "empty.npz", take_dir / "B.npz"])
    assert str(refused.value) == "empty.npz: the motion has no frames"
