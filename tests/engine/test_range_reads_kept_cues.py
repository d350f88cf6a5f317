"""A re-generated range reads the whole recording's cues its take kept, not the recording again.

Review 31l F2: re-generating 10 s of a 20-minute take (``animate --range``, the add-on's Re-generate
Preview Range) read the whole recording a second time and measured both voices' pitch over all of
it, so the range cost about a third of the whole take and grew with the recording, not the range.
The whole take now keeps its recording's cues (``$DUALTALK_HOME/recording_cues/``) and a range of it
reads them back: the range's motion is the same, frame for frame, as when it read the recording.
"""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference import audio, pipeline
from dualtalk.inference.behaviour import cues as cues_module
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.core.progress import Recorder
from dualtalk.inference.core.request import Request

PART = (10.0, 16.0)  # seconds of the recording re-generated (a range plus its context)
ENGINES = pipeline.Engines()  # loaded once for every run here


@pytest.fixture
def recording(tmp_path, demo_clip):
    """The real DualTalk clip's 23.5 s as one stereo recording (A left, B right)."""
    a, sr = sf.read(str(demo_clip["wav1"]), dtype="float32")
    b, _ = sf.read(str(demo_clip["wav2"]), dtype="float32")
    path = tmp_path / "talk.wav"
    sf.write(str(path), np.stack([a, b], 1), sr, subtype="PCM_16")
    return path


class Spies:
    """Counts the whole recording's reads and the frames whose voices are measured for pitch."""

    def __init__(self, monkeypatch):
        self.whole_reads, self.pitch_frames = 0, 0
        real_load, real_pitch = audio.load_dialogue, cues_module.pitch_hz

        def load(*args, **kwargs):
            if kwargs.get("start") is None and kwargs.get("end") is None:
                self.whole_reads += 1
            return real_load(*args, **kwargs)

        def pitch(x, num_frames, *args, **kwargs):
            self.pitch_frames += num_frames
            return real_pitch(x, num_frames, *args, **kwargs)

        monkeypatch.setattr(audio, "load_dialogue", load)
        monkeypatch.setattr(cues_module, "pitch_hz", pitch)


def _run(request, out, home, monkeypatch, progress=None):
    monkeypatch.setenv("DUALTALK_HOME", str(home))
    pipeline.run(request, out, progress=progress, engines=ENGINES)
    return load_motion(out / "A.npz"), load_motion(out / "B.npz")


def _same(got, want):
    for g, w in zip(got, want, strict=True):
        assert np.array_equal(g.values, w.values)
        assert np.array_equal(g.gaze_target, w.gaze_target) and np.array_equal(g.gaze_dir, w.gaze_dir)
        assert g.meta["behaviour"] == w.meta["behaviour"]


def test_a_range_after_its_take_reads_no_whole_recording_and_moves_the_same(recording, tmp_path, monkeypatch):
    whole = Request(audio=str(recording), engine="lite", rounds=1)
    part = whole.replace(start=PART[0], end=PART[1])
    # today's path: a range whose take kept nothing reads the recording and measures it again
    read = _run(part, tmp_path / "read", tmp_path / "home_empty", monkeypatch)
    # the animator's path: the whole take, then 6 s of it re-generated
    home = tmp_path / "home"
    _run(whole, tmp_path / "take", home, monkeypatch)
    spies, progress = Spies(monkeypatch), Recorder()
    kept = _run(part, tmp_path / "range", home, monkeypatch, progress)
    assert kept[0].num_frames == 150
    _same(kept, read)  # frame for frame what reading the recording gave
    assert spies.whole_reads == 0
    assert spies.pitch_frames == 0  # not the recording's 587 frames twice
    said = [m for s, _, m in progress.events if s == "behaviour"]
    assert pipeline.CUES_READ_BACK in said and not [m for m in said if pipeline.WHOLE_FOR_CONTEXT in m]
    assert kept[0].meta["behaviour"]["events"]["blinks"]  # a real performance, not an empty one


def test_the_range_that_read_the_recording_keeps_its_cues_for_the_next(recording, tmp_path, monkeypatch):
    """A take made by an older build kept nothing: its first range reads the recording once."""
    part = Request(audio=str(recording), engine="lite", rounds=1, start=PART[0], end=PART[1])
    spies = Spies(monkeypatch)
    first = _run(part, tmp_path / "first", tmp_path / "home", monkeypatch)
    assert spies.whole_reads == 1
    second = _run(part.replace(start=18.0, end=21.0), tmp_path / "second", tmp_path / "home", monkeypatch)
    assert spies.whole_reads == 1
    again = _run(part, tmp_path / "again", tmp_path / "home", monkeypatch)
    assert spies.whole_reads == 1 and second[0].num_frames == 75
    _same(again, first)


