"""Real speech gets phone timings from its transcript (pocketsphinx), good enough to teach lips."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.lite.align import align, load_aligned, normalise_transcript, save_aligned

pytest.importorskip("pocketsphinx")


@pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")
def test_forced_alignment_finds_the_phones_where_the_synthesiser_put_them():
    text = "My mother bought a big map of the city before breakfast."
    utt = speak(text, Voice("flite", "kal16"))  # flite knows its exact phone timings
    phones = align(utt.audio, text)
    truth = [p for p in utt.phones if p.symbol not in ("pau", "sil")]
    got = [p for p in phones if p.symbol != "sil"]
    # Same bilabial count, and each bilabial found within 40 ms of where it was spoken.
    t_lab = [p for p in truth if p.symbol in ("m", "b", "p")]
    g_lab = [p for p in got if p.symbol in ("m", "b", "p")]
    assert len(g_lab) == len(t_lab) >= 7
    err = [abs(0.5 * (a.start + a.end) - 0.5 * (b.start + b.end)) for a, b in zip(t_lab, g_lab, strict=True)]
    assert np.median(err) < 0.04 and max(err) < 0.08
    assert all(0 <= p.start < p.end <= utt.duration + 0.02 for p in phones)


@pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")
def test_words_missing_from_the_dictionary_borrow_flite_pronunciations(tmp_path):
    text = "The woodcutters met Blorptonia."
    utt = speak(text, Voice("flite", "slt"))
    phones = align(utt.audio, text)
    assert sum(p.symbol in ("m", "b", "p") for p in phones) >= 3
    save_aligned(tmp_path / "a.npz", [{"name": "x", "source": "test", "audio": utt.audio, "phones": phones}])
    back = load_aligned(tmp_path / "a.npz")
    assert [(p.symbol, round(p.start, 3), round(p.end, 3)) for p in back[0]["phones"]] == [
        (p.symbol, round(p.start, 3), round(p.end, 3)) for p in phones
    ]
    assert np.allclose(back[0]["audio"], utt.audio, atol=1e-4)


def test_transcripts_are_normalised_and_empty_ones_refused():
    assert normalise_transcript('"Forty-two line Bible," he said.') == "forty two line bible he said"
    with pytest.raises(DualTalkError):
        align(np.zeros(16000, np.float32), " ... ")


def test_held_out_real_clips_leave_the_training_file_and_become_scorable_alignments(tmp_path):
    from dualtalk.inference.audio.tts import Phone
    from dualtalk.training.evaluation.lipsync import find_alignments
    from dualtalk.training.lite.align import split_holdout, write_phone_json

    def clip(name, source):
        phones = [Phone("sil", 0.0, 0.1, "arpabet"), Phone("M", 0.1, 0.18, "arpabet"),
                  Phone("AA", 0.18, 0.4, "arpabet"), Phone("sil", 0.4, 0.5, "arpabet")]  # fmt: skip
        return {"name": name, "source": source, "audio": np.zeros(8000, np.float32), "phones": phones}

    clips = [
        clip("LJ3", "ljspeech"),
        clip("LJ1", "ljspeech-asr"),
        clip("LJ2", "ljspeech"),
        clip("LJ4", "ljspeech"),
    ]
    train, held = split_holdout(clips, 2)
    # transcribed clips first, by name; an ASR-transcribed one is never held out
    assert [c["name"] for c in held] == ["LJ2", "LJ3"]
    assert [c["name"] for c in train] == ["LJ1", "LJ4"]
    for c in held:
        write_phone_json(tmp_path, c)
    found = find_alignments(tmp_path)
    assert [a.stem for a in found] == ["LJ2", "LJ3"]
    assert [p.symbol for p in found[0].phones] == ["sil", "M", "AA", "sil"]
    with pytest.raises(DualTalkError):
        split_holdout(clips, -1)


def test_a_holdout_without_a_folder_to_write_it_to_is_refused_before_any_alignment(tmp_path):
    from dualtalk.training.lite.align import main

    with pytest.raises(DualTalkError, match="--holdout needs --holdout-dir"):
        main(["--ljspeech", str(tmp_path), "--out", str(tmp_path / "a.npz"), "--holdout", "3"])
    assert not (tmp_path / "a.npz").exists()


def test_a_real_reader_played_faster_keeps_every_phone_on_its_sound():
    from dualtalk.inference.audio.tts import Phone
    from dualtalk.training.lite.align import change_speed

    sr = 16000
    audio = np.zeros(2 * sr, np.float32)
    audio[sr // 2 : sr // 2 + 1600] = np.sin(np.arange(1600) * 2 * np.pi * 300 / sr)  # a "b" burst at 0.5 s
    clip = {
        "name": "c",
        "source": "test",
        "audio": audio,
        "phones": [Phone("sil", 0.0, 0.5, "arpabet"), Phone("b", 0.5, 0.6, "arpabet")],
    }
    fast = change_speed(clip, 1.25)
    assert fast["name"] == "c@1.25x" and fast["speed"] == 1.25 and fast["source"] == "test"
    assert abs(len(fast["audio"]) - len(audio) / 1.25) <= 2
    onset = np.flatnonzero(np.abs(fast["audio"]) > 0.1)[0] / sr
    b = fast["phones"][1]
    assert abs(b.start - 0.4) < 1e-9 and abs(b.end - 0.48) < 1e-9
    assert abs(onset - b.start) < 0.005, "the burst moved with its phone"
    slow = change_speed(clip, 0.9)
    assert abs(len(slow["audio"]) - len(audio) / 0.9) <= 2 and slow["phones"][1].start > 0.55
    assert change_speed(clip, 1.0) is clip
    with pytest.raises(DualTalkError, match="outside"):
        change_speed(clip, 2.0)


def test_only_the_stretches_where_one_person_talks_alone_are_kept():
    from dualtalk.training.lite.align import single_speaker_stretches

    turns = [(0.0, 5.0, "A"), (3.0, 4.0, "B"), (6.0, 9.0, "B"), (8.5, 9.5, "B"), (10.0, 11.0, "A")]
    # A's 0-5 loses B's 3-4 (0-3 stays, 4-5 is too short); B overlapping B is still one voice;
    # A's one-second turn is too short to learn from
    assert single_speaker_stretches(turns, 1.5) == [(0.0, 3.0, "A"), (6.0, 9.0, "B")]
    assert single_speaker_stretches(turns, 0.5) == [
        (0.0, 3.0, "A"),
        (4.0, 5.0, "A"),
        (6.0, 9.0, "B"),
        (8.5, 9.5, "B"),
        (10.0, 11.0, "A"),
    ]


@pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")
def test_a_meeting_with_who_speaks_when_becomes_aligned_clips_of_its_speakers(tmp_path):
    import soundfile as sf
    from dualtalk.training.lite.align import align_rttm, main

    a = speak("My mother bought a big map of the city before breakfast.", Voice("flite", "kal16"))
    b = speak("Maybe we can buy the blue umbrella tomorrow morning.", Voice("flite", "slt"))
    sr = 16000
    gap = np.zeros(sr // 2, np.float32)
    mix = np.concatenate([a.audio, gap, b.audio])
    sf.write(tmp_path / "meet.wav", mix, sr)
    b_start = (len(a.audio) + len(gap)) / sr
    (tmp_path / "meet.rttm").write_text(
        f"SPEAKER meet 1 0.000 {len(a.audio) / sr:.3f} <NA> <NA> spk_a <NA> <NA>\n"
        f"SPEAKER meet 1 {b_start:.3f} {len(b.audio) / sr:.3f} <NA> <NA> spk_b <NA> <NA>\n"
        f"SPEAKER gone 1 0.000 3.000 <NA> <NA> spk_c <NA> <NA>\n"  # names a wav that is not there
    )
    clips, skipped = align_rttm(tmp_path)
    assert "gone" in skipped
    assert sorted(c["speaker"] for c in clips) == ["spk_a", "spk_b"]
    for c in clips:
        assert c["source"] == "rttm-asr"
        assert sum(p.symbol in ("m", "b", "p") for p in c["phones"]) >= 3, "its bilabials were found"
        assert all(0 <= p.start < p.end <= len(c["audio"]) / sr + 0.02 for p in c["phones"])
    out = tmp_path / "meet.npz"
    assert main(["--rttm", str(tmp_path), "--out", str(out)]) == 0
    assert sorted(c["speaker"] for c in load_aligned(out)) == ["spk_a", "spk_b"]


def test_a_broken_rttm_or_no_source_at_all_is_one_clear_error(tmp_path):
    from dualtalk.training.lite.align import align_rttm, main

    with pytest.raises(DualTalkError, match="no .rttm files"):
        align_rttm(tmp_path)
    (tmp_path / "x.rttm").write_text("SPEAKER x 1 zero 2.0 <NA> <NA> s <NA> <NA>\n")
    with pytest.raises(DualTalkError, match=r"x.rttm line 1: onset 'zero' is not a number"):
        align_rttm(tmp_path)
    (tmp_path / "x.rttm").write_text("SPEAKER x 1 1.0 -2.0 <NA> <NA> s <NA> <NA>\n")
    with pytest.raises(DualTalkError, match=r"x.rttm line 1: duration -2 s must be positive"):
        align_rttm(tmp_path)
    with pytest.raises(DualTalkError, match="--ljspeech DIR, --rttm DIR or --phones DIR"):
        main(["--out", str(tmp_path / "a.npz")])
