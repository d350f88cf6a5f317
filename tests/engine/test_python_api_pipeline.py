"""A researcher calls ``pipeline.run`` from a notebook: whatever they get wrong in the call itself (no
output folder, options that read a recording file next to a dialogue held in memory, an array where
the file goes, a None option) is a one-line DualTalkError before the engine loads, not a TypeError
after a whole generation, and never the command line's "give --audio FILE" for a dialogue they gave.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference import pipeline
from dualtalk.inference.audio import Dialogue, voice_activity
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request


@pytest.fixture
def in_memory(talk):
    """The take's 16 kHz streams as a researcher builds them by hand."""
    x, _ = sf.read(talk, dtype="float32")
    a, b = x[:, 0], x[:, 1]
    return Dialogue(a, b, voice_activity(a, b), voice_activity(b, a))


def test_no_output_folder_is_refused_before_the_engine_runs(talk, no_engine):
    with pytest.raises(DualTalkError, match=r"^out_dir must be the folder the two motion files .* got None$"):
        pipeline.run(Request(audio=str(talk)), None)  # type: ignore[arg-type]  # was: TypeError at write time


def test_a_none_lip_release_is_refused_before_the_engine_runs(talk, tmp_path, no_engine):
    with pytest.raises(DualTalkError, match=r"^--lip-release must be a number, got None$"):
        pipeline.run(Request(audio=str(talk), lip_release=None), tmp_path / "out")  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


def test_an_array_given_as_the_audio_points_to_the_dialogue_argument(tmp_path, no_engine):
    stereo = np.zeros((32000, 2), np.float32)
    with pytest.raises(DualTalkError, match=r"--audio must be a file path, got an array .*dialogue=Dialogue"):
        pipeline.run(Request(audio=stereo), tmp_path / "out")  # type: ignore[arg-type]


def test_a_part_of_a_dialogue_in_memory_is_refused_with_how_to_cut_it(in_memory, tmp_path, no_engine):
    with pytest.raises(DualTalkError) as caught:
        pipeline.run(Request(start=1.0), tmp_path / "out", dialogue=in_memory)
    said = str(caught.value)
    assert "give --audio FILE" not in said and "no dialogue audio" not in said
    assert said.startswith("--start reads the recording's file") and "a[i:j], b[i:j]" in said
    with pytest.raises(DualTalkError, match=r"^--swap reads the recording's file"):
        pipeline.run(Request(swap=True), tmp_path / "out", dialogue=in_memory)  # was: silently not swapped


def test_a_dialogue_in_memory_runs_whole(in_memory, talk, tmp_path):
    take = pipeline.run(Request(engine="lite", rounds=1), tmp_path / "out", dialogue=in_memory)
    assert take.motion_a.num_frames == 50 and take.dialogue is in_memory
    # a part cut by the caller, with the recording's file named, is the re-generated range's way
    part = pipeline.run(
        Request(audio=str(talk), start=0.0, end=1.0, engine="lite", rounds=1),
        tmp_path / "part",
        dialogue=in_memory,
    )
    assert part.motion_a.num_frames == 50
