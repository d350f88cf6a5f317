"""An animator labels a one-mic take by hand and gives the script. A's label ends 0.4 s after A's
voice, over B's "Okay". The script's words already end A's lips and speaking flags at A's last word
(session 41, turns41); the head, gaze and nods read the loader's flags, so for them A still spoke
over B's "Okay" for the label's extra 0.4 s, and a take of the recording without the script kept
its cues (keyed without the script) for the scripted one to read back. Now the behaviour layer hears
the flags the words bound, in a whole take and in a part of it; without a script, or with two mics,
it is handed the loader's own dialogue as before, and the kept cues work as before."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.behaviour import apply as behaviour_apply
from one_mic_takes import FPS, LATE_S, OneMicTake

ENGINES = pipeline.Engines()  # loaded once for every run here


@pytest.fixture(scope="module")
def take(tmp_path_factory):
    pytest.importorskip("pocketsphinx")
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    return OneMicTake(tmp_path_factory.mktemp("one_mic_behaviour"))


class Heard:
    """What the behaviour layer was handed (the dialogue, the whole recording's cues) and the
    cues it planned from (A's and B's, and where the motion starts in them)."""

    def __init__(self, monkeypatch):
        self.handed: list[tuple[object, dict]] = []
        self.planned: list[tuple[object, object, float]] = []
        real_hook, real_plan = pipeline.after_engine, behaviour_apply.apply_with_cues

        def hook(request, dialogue, motion_a, motion_b, **keywords):
            self.handed.append((dialogue, keywords))
            return real_hook(request, dialogue, motion_a, motion_b, **keywords)

        def plan(motion_a, motion_b, cues_a, cues_b, settings, *, start_s=0.0):
            self.planned.append((cues_a, cues_b, start_s))
            return real_plan(motion_a, motion_b, cues_a, cues_b, settings, start_s=start_s)

        monkeypatch.setattr(pipeline, "after_engine", hook)
        monkeypatch.setattr(behaviour_apply, "apply_with_cues", plan)

    def a_speaking(self) -> tuple[np.ndarray, float]:
        """A's speaking frames as the layer planned the last run (over the whole recording, frame 0
        at its second 0), and the second the run's motion starts in them."""
        cues_a, _, start_s = self.planned[-1]
        return np.asarray(cues_a.speaking, bool), start_s


def _run(take, request, out, home, monkeypatch):
    monkeypatch.setenv("DUALTALK_HOME", str(home))
    return pipeline.run(request, take.folder / out, engines=ENGINES)


def _last_speaking(flags: np.ndarray, at: float, before: float) -> float:
    """The end (s) of the last speaking frame before second ``before`` (frame 0 at second ``at``)."""
    upto = int(round((before - at) * FPS))
    return at + (int(np.flatnonzero(flags[:upto]).max()) + 1) / FPS


def test_the_head_and_gaze_hear_a_stop_at_its_last_word_not_at_the_late_label(take, tmp_path, monkeypatch):
    _, _, a_ends = take.voices[2]
    _, b_starts, _ = take.voices[3]
    heard = Heard(monkeypatch)
    result = _run(take, take.request(take.labels("late", late_end=2)), "late", tmp_path / "home", monkeypatch)
    assert result.transcript["a"]["turn_edges"]  # the words moved A's edge
    lips_stop = _last_speaking(result.motion_a.speaking, result.motion_a.start_time, b_starts + 1.0)
    assert lips_stop <= b_starts  # turns41: the lips and flags stop before B's "Okay"
    flags, _ = heard.a_speaking()
    # before: the layer heard A speak to the label's end, 0.4 s into B's "Okay"
    assert _last_speaking(flags, 0.0, b_starts + 1.0) == pytest.approx(lips_stop)
    # the label's own flags are still the take's record
    assert _last_speaking(result.dialogue.active_a, 0.0, b_starts + 1.0) >= a_ends + LATE_S - 2 / FPS


