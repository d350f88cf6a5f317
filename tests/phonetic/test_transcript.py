"""An animator who has the script gets lips drawn from it: closed on every /p b m/, the rest untouched."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.tts import Phone, Voice, available_engines, speak
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.visemes import drawn_channels
from dualtalk.training.evaluation.lipsync import classify, mouth_features, score_phones, summarize

SR = 16000
A_LINES = ("Maybe my brother will buy a bigger boat.", "People often move for a better job.")
B_LINES = ("I would love to go, but the bike is broken.", "Well, I think so too.")

needs_flite = pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the file


def test_a_transcript_reads_as_tagged_lines_skipping_blanks_and_comments(tmp_path):
    path = _write(
        tmp_path / "t.txt", "\ufeff# scene 4\n\nA: Hello there.\n  b : Hi!  \nAnna: Bye: for now.\n"
    )
    lines = tr.read_transcript(path)
    assert [(x.number, x.speaker, x.text) for x in lines] == [
        (3, "A", "Hello there."),
        (4, "b", "Hi!"),
        (5, "Anna", "Bye: for now."),
    ]
    # tags are A/B or the dialogue's own speaker names, in any case
    assert tr.texts_by_speaker(lines, ("Anna", "Ben")) == ("Hello there. Bye: for now.", "Hi!")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("A: fine\nno tag on this line\n", "line 2: start the line with who says it"),
        ("# only a comment\n\n", "has no lines"),
        (": who?\n", "line 1: start the line"),
    ],
)
def test_a_malformed_transcript_is_refused_with_its_line(tmp_path, content, message):
    with pytest.raises(DualTalkError, match=message):
        tr.read_transcript(_write(tmp_path / "t.txt", content))


def test_a_missing_binary_or_huge_transcript_is_refused(tmp_path):
    with pytest.raises(DualTalkError, match="transcript not found"):
        tr.read_transcript(tmp_path / "nope.txt")
    (tmp_path / "b.txt").write_bytes(b"A: \xff\xfe\x00\x01")
    with pytest.raises(DualTalkError, match="not UTF-8|not a text file"):
        tr.read_transcript(tmp_path / "b.txt")
    (tmp_path / "big.txt").write_bytes(b"A: la\n" * (tr.MAX_BYTES // 6 + 10))
    with pytest.raises(DualTalkError, match="larger than"):
        tr.read_transcript(tmp_path / "big.txt")


def test_an_unknown_speaker_names_the_line_and_the_speakers_it_knows(tmp_path):
    lines = tr.read_transcript(_write(tmp_path / "t.txt", "A: hi\nCarol: hello\n"))
    with pytest.raises(
        DualTalkError, match=r"t.txt line 2: unknown speaker 'Carol' \(expected A, B, Anna, Ben\)"
    ):
        tr.texts_by_speaker(lines, ("Anna", "Ben"), "t.txt")


def test_the_drawn_mouth_fades_in_around_words_and_bridges_short_pauses():
    fps = 25.0
    w = tr.speech_weight([("one", 1.0, 1.4), ("two", 1.6, 2.0), ("three", 4.0, 4.5)], 175, fps)
    t = (np.arange(175) + 0.5) / fps
    assert w[(t > 1.0) & (t < 2.0)].min() == 1.0  # a 0.2 s pause inside a stretch stays drawn
    assert w[(t > 2.4) & (t < 3.6)].max() == 0.0  # a 2 s pause goes back to the engine
    assert w[t < 0.7].max() == 0.0 and w[t > 4.8].max() == 0.0
    rise = w[(t > 0.7) & (t < 1.0)]
    assert np.all(np.diff(rise) >= 0) and ((rise > 0) & (rise < 1)).any()  # a cross-fade, not a cut


def test_aligned_contacts_are_trimmed_so_they_do_not_shut_the_next_vowel():
    phones = [
        Phone("b", 0.10, 0.20, "arpabet"),
        Phone("aa", 0.20, 0.40, "arpabet"),
        Phone("m", 0.40, 0.44, "arpabet"),
    ]
    got = [(p.symbol, round(p.start, 3), round(p.end, 3)) for p in tr.trim_contacts(phones)]
    # 20 ms off each end, but never more than a quarter of a short phone; vowels untouched
    assert got == [("b", 0.12, 0.18), ("aa", 0.2, 0.4), ("m", 0.41, 0.43)]


# ----------------------------------------------------------------------------- drawing the lips


def _closure(values: np.ndarray, phones: list[Phone], alphabet: str) -> float:
    """Share of bilabials where the mouth closes, by the published evaluator."""
    from dualtalk.training.evaluation.lipsync import AlignedPhone

    aligned = [
        AlignedPhone(p.symbol, p.start, p.end, classify(p.symbol, alphabet) or frozenset()) for p in phones
    ]
    score = score_phones(mouth_features(values, ARKIT55), aligned, 25.0)
    return float(summarize([score])["closure_rate"])


@needs_flite
def test_lips_drawn_from_the_words_close_on_every_bilabial_and_leave_the_rest_alone():
    pytest.importorskip("pocketsphinx")
    text = " ".join(A_LINES)
    utt = speak(text, Voice("flite", "awb"))  # flite knows exactly where it put each phone
    audio = np.concatenate([np.zeros(SR, np.float32), utt.audio, np.zeros(3 * SR, np.float32)])
    truth = [Phone(p.symbol, p.start + 1.0, p.end + 1.0, p.alphabet) for p in utt.phones]
    n = int(len(audio) / SR * 25)
    rng = np.random.default_rng(0)
    engine = np.clip(rng.normal(0.2, 0.05, (n, 55)), 0, 1).astype(np.float32)
    engine[:, list(drawn_channels())] = 0.2  # a mouth that stays half open throughout
    engine[:, ARKIT55.index("mouthClose")] = 0.0
    motion = Motion("arkit55", engine, engine="lite")
    assert _closure(motion.values, truth, "arpabet") == 0.0

    drawn, report = tr.draw_lips(motion, audio, text)
    assert _closure(drawn.values, truth, "arpabet") == 1.0
    assert report["words"] == report["aligned"] == 15 and report["unknown"] == []
    assert drawn.meta["transcript"] == report
    # brows, eyes, cheeks and the head stay the engine's; so does the mouth in the 3 s of silence after
    mouth = list(drawn_channels())
    others = [i for i in range(55) if i not in mouth]
    assert {ARKIT55[i] for i in others} >= {"browInnerUp", "eyeBlinkLeft", "cheekPuff", "head_rx"}
    assert np.array_equal(drawn.values[:, others], engine[:, others])
    tail = int((len(audio) / SR - 2.0) * 25)
    assert np.array_equal(drawn.values[tail:], engine[tail:])


@needs_flite
def test_a_word_nobody_can_pronounce_is_left_out_and_named(monkeypatch):
    pytest.importorskip("pocketsphinx")
    from dualtalk.inference.phonetic import align

    monkeypatch.setattr(align, "_flite_pronunciation", lambda word: None)  # as on a machine without flite
    text = "Maybe Zorblaxia will buy a boat."
    utt = speak(text, Voice("flite", "kal16"))
    motion = Motion("arkit55", np.zeros((int(utt.duration * 25) + 1, 55), np.float32))
    _drawn, report = tr.draw_lips(motion, utt.audio, text)
    assert report["unknown"] == ["zorblaxia"] and report["aligned"] == report["words"] - 1 == 5
    assert "left out, no pronunciation: zorblaxia" in tr.describe({"a": report, "b": {**report, "words": 0}})


def test_words_that_cannot_be_found_in_the_audio_keep_the_engine_lips_and_say_why():
    pytest.importorskip("pocketsphinx")
    rng = np.random.default_rng(1)
    motion = Motion("arkit55", rng.uniform(0, 1, (50, 55)).astype(np.float32))
    hiss = rng.normal(0, 0.05, 2 * SR).astype(np.float32)  # two seconds of hiss, no words in it
    drawn, report = tr.draw_lips(motion, hiss, "maybe my brother will buy a bigger boat in february", "B")
    assert report["aligned"] == 0 and report["words"] == 10 and report["error"]
    assert np.array_equal(drawn.values, motion.values) and drawn.meta["transcript"] == report
    line = tr.describe({"a": {**report, "error": ""}, "b": report})
    assert f"B could not be aligned (engine lips kept: {report['error']})" in line  # the reason, whole


def test_a_line_in_another_script_is_reported_as_not_aligned_not_as_no_lines():
    """A Russian line came out as zero English words: reported as "had no lines", and counted as
    aligned by ``eval lipsync --transcripts``, with nothing drawn."""
    motion = Motion("arkit55", np.full((50, 55), 0.3, np.float32))
    silence = np.zeros(2 * SR, np.float32)
    drawn, report = tr.draw_lips(motion, silence, "В мае мы поедем на море.", "A")
    assert report["words"] == 6 and report["aligned"] == 0 and "English" in report["error"]
    assert np.array_equal(drawn.values, motion.values) and drawn.meta["transcript"] == report
    empty = {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}
    assert "A could not be aligned" in tr.describe({"a": report, "b": empty})
    assert tr.brief({"a": report, "b": empty}) == "lips from the transcript (A not aligned)"
    _same, nothing = tr.draw_lips(motion, silence, " -- ... ", "A")  # no words at all: no lines
    assert nothing["words"] == 0 and "error" not in nothing


def test_flame_motion_and_a_missing_aligner_are_refused_in_one_line(monkeypatch):
    flame = Motion("flame56", np.zeros((10, 56), np.float32), engine="dualtalk")
    with pytest.raises(DualTalkError, match="draws ARKit lips.*use --engine lite"):
        tr.draw_lips(flame, np.zeros(6400, np.float32), "hello")
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pocketsphinx" else real(name, *a)
    )
    with pytest.raises(DualTalkError, match="--transcript needs pocketsphinx"):
        tr.check_available()


# ----------------------------------------------------------------------------- through infer


@pytest.fixture(scope="module")
def two_voices(tmp_path_factory) -> dict[str, Path]:
    """A four-turn English dialogue in two files, and its script."""
    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    root = tmp_path_factory.mktemp("dialogue")
    a, b = np.zeros(SR * 20, np.float32), np.zeros(SR * 20, np.float32)
    t, script = 0.5, ["# a test scene"]
    for line_a, line_b in zip(A_LINES, B_LINES, strict=True):
        for stream, voice, line, tag in ((a, "kal", line_a, "A"), (b, "slt", line_b, "B")):
            utt = speak(line, Voice("flite", voice))
            i = int(t * SR)
            stream[i : i + len(utt.audio)] += utt.audio
            t += utt.duration + 0.4
            script.append(f"{tag}: {line}")
    n = int((t + 0.5) * SR)
    sf.write(root / "a.wav", a[:n], SR)
    sf.write(root / "b.wav", b[:n], SR)
    return {"a": root / "a.wav", "b": root / "b.wav", "script": _write(root / "scene.txt", "\n".join(script))}


def test_infer_with_a_transcript_draws_both_characters_lips_and_says_so(two_voices, tmp_path, capsys):
    pytest.importorskip("pocketsphinx")
    from dualtalk.cli import main

    args = ["infer", "--audio", str(two_voices["a"]), "--audio-b", str(two_voices["b"]), "--engine", "lite"]
    assert main([*args, "--out", str(tmp_path / "plain"), "--blinks", "off"]) == 0
    assert (
        main(
            [
                *args,
                "--out",
                str(tmp_path / "drawn"),
                "--blinks",
                "off",
                "--transcript",
                str(two_voices["script"]),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "lips from the transcript: A 15 of 15 words aligned" in out and "B 15 of 15 words aligned" in out
    for who in ("A", "B"):
        plain, drawn = (
            load_motion(tmp_path / "plain" / f"{who}.npz"),
            load_motion(tmp_path / "drawn" / f"{who}.npz"),
        )
        assert drawn.meta["transcript"]["aligned"] == 15
        mouth = list(drawn_channels())
        assert not np.allclose(plain.values[:, mouth], drawn.values[:, mouth])
        keep = [i for i, name in enumerate(ARKIT55) if name.startswith(("brow", "eye", "head_"))]
        assert np.array_equal(plain.values[:, keep], drawn.values[:, keep])  # behaviour layer untouched
    summary = json.loads(json.dumps(drawn.meta["transcript"]))
    assert summary["unknown"] == []


def test_a_bad_transcript_stops_infer_before_anything_is_written(two_voices, tmp_path, capsys):
    from dualtalk.cli import main

    bad = _write(tmp_path / "bad.txt", "A: hello\nCarol: who am I\n")
    voices = ["--audio", str(two_voices["a"]), "--audio-b", str(two_voices["b"])]
    args = ["infer", *voices, "--out", str(tmp_path / "o")]
    assert main([*args, "--transcript", str(bad)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert err == ["error: bad.txt line 2: unknown speaker 'Carol' (expected A, B)"]
    assert not (tmp_path / "o").exists()
    assert main([*args, "--transcript", str(tmp_path / "missing.txt")]) == 2
    assert "transcript not found" in capsys.readouterr().err
    # the transcript is an input: --out may not overwrite it
    assert (
        main(
            [
                "infer",
                "--audio",
                str(two_voices["a"]),
                "--out",
                str(tmp_path),
                "--transcript",
                str(tmp_path / "A.npz"),
            ]
        )
        == 2
    )


def test_a_part_of_the_recording_gets_the_same_drawn_lips_as_the_whole_take(two_voices, tmp_path):
    """--start/--end (and the panel's Re-generate selection) align the whole script on the whole
    recording and cut the part, so a re-generated range matches the take around it."""
    pytest.importorskip("pocketsphinx")
    from dualtalk.cli import main

    args = ["infer", "--audio", str(two_voices["a"]), "--audio-b", str(two_voices["b"]),
            "--transcript", str(two_voices["script"])]  # fmt: skip
    assert main([*args, "--out", str(tmp_path / "whole")]) == 0
    assert main([*args, "--out", str(tmp_path / "part"), "--start", "1", "--end", "6"]) == 0
    whole, part = load_motion(tmp_path / "whole" / "A.npz"), load_motion(tmp_path / "part" / "A.npz")
    assert part.num_frames == 125 and part.meta["transcript"]["aligned"] == 15
    mouth = list(drawn_channels())
    # 1.2-2.4 s: A is in the middle of its first line, where the mouth is drawn, not the engine's
    # (within 0.01: the renderer's pull to rest before and after the words depends on the clip's ends)
    np.testing.assert_allclose(part.values[5:35, mouth], whole.values[30:60, mouth], atol=0.01)
    assert main([*args[:5], "--out", str(tmp_path / "plain")]) == 0  # the same part without the script
    plain = load_motion(tmp_path / "plain" / "A.npz")
    assert np.abs(whole.values[30:60, mouth] - plain.values[30:60, mouth]).max() > 0.05


def test_a_part_judges_its_lines_on_the_whole_recording(two_voices, tmp_path, monkeypatch):
    """A re-generated range hands the whole recording's voice activity to the transcript, so its
    lines are judged as the whole take judges them (not on the part's frames alone)."""
    pytest.importorskip("pocketsphinx")
    from dualtalk.cli import main
    from dualtalk.inference.phonetic import transcript

    seen = []
    real = transcript.apply_transcript

    def spy(*args, **kwargs):
        seen.append(kwargs.get("whole_active"))
        return real(*args, **kwargs)

    monkeypatch.setattr(transcript, "apply_transcript", spy)
    args = ["infer", "--audio", str(two_voices["a"]), "--audio-b", str(two_voices["b"]),
            "--transcript", str(two_voices["script"])]  # fmt: skip
    assert main([*args, "--out", str(tmp_path / "part"), "--start", "1", "--end", "6"]) == 0
    assert main([*args, "--out", str(tmp_path / "whole")]) == 0
    part, whole = seen
    assert whole is None  # the whole take's own flags are the motion's
    assert part is not None and len(part[0]) == len(part[1]) > 6 * 25  # all of the recording, 25 fps


@needs_flite
def test_the_transcript_bench_speaks_a_scene_and_aligns_all_of_it(capsys):
    """``bench transcript`` (the cost of --transcript) runs end to end on a short scene."""
    pytest.importorskip("pocketsphinx")
    from dualtalk.cli import main

    assert main(["bench", "transcript", "--seconds", "8", "--repeats", "1", "--warmup", "0", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["words"] > 10 and summary["words_aligned"] == summary["words"]
    assert summary["median_s"] > 0 and 0 < summary["voiced_s"] <= 16
    assert main(["bench", "transcript", "--seconds", "1"]) == 2
    assert "--seconds must be between 2 and 3600" in capsys.readouterr().err


def test_a_script_typed_on_a_japanese_or_chinese_keyboard_in_full_width_mode_reads_as_typed(tmp_path):
    """Review 27b, finding 2: an IME in full-width mode types ``：`` and ``Ａ``. ``A：ぱぱと ...`` was
    refused ("start the line with who says it and a colon", though it does) and ``Ａ: ...`` was an
    "unknown speaker 'Ａ' (expected A, B)", which on screen looks the same. A colon in the words stays."""
    path = _write(
        tmp_path / "全角.txt",
        "A：ぱぱと ままは まいあさ ぱんを かいます。\nＢ: はい、まめと ばななも。\nｂ　：　时间：三点\n花子：こんにちは\n",
    )
    lines = tr.read_transcript(path)
    assert [(x.speaker, x.text) for x in lines] == [
        ("A", "ぱぱと ままは まいあさ ぱんを かいます。"),
        ("Ｂ", "はい、まめと ばななも。"),
        ("ｂ", "时间：三点"),
        ("花子", "こんにちは"),
    ]
    a, b = tr.lines_by_speaker(lines, ("花子", "Ｊｏｓé"))
    assert [x.number for x in a] == [1, 4] and [x.number for x in b] == [2, 3]
