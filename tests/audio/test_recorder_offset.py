"""Two per-speaker recorders started apart: the offset is measured from the bleed and can be applied.

With one file per speaker (``--audio A --audio-b B``) each mic also hears the partner (bleed). When
B's recorder was started earlier or later than A's, the two files are out of step: used as they are,
B's mic carries A's voice where A's file is silent and B mouths A's lines. The loader finds the
offset from the bleed, says it in one line with the option to give, and ``--offset-b SEC`` (B's file
starts SEC seconds before A's; negative: after) puts the take back in step.
"""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import frames_of, place
from dualtalk.inference.audio import SAMPLE_RATE, add_audio_arguments, dialogue_from_args, load_dialogue
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request

SR = SAMPLE_RATE
A_SPANS = [(0.5, 2.5), (5.0, 7.0), (9.5, 11.0)]
B_SPANS = [(2.8, 4.6), (7.3, 9.2)]
TOTAL = 12.0


def mics(rng, bleed_db=-20.0, delay_ms=3.0):
    """Each speaker's lavalier: own voice, the partner a little later and quieter, a faint hiss."""
    a, b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
    g, d = 10 ** (bleed_db / 20), int(delay_ms * SR / 1000)

    def late(x):
        return np.concatenate([np.zeros(d, np.float32), x[: len(x) - d]])

    hiss = lambda: (3e-4 * rng.standard_normal(len(a))).astype(np.float32)  # noqa: E731
    return a + g * late(b) + hiss(), b + g * late(a) + hiss()


def write(path, x):
    sf.write(path, np.asarray(x, np.float32), SR, subtype="FLOAT")
    return path


def offset_lines(d):
    return [w for w in d.source["warnings"] if "--offset-b" in w]


def only(spans_self, spans_other):
    truth, other = frames_of(spans_self, TOTAL), frames_of(spans_other, TOTAL)
    return truth, other & ~truth


def test_b_recorder_started_two_seconds_early_is_reported_with_the_option(tmp_path, rng):
    """A sound recordist starts B's recorder, walks over and starts A's two seconds later. Loading the
    pair says so in one line: B's file starts 2 s before A's, give --offset-b 2."""
    mic_a, mic_b = mics(rng)
    head = (3e-4 * rng.standard_normal(2 * SR)).astype(np.float32)
    pa = write(tmp_path / "maya.wav", mic_a)
    pb = write(tmp_path / "tom.wav", np.concatenate([head, mic_b]))
    d = load_dialogue(pa, pb)
    lines = offset_lines(d)
    assert len(lines) == 1, d.source["warnings"]
    assert "--offset-b 2 " in lines[0] + " " and "before" in lines[0] and "tom.wav" in lines[0]
    assert d.source.get("offset_b", 0.0) == 0.0  # not applied on its own: the user decides


def test_giving_the_offset_puts_the_take_back_in_step(tmp_path, rng):
    """Given --offset-b 2, B's first 2 s are dropped: the take is A's length, B speaks only in B's turns,
    nothing more is said about an offset, and the take records what was applied."""
    mic_a, mic_b = mics(rng)
    head = (3e-4 * rng.standard_normal(2 * SR)).astype(np.float32)
    pa = write(tmp_path / "maya.wav", mic_a)
    pb = write(tmp_path / "tom.wav", np.concatenate([head, mic_b]))
    d = load_dialogue(pa, pb, offset_b=2.0)
    assert len(d.a) == len(mic_a) and offset_lines(d) == []
    assert d.source["offset_b"] == 2.0 and "--offset-b 2 applied" in d.summary()
    truth_b, a_only = only(B_SPANS, A_SPANS)
    assert np.mean(d.active_b == truth_b) > 0.93 and d.active_b[a_only].mean() < 0.05
    np.testing.assert_allclose(d.b, mic_b, atol=1e-6)