def test_a_take_given_the_recording_it_loaded_keeps_its_cues_too(recording, tmp_path, monkeypatch):
    """``animate`` loads the recording before the run and hands it over: its take keeps the cues all
    the same, unless the arrays were changed in between (they are then not the recording's)."""
    whole = Request(audio=str(recording), engine="lite", rounds=1)
    home = tmp_path / "home"
    monkeypatch.setenv("DUALTALK_HOME", str(home))
    changed = pipeline.load_dialogue(whole)
    changed.a[:16000] = 0.0
    pipeline.run(whole, tmp_path / "changed", dialogue=changed, engines=ENGINES)
    assert not list((home / "recording_cues").glob("*.npz"))
    pipeline.run(whole, tmp_path / "take", dialogue=pipeline.load_dialogue(whole), engines=ENGINES)
    spies = Spies(monkeypatch)
    _run(whole.replace(start=PART[0], end=PART[1]), tmp_path / "range", home, monkeypatch)
    assert spies.whole_reads == 0


def test_a_recording_edited_after_its_take_is_read_again(recording, tmp_path, monkeypatch):
    whole = Request(audio=str(recording), engine="lite", rounds=1)
    _run(whole, tmp_path / "take", tmp_path / "home", monkeypatch)
    x, sr = sf.read(str(recording), dtype="float32")
    x[int(3 * sr) : int(4 * sr)] = 0.0  # a cough cut out; the file keeps its length
    sf.write(str(recording), x, sr, subtype="PCM_16")
    os.utime(recording, ns=(1, 1))  # whatever its time says, its bytes differ
    spies = Spies(monkeypatch)
    part = whole.replace(start=PART[0], end=PART[1])
    edited = _run(part, tmp_path / "range", tmp_path / "home", monkeypatch)
    assert spies.whole_reads == 1
    fresh = _run(part, tmp_path / "fresh", tmp_path / "home_empty", monkeypatch)
    _same(edited, fresh)


def test_other_options_are_another_recording(recording, tmp_path, monkeypatch):
    """Swapped speakers are other voices' cues: a swapped range does not read the unswapped take's."""
    whole = Request(audio=str(recording), engine="lite", rounds=1)
    _run(whole, tmp_path / "take", tmp_path / "home", monkeypatch)
    spies = Spies(monkeypatch)
    _run(
        whole.replace(start=PART[0], end=PART[1], swap=True),
        tmp_path / "range",
        tmp_path / "home",
        monkeypatch,
    )
    assert spies.whole_reads == 1


def test_options_read_alike_file_the_cues_alike(recording):
    """A range's request says "no shift of B" as the take's record does (None) or as a script does (0.0)."""
    from dualtalk.inference.recording_key import cues_key

    plain = Request(audio=str(recording))
    assert cues_key(plain, 25.0) == cues_key(plain.replace(offset_b=0.0, swap=False), 25.0)
    assert cues_key(plain, 25.0) != cues_key(plain.replace(swap=True), 25.0)
    assert cues_key(plain.replace(audio=str(recording.parent / "gone.wav")), 25.0) == ""


def test_a_damaged_or_unwritable_cache_costs_a_read_never_the_take(recording, tmp_path, monkeypatch):
    from dualtalk.inference.behaviour import recording_cues

    part = Request(audio=str(recording), engine="lite", rounds=1, start=PART[0], end=PART[1])
    home = tmp_path / "home"
    want = _run(part, tmp_path / "want", home, monkeypatch)
    (entry,) = (home / recording_cues.FOLDER).glob("*.npz")
    entry.write_bytes(entry.read_bytes()[:1000])  # a disk that filled while it was written
    spies = Spies(monkeypatch)
    _same(_run(part, tmp_path / "damaged", home, monkeypatch), want)
    assert spies.whole_reads == 1
    _same(_run(part, tmp_path / "mended", home, monkeypatch), want)  # written over: read back
    assert spies.whole_reads == 1
    # a folder of the user's own under that name is neither read nor written into
    shutil.rmtree(home / recording_cues.FOLDER)
    (home / recording_cues.FOLDER).mkdir()
    (home / recording_cues.FOLDER / "notes.txt").write_text("mine")
    _same(_run(part, tmp_path / "foreign", home, monkeypatch), want)
    assert spies.whole_reads == 2
    assert sorted(p.name for p in (home / recording_cues.FOLDER).iterdir()) == ["notes.txt"]


def test_a_hook_of_four_arguments_still_runs_on_a_range(recording, tmp_path, monkeypatch):
    """The hook's keywords are read once per hook: one written for whole takes gets none."""
    seen, real_after = [], pipeline.after_engine

    def hook(request, dialogue, motion_a, motion_b):
        seen.append(dialogue.num_frames)
        return motion_a, motion_b

    monkeypatch.setattr(pipeline, "after_engine", hook)
    part = Request(audio=str(recording), engine="lite", rounds=1, start=PART[0], end=PART[1])
    spies = Spies(monkeypatch)
    _run(part, tmp_path / "range", tmp_path / "home", monkeypatch)
    assert seen == [150] and spies.whole_reads == 0
    assert pipeline._hook_keywords(hook) == frozenset()
    assert pipeline._hook_keywords(real_after) == {"recording", "cues", "progress"}