def test_cues_kept_by_a_take_without_the_script_are_not_read_for_one_with_it(take, tmp_path, monkeypatch):
    _, b_starts, _ = take.voices[3]
    labels = take.labels("late", late_end=2)
    home = tmp_path / "home"
    # the animator first animated the take without the script: its cues (the label's flags) are kept
    _run(take, take.request(labels, script=False), "no_script", home, monkeypatch)
    assert list((home / "recording_cues").glob("*.npz"))
    heard = Heard(monkeypatch)
    scripted = _run(take, take.request(labels), "scripted", home, monkeypatch)
    flags, _ = heard.a_speaking()
    lips_stop = _last_speaking(scripted.motion_a.speaking, 0.0, b_starts + 1.0)
    assert _last_speaking(flags, 0.0, b_starts + 1.0) == pytest.approx(lips_stop)
    # the same take as one made where nothing was kept, bit for bit
    fresh = _run(take, take.request(labels), "scripted_fresh", tmp_path / "home_fresh", monkeypatch)
    for got, want in ((scripted.motion_a, fresh.motion_a), (scripted.motion_b, fresh.motion_b)):
        assert np.array_equal(got.values, want.values)
        assert np.array_equal(got.gaze_target, want.gaze_target)
        assert got.meta["behaviour"] == want.meta["behaviour"]


def test_a_part_over_the_moved_edge_hears_the_flags_the_whole_take_heard(take, tmp_path, monkeypatch):
    _, b_starts, _ = take.voices[3]
    labels = take.labels("late", late_end=2)
    home = tmp_path / "home"
    heard = Heard(monkeypatch)
    _run(take, take.request(labels), "whole", home, monkeypatch)
    whole, _ = heard.a_speaking()
    first = round(7.0 * FPS)
    # a range re-generated before any whole take: its recording bounded over its own frames
    part = _run(
        take, take.request(labels, start=7.0, end=11.0), "first", tmp_path / "home_empty", monkeypatch
    )
    flags, start_s = heard.a_speaking()
    assert start_s == pytest.approx(7.0) and len(flags) == len(whole)  # planned over the whole recording
    n = part.motion_a.num_frames
    assert np.array_equal(flags[first : first + n], whole[first : first + n])
    lips_stop = _last_speaking(part.motion_a.speaking, part.motion_a.start_time, b_starts + 1.0)
    assert _last_speaking(flags, 0.0, b_starts + 1.0) == pytest.approx(lips_stop)
    # the animator's path: the whole take, then the range; the range reads what the take kept
    _run(take, take.request(labels, start=7.0, end=11.0), "after", home, monkeypatch)
    assert np.array_equal(heard.a_speaking()[0], whole)


def test_a_part_away_from_the_moved_edge_blinks_and_looks_as_the_whole_take_did(take, tmp_path, monkeypatch):
    labels = take.labels("late", late_end=2)
    home = tmp_path / "home"
    heard = Heard(monkeypatch)
    whole = _run(take, take.request(labels), "whole", home, monkeypatch)
    planned = heard.a_speaking()[0]
    part = _run(take, take.request(labels, start=2.0, end=6.0), "part", home, monkeypatch)
    assert "turn_edges" not in part.transcript["a"]  # A's late label is at 9 s
    assert np.array_equal(heard.a_speaking()[0], planned)  # the whole take's cues, edge and all
    first, n = round(2.0 * FPS), part.motion_a.num_frames
    for got, want in ((part.motion_a, whole.motion_a), (part.motion_b, whole.motion_b)):
        blinks = [f - first for f in want.meta["behaviour"]["events"]["blinks"] if first <= f < first + n]
        assert got.meta["behaviour"]["events"]["blinks"] == blinks
        assert np.array_equal(got.gaze_target, want.gaze_target[first : first + n])


@pytest.mark.parametrize("how", ["one mic, no script", "two mics, the script"])
def test_without_a_moved_edge_the_layer_is_handed_the_loaders_dialogue_and_the_kept_cues(
    take, tmp_path, monkeypatch, how
):
    labels = take.labels("late", late_end=2) if how.startswith("one mic") else None
    request = take.request(labels, script=how.endswith("the script"))
    home = tmp_path / "home"
    heard = Heard(monkeypatch)
    result = _run(take, request, "whole", home, monkeypatch)
    if result.transcript is not None:
        assert "turn_edges" not in result.transcript["a"] and "turn_edges" not in result.transcript["b"]
    dialogue, keywords = heard.handed[-1]
    assert dialogue is result.dialogue  # the loader's own flags, not a copy
    assert list((home / "recording_cues").glob("*.npz"))  # kept for the parts, as before
    _run(take, request.replace(start=7.0, end=11.0), "part", home, monkeypatch)
    _, keywords = heard.handed[-1]
    kept = keywords["cues"]
    assert np.array_equal(kept.a.speaking, heard.planned[0][0].speaking)  # the whole take's cues read back