def test_b_recorder_started_late_is_padded(tmp_path, rng):
    """B's recorder was started 1.5 s after A's (its file lacks the take's first 1.5 s): the warning gives
    a negative offset, and applying it pads B's head with silence."""
    mic_a, mic_b = mics(rng)
    pa = write(tmp_path / "maya.wav", mic_a)
    pb = write(tmp_path / "tom.wav", mic_b[int(1.5 * SR) :])
    lines = offset_lines(load_dialogue(pa, pb))
    assert len(lines) == 1 and "--offset-b -1.5 " in lines[0] + " " and "after" in lines[0]
    d = load_dialogue(pa, pb, offset_b=-1.5)
    assert len(d.b) == len(mic_a) and not d.b[: int(1.5 * SR)].any() and offset_lines(d) == []
    np.testing.assert_allclose(d.b[int(1.5 * SR) :], mic_b[int(1.5 * SR) :], atol=1e-6)


def test_a_wrong_offset_is_corrected_by_the_warning(tmp_path, rng):
    """The user guessed 1 s; the bleed says 2: the warning names the value to give instead."""
    mic_a, mic_b = mics(rng)
    head = (3e-4 * rng.standard_normal(2 * SR)).astype(np.float32)
    pa = write(tmp_path / "maya.wav", mic_a)
    pb = write(tmp_path / "tom.wav", np.concatenate([head, mic_b]))
    lines = offset_lines(load_dialogue(pa, pb, offset_b=1.0))
    assert len(lines) == 1 and "--offset-b 2 " in lines[0] + " " and "1 s already applied" in lines[0]


@pytest.mark.parametrize("bleed_db", [-20.0, None])
def test_files_in_step_or_without_bleed_raise_no_alarm(tmp_path, rng, bleed_db):
    """Recorders started together (bleed lines up at 0), or isolated booths with no bleed at all (turns
    alternate regularly, which must not pass for an offset): nothing is said."""
    if bleed_db is None:
        a, b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
        mic_a = a + (3e-4 * rng.standard_normal(len(a))).astype(np.float32)
        mic_b = b + (3e-4 * rng.standard_normal(len(b))).astype(np.float32)
    else:
        mic_a, mic_b = mics(rng, bleed_db)
    d = load_dialogue(write(tmp_path / "a.wav", mic_a), write(tmp_path / "b.wav", mic_b))
    assert offset_lines(d) == []
    from dualtalk.inference.audio.sync import find_offset

    assert find_offset(mic_a, mic_b) is None or abs(find_offset(mic_a, mic_b).seconds) < 0.01


def test_the_offset_is_an_audio_option_like_the_others(tmp_path, rng):
    """--offset-b is declared once with the audio options: the command line reaches the loader; a stereo
    file or an offset that puts all of B's file outside the take is refused in one line."""
    mic_a, mic_b = mics(rng)
    head = (3e-4 * rng.standard_normal(2 * SR)).astype(np.float32)
    pa = write(tmp_path / "maya.wav", mic_a)
    pb = write(tmp_path / "tom.wav", np.concatenate([head, mic_b]))
    parser = argparse.ArgumentParser()
    add_audio_arguments(parser)
    args = parser.parse_args(["--audio", str(pa), "--audio-b", str(pb), "--offset-b", "2"])
    assert Request.from_args(args).offset_b == 2.0
    d = dialogue_from_args(args)
    assert d.source.get("offset_b") == 2.0, "pipeline.load_dialogue must pass request.offset_b on"
    assert len(d.a) == len(mic_a) and offset_lines(d) == []
    stereo = tmp_path / "stereo.wav"
    sf.write(stereo, np.stack([mic_a, mic_b], 1), SR)
    with pytest.raises(DualTalkError, match=re.escape("--offset-b applies only with --audio-b")):
        load_dialogue(stereo, offset_b=1.0)
    with pytest.raises(DualTalkError, match="--offset-b 30 s puts all of tom.wav"):
        load_dialogue(pa, pb, offset_b=30.0)
    with pytest.raises(DualTalkError, match="--offset-b -20 s puts all of tom.wav"):
        load_dialogue(pa, pb, offset_b=-20.0)
