"""What a take records about a cut-off file: where its audio really ends, not what its header promised.

The dialogue's ``source`` (copied into every motion file and the worker's result) says which part of
the recording was animated. For a download that stopped half way, the header still claims the whole
take, and ``source["end"]`` used to repeat that claim: 6.00 s for a take whose motion ends at 2.90 s.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue
from dualtalk.inference.core.errors import DualTalkError

needs_mp3 = pytest.mark.skipif("MP3" not in sf.available_formats(), reason="this libsndfile has no MP3")


def _two_voices(seconds: float, sr: int) -> np.ndarray:
    """(N, 2): A talks in the first half, B in the second (modulated tones)."""
    t = np.arange(int(seconds * sr)) / sr
    a = np.where(t < seconds / 2, 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 4 * t)), 0.0)
    b = np.where(t >= seconds / 2, 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t)), 0.0)
    return np.stack([a, b], 1).astype(np.float32)


def _cut(tmp_path, name: str, fmt: str, sr: int, keep: float):
    """A 6 s stereo take of which only the first ``keep`` of the bytes arrived; the header still says 6 s."""
    whole = tmp_path / f"whole_{name}"
    sf.write(whole, _two_voices(6.0, sr), sr, format=fmt)
    cut = tmp_path / name
    data = whole.read_bytes()
    cut.write_bytes(data[: int(len(data) * keep)])
    assert sf.info(str(cut)).duration == pytest.approx(6.0)
    return cut


@pytest.fixture
def cut_mp3(tmp_path):
    return _cut(tmp_path, "cut.mp3", "MP3", 44100, 0.5)  # about 2.9 s arrived


@needs_mp3
def test_the_take_of_a_cut_off_mp3_records_where_its_audio_really_ends(cut_mp3, caplog):
    """The user animates a half-downloaded MP3. The warning says 2.90 s are animated; the take's
    record used to say 0-6 s (the header's promise). Now it says where the animated audio ends."""
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(cut_mp3)
    assert any("animating the 2.9" in r.getMessage() for r in caplog.records)
    assert 2.5 < d.duration < 3.2
    assert d.source["start"] == 0.0
    assert d.source["end"] == pytest.approx(d.duration, abs=1e-6)


@needs_mp3
def test_a_part_that_starts_inside_a_cut_off_mp3_records_the_real_end(cut_mp3):
    """--start 1 without --end on the same file: the part is 1 s to where the audio stops."""
    d = load_dialogue(cut_mp3, start=1.0)
    assert d.start_time == 1.0 and d.source["start"] == 1.0
    assert d.source["end"] == pytest.approx(1.0 + d.duration, abs=1e-6)
    assert d.source["end"] < 3.2


@needs_mp3
def test_a_part_past_the_real_end_is_still_refused_and_a_part_inside_keeps_its_end(cut_mp3, tmp_path, capsys):
    """Recording the real end changes nothing for parts: one inside the audio records what was asked;
    one past where the audio stops is refused in one line, from Python and the command line."""
    d = load_dialogue(cut_mp3, start=0.5, end=2.5)
    assert (d.source["start"], d.source["end"]) == (0.5, 2.5)
    with pytest.raises(
        DualTalkError, match=r"--end 5 s is past the end of cut\.mp3: its audio stops at 2\.\d\d s"
    ):
        load_dialogue(cut_mp3, end=5.0)
    with pytest.raises(DualTalkError, match=r"--start 4 s is past the end of cut\.mp3"):
        load_dialogue(cut_mp3, start=4.0)
    out = tmp_path / "take"
    rc = main(["infer", "--quiet", "--audio", str(cut_mp3), "--start", "4", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        rc == 2 and err[-1].startswith("error: --start 4 s is past the end of cut.mp3") and not out.exists()
    )


def test_a_cut_off_flac_records_where_its_audio_really_ends(tmp_path):
    """The same for a FLAC copy that stopped at two thirds (its audio ends near 4 s)."""
    cut = _cut(tmp_path, "cut.flac", "FLAC", 48000, 2 / 3)
    d = load_dialogue(cut)
    assert 3.5 < d.duration < 4.5
    assert d.source["end"] == pytest.approx(d.duration, abs=1e-6)


@needs_mp3
def test_two_files_of_which_the_longer_is_cut_off_end_where_its_audio_stops(cut_mp3, tmp_path):
    """One file per speaker: A's MP3 (header 6 s) stopped downloading at 2.9 s, B's WAV is 2 s.
    Before, the take ran to 6 s: 3.1 s of silence both characters sat through, and the record said
    both files were 6 s and 2 s long. Now the take ends where A's audio stops."""
    b = tmp_path / "b.wav"
    sf.write(b, _two_voices(2.0, SAMPLE_RATE)[:, 1], SAMPLE_RATE)
    d = load_dialogue(cut_mp3, b)
    assert 2.5 < d.duration < 3.2
    assert d.source["end"] == pytest.approx(d.duration, abs=1e-6)
    assert d.source["durations"][0] == pytest.approx(d.duration, abs=1e-6)
    assert d.source["durations"][1] == pytest.approx(2.0)
    assert np.abs(d.a[: int(SAMPLE_RATE)]).max() > 0.1  # A's audio is there, not silence


@needs_mp3
def test_two_files_keep_a_partner_that_is_cut_off_before_the_other_ends(cut_mp3, tmp_path):
    """A's WAV is a whole 6 s; B's cut-off MP3 stops at 2.9 s: B simply ends early, the take still
    runs the 6 s of A's audio, and the record says where B's audio stops."""
    a = tmp_path / "a.wav"
    sf.write(a, _two_voices(6.0, SAMPLE_RATE)[:, 1], SAMPLE_RATE)
    d = load_dialogue(a, cut_mp3)
    assert d.duration == pytest.approx(6.0) and d.source["end"] == pytest.approx(6.0)
    assert d.source["durations"][0] == pytest.approx(6.0) and 2.5 < d.source["durations"][1] < 3.2
    assert np.abs(d.b[int(3.2 * SAMPLE_RATE) :]).max() == 0.0


@needs_mp3
def test_two_files_refuse_a_part_past_where_both_really_stop(cut_mp3, tmp_path, capsys):
    """With both files ending before --end (one cut off), the part asked for is not there: refused in
    one line, as for a single cut-off file, instead of animating seconds of silence."""
    b = tmp_path / "b.wav"
    sf.write(b, _two_voices(2.0, SAMPLE_RATE)[:, 1], SAMPLE_RATE)
    with pytest.raises(
        DualTalkError,
        match=r"--end 5 s is past the end of cut\.mp3 and b\.wav; cut\.mp3 is the longer, but its audio stops at 2\.\d\d s",
    ):
        load_dialogue(cut_mp3, b, start=1.0, end=5.0)
    with pytest.raises(DualTalkError, match=r"--start 4 s is past the end of cut\.mp3 and b\.wav"):
        load_dialogue(cut_mp3, b, start=4.0)
    d = load_dialogue(cut_mp3, b, start=1.0, end=2.5)  # a part inside the audio reads as asked
    assert d.duration == pytest.approx(1.5) and d.source["end"] == 2.5
    out = tmp_path / "take"
    rc = main(
        ["infer", "--quiet", "--audio", str(cut_mp3), "--audio-b", str(b), "--start", "1", "--end", "5",
         "--out", str(out)]
    )  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith("error: --end 5 s is past the end of cut.mp3 and b.wav")
    assert "cut-off" in err[-1] and not out.exists()


@pytest.mark.parametrize("part", [{"end": 5.5}, {"start": 5.0}])
def test_two_files_word_a_cut_off_file_as_one_file_does(tmp_path, part):
    """The two-file form used to word its own refusal ("the longer header says ..."); a user now
    reads the same words for a cut-off file whether it came alone or with its partner's file."""
    cut = _cut(tmp_path, "cut.flac", "FLAC", 48000, 2 / 3)  # its audio stops near 4 s of 6
    b = tmp_path / "b.wav"
    sf.write(b, _two_voices(2.0, SAMPLE_RATE)[:, 1], SAMPLE_RATE)
    with pytest.raises(DualTalkError) as alone:
        load_dialogue(cut, **part)
    with pytest.raises(DualTalkError) as paired:
        load_dialogue(cut, b, **part)
    why = str(alone.value).split(": ", 1)[1]  # "its audio stops at ... although its header says 6.00 s (...)"
    assert why.startswith("its audio stops") and "header says 6.00 s" in why, why
    ((option, seconds),) = part.items()
    assert str(paired.value).startswith(f"--{option} {seconds:g} s is past the end of cut.flac and b.wav")
    assert f"cut.flac is the longer, but {why}" in str(paired.value), str(paired.value)
    assert "\n" not in str(paired.value)


@needs_mp3
def test_a_cut_off_file_in_the_two_file_form_is_named_in_a_warning(cut_mp3, tmp_path, caplog):
    """A cut-off partner file used to be padded with silence without a word (the one-file form warns)."""
    a = tmp_path / "a.wav"
    sf.write(a, _two_voices(6.0, SAMPLE_RATE)[:, 1], SAMPLE_RATE)
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        load_dialogue(a, cut_mp3)
    cut = [r.getMessage() for r in caplog.records if cut_mp3.name in r.getMessage()]
    assert len(cut) == 1 and "its audio stops at 2." in cut[0] and "silent after that" in cut[0], cut
    caplog.clear()
    b = tmp_path / "b.wav"
    sf.write(b, _two_voices(2.0, SAMPLE_RATE)[:, 1], SAMPLE_RATE)
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        load_dialogue(cut_mp3, b)  # the longer file cut off: the take is shorter than its header, say why
    assert any(cut_mp3.name in r.getMessage() and "cut-off" in r.getMessage() for r in caplog.records)


def _cut_mix(tmp_path):
    """A 6 s mono MP3 mix of which only the first half arrived, and where its turns file goes."""
    mono = tmp_path / "mix.mp3"
    sf.write(mono, _two_voices(6.0, 44100).mean(axis=1), 44100, format="MP3")
    data = mono.read_bytes()
    mono.write_bytes(data[: len(data) // 2])
    return mono, tmp_path / "turns.txt"


@needs_mp3
def test_turns_after_a_cut_off_mix_stops_are_named(tmp_path, caplog):
    """A mono mix whose download stopped at 2.9 s, with turns up to 6 s: the turns after the audio
    stops used to vanish after the cut-off warning; now the warning names their lines."""
    mono, turns = _cut_mix(tmp_path)
    turns.write_text("0.0\t1.5\tAnn\n1.5\t2.5\tBob\n2.6\t4.0\tAnn\n4.2\t5.8\tBob\n")
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        d = load_dialogue(mono, turns=turns)
    said = [r.getMessage() for r in caplog.records if "turns.txt" in r.getMessage()]
    assert len(said) == 1, said
    assert f"2 turns go past {d.duration:.2f} s, where the audio stops" in said[0]
    assert "line 3 (Ann 2.60-4.00 s), line 4 (Bob 4.20-5.80 s)" in said[0]
    assert d.duration < 3.2 and d.active_a.any() and d.active_b.any()
    assert d.source["warnings"] and said[0] in d.source["warnings"]


@needs_mp3
def test_turns_inside_what_a_cut_off_mix_holds_are_not_warned_about(tmp_path, caplog):
    mono, turns = _cut_mix(tmp_path)
    turns.write_text("0.0\t1.5\tAnn\n1.5\t2.5\tBob\n")
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        load_dialogue(mono, turns=turns)
    assert not [r for r in caplog.records if "turns.txt" in r.getMessage()]
