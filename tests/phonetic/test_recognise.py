"""No script at hand: the words are recognised from each voice (English) and the lips drawn from
them as from a typed transcript (``infer --recognise``)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from cli_in_process import run_dualtalk
from dualtalk.inference import pipeline
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import CancelledError, DualTalkError
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.core.progress import Recorder
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic import recognise
from dualtalk.inference.phonetic.transcript import read_transcript
from dualtalk.training.evaluation.lipsync import (
    AlignedPhone,
    classify,
    mouth_features,
    score_phones,
    summarize,
)

SR = 16000
A_SAYS = ("My mother bought a warm coat for the long voyage home.", "Maybe we should bring the map.")
B_SAYS = ("Please pass me the blue cup by the window.",)


def test_speech_is_cut_into_stretches_at_pauses_not_at_breaths():
    fps = 25
    flags = np.zeros(10 * fps, bool)
    flags[25:75] = True  # 1-3 s
    flags[85:120] = True  # after a 0.4 s breath: the same stretch
    flags[150:200] = True  # after a 1.2 s pause: another
    flags[230:233] = True  # a 0.12 s click: not speech to recognise
    assert recognise.stretches(flags, fps) == [(1.0, 4.8), (6.0, 8.0)]
    assert recognise.stretches(np.zeros(50, bool), fps) == []


def test_a_long_stretch_is_cut_at_its_quietest_moment():
    audio = np.random.default_rng(0).normal(0, 0.1, 50 * SR).astype(np.float32)
    audio[int(12.0 * SR) : int(12.4 * SR)] = 0.0  # a quiet moment inside a 50 s monologue
    pieces = recognise._cut_long(audio, 0.0, 50.0)
    assert pieces[0][0] == 0.0 and pieces[-1][1] == 50.0 and len(pieces) >= 3
    assert 12.0 <= pieces[0][1] <= 12.4  # the first cut falls in the quiet, not mid-word
    assert all(b - a <= recognise.MAX_S for a, b in pieces)
    assert all(pieces[k][1] == pieces[k + 1][0] for k in range(len(pieces) - 1))


def test_the_recognised_script_reads_back_as_a_transcript(tmp_path):
    lines = [recognise.Line(1, "A", "maybe we should go"), recognise.Line(2, "B", "sure")]
    path = tmp_path / "heard.txt"
    path.write_text(recognise.as_script(lines), encoding="utf-8")
    assert [(line.speaker, line.text) for line in read_transcript(path)] == [
        ("A", "maybe we should go"),
        ("B", "sure"),
    ]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A two-voice English scene (flite voices: exact phone times), each character on their own file:
    A says two lines with B's line between them."""
    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    pytest.importorskip("pocketsphinx")
    folder = tmp_path_factory.mktemp("recognise")
    a, b, truth, t = [], [], [], 0.5
    pad = np.zeros(int(0.5 * SR), np.float32)
    a.append(pad), b.append(pad)
    for who, text in (("A", A_SAYS[0]), ("B", B_SAYS[0]), ("A", A_SAYS[1])):
        utt = speak(text, Voice("flite", "rms" if who == "A" else "slt"))
        gap = np.zeros(int(1.0 * SR), np.float32)
        mine, other = (a, b) if who == "A" else (b, a)
        mine += [utt.audio, gap]
        other += [np.zeros_like(utt.audio), gap]
        if who == "A":
            truth += [(p.symbol, p.start + t, p.end + t) for p in utt.phones]
        t += len(utt.audio) / SR + 1.0
    sf.write(folder / "a.wav", np.concatenate(a), SR)
    sf.write(folder / "b.wav", np.concatenate(b), SR)
    return folder, truth


def _closure_and_shut(values: np.ndarray, truth) -> tuple[float, float]:
    aligned = [AlignedPhone(s, a, b, classify(s, "arpabet") or frozenset()) for s, a, b in truth]
    scores = summarize([score_phones(mouth_features(values, ARKIT55), aligned, 25.0)])
    return float(scores["closure_rate"]), float(scores["open_closed_rate"])


def test_without_a_script_the_lips_are_drawn_from_the_words_each_voice_says(scene, tmp_path):
    folder, truth = scene
    request = Request(audio=str(folder / "a.wav"), audio_b=str(folder / "b.wav"), recognise=True)
    progress = Recorder()
    take = pipeline.run(request, tmp_path / "take", progress=progress)
    report = take.transcript
    assert report is not None and report["a"]["aligned"] > 10 and report["b"]["aligned"] > 5
    script = report["script"]  # what was heard, in the transcript's own form, A's and B's in turn
    heard = [line.split(":")[0] for line in script.splitlines()]
    assert heard == ["A", "B", "A"], script
    assert "mother" in script and "window" in script
    # the take's files say the lips came from recognised words, and which
    assert load_motion(take.path_a).meta["transcript"]["script"] == script
    assert load_motion(take.path_b).meta["transcript"]["script"] == script
    # the bar moves with each stretch heard (review 28a, finding 4: it sat still through recognition)
    said = [(round(f, 3), m) for stage, f, m in progress.events if m.startswith("recognising")]
    assert said == [(0.0, "recognising A's words (1 of 2)"), (round(0.5 / 3, 3), "recognising A's words (2 of 2)"),
                    (round(1 / 3, 3), "recognising B's words (1 of 1)")]  # fmt: skip
    plain = pipeline.run(request.replace(recognise=False), tmp_path / "plain")
    assert plain.transcript is None
    closed, shut = _closure_and_shut(take.motion_a.values, truth)
    assert closed >= 0.9 and shut <= 0.2  # lips meet on b/m/p and stay open on the open vowels
    assert not np.array_equal(take.motion_a.values, plain.motion_a.values)


def test_recognition_stops_between_stretches_when_a_script_cancels(scene, tmp_path):
    """A tool that drives the Python API cancels while the words are being recognised: the run
    stops before the next stretch, not after the whole recording (review 28a, finding 4)."""
    folder, _truth = scene

    class CancelWhileListening(Recorder):
        def update(self, stage: str, fraction: float, message: str = "") -> None:
            self.events.append((stage, fraction, message))  # checks only where asked (check_cancel)
            if message.startswith("recognising"):
                self.cancel()

    progress = CancelWhileListening()
    request = Request(audio=str(folder / "a.wav"), audio_b=str(folder / "b.wav"), recognise=True)
    with pytest.raises(CancelledError):
        pipeline.run(request, tmp_path / "take", progress=progress)
    assert [m for _stage, _f, m in progress.events if m.startswith("recognising")] == [
        "recognising A's words (1 of 2)"
    ]
    assert not (tmp_path / "take" / "A.npz").exists()


def test_one_recogniser_hears_every_stretch_as_a_fresh_one_would(scene, monkeypatch):
    """Loading pocketsphinx's model takes about 0.3 s, longer than hearing a short turn: it is
    loaded once for a take, and each stretch is heard as a freshly loaded one hears it (review
    28a, finding 3: one model per stretch)."""
    import pocketsphinx
    from dualtalk.inference.phonetic.align import transcribe

    folder, _truth = scene
    a, b = (sf.read(folder / name, dtype="float32")[0] for name in ("a.wav", "b.wav"))
    active_a, active_b = (np.abs(x[: len(x) // 640 * 640]).reshape(-1, 640).max(1) > 0.01 for x in (a, b))

    def fresh(x: np.ndarray, active: np.ndarray) -> list[str]:  # a model loaded for each stretch
        pad = recognise.PAD_S
        return [
            transcribe(x[max(0, int((s - pad) * SR)) : int((e + pad) * SR)])
            for s, e in recognise.stretches(active)
        ]

    (a1, a2), (b1,) = fresh(a, active_a), fresh(b, active_b)
    loaded: list[int] = []
    real = pocketsphinx.Decoder

    def counted(*args, **kwargs):
        loaded.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pocketsphinx, "Decoder", counted)
    lines = recognise.recognised_lines(a, b, active_a, active_b)
    assert len(loaded) == 1
    assert [(line.speaker, line.text) for line in lines] == [("A", a1), ("B", b1), ("A", a2)]


def test_the_command_prints_what_it_heard_for_the_user_to_correct(scene, tmp_path):
    folder, _truth = scene
    out = subprocess.run(
        [sys.executable, "-m", "dualtalk", "infer", "--audio", str(folder / "a.wav"),
         "--audio-b", str(folder / "b.wav"), "--recognise", "--out", str(tmp_path / "take")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "lips from the recognised words: A " in out.stdout
    said = out.stdout.split("recognised script (correct it and give it as --transcript):\n", 1)[1]
    assert [line[:2] for line in said.splitlines()] == ["A:", "B:", "A:"]


def test_a_part_says_its_recognised_script_is_the_whole_recordings(scene, tmp_path):
    """--start/--end (a re-generated range) aligns the whole recording's words and prints them all,
    for the user to correct as the take's script: the heading says so (review 28a, finding 11)."""
    folder, _truth = scene
    # the same command in this process (cli_in_process); the test above runs it as a real command line
    out = run_dualtalk("infer", "--audio", folder / "a.wav", "--audio-b", folder / "b.wav", "--recognise",
                       "--start", "1", "--end", "3", "--out", tmp_path / "part")  # fmt: skip
    assert out.returncode == 0, out.stderr
    heading = "recognised script of the whole recording (correct it and give it as --transcript):\n"
    said = out.stdout.split(heading, 1)[1]
    assert [line[:2] for line in said.splitlines()] == ["A:", "B:", "A:"]


@pytest.fixture(scope="module")
def english_and_spanish(tmp_path_factory):
    """A says two English lines (flite) with a Spanish one between them; B answers each in Spanish
    (espeak-ng). Each on their own file; returns the folder and where A's Spanish line is (s)."""
    if not {"flite", "espeak"} <= set(available_engines()):
        pytest.skip("flite and espeak-ng needed")
    pytest.importorskip("pocketsphinx")
    folder = tmp_path_factory.mktemp("spanish")
    english, spanish = Voice("flite", "rms"), Voice("espeak", "es+f2")
    said = [("A", A_SAYS[0], english), ("B", "Mañana vamos a comprar pan y mantequilla en el mercado.", spanish),
            ("A", "Pablo prometió volver temprano para ayudarme.", Voice("espeak", "es+m3")),
            ("B", "Prefiero tomar el autobús que caminar bajo la lluvia.", spanish), ("A", A_SAYS[1], english)]  # fmt: skip
    gap = np.zeros(int(0.9 * SR), np.float32)
    a, b, t, where = [gap], [gap], 0.9, (0.0, 0.0)
    for k, (who, text, voice) in enumerate(said):
        audio = speak(text, voice).audio
        mine, other = (a, b) if who == "A" else (b, a)
        mine += [audio, gap]
        other += [np.zeros_like(audio), gap]
        where = (t, t + len(audio) / SR) if k == 2 else where
        t += len(audio) / SR + 0.9
    sf.write(folder / "a.wav", np.concatenate(a), SR)
    sf.write(folder / "b.wav", np.concatenate(b), SR)
    return folder, where


def test_speech_in_another_language_keeps_the_engines_lips_and_the_take_says_so(
    english_and_spanish, tmp_path, caplog
):
    """The recogniser finds English words in any speech; Spanish heard as English nonsense drew the
    lips worse than the engine alone, with no warning (review 28a, finding 1). A stretch whose words
    fit it this badly keeps the engine's lips: A's Spanish line, and all of B, who speaks only
    Spanish; A's English lines are drawn from their words."""
    folder, (start, end) = english_and_spanish
    request = Request(audio=str(folder / "a.wav"), audio_b=str(folder / "b.wav"), recognise=True)
    take = pipeline.run(request, tmp_path / "take")
    plain = pipeline.run(request.replace(recognise=False), tmp_path / "plain")
    report = take.transcript
    assert report is not None
    assert report["a"]["not_english"] == [1, 3] and report["b"]["not_english"] == [2, 2]
    warned = caplog.text
    assert "A: 1 of 3 stretches did not sound like English words; the engine's lips are kept there" in warned
    assert "(their lines are commented out in the recognised script)" in warned
    assert (
        "B: 2 of 2 stretches did not sound like English words; the engine's lips are kept on all of B's"
        in warned
    )
    # and what to do instead: the script with its language (review 32n F5)
    assert "--transcript and its language with --transcript-language" in warned
    # every stretch A said is in the script to correct, the Spanish one commented out as the take
    # left it (given back as --transcript, it stays the engine's); nothing of B's is drawn
    assert [line[:4] for line in report["script"].splitlines()] == ["A: m", "# A:", "A: m"]
    np.testing.assert_array_equal(take.motion_b.values, plain.motion_b.values)
    fps = take.motion_a.fps
    spanish = slice(int(start * fps), int(end * fps))
    np.testing.assert_array_equal(take.motion_a.values[spanish], plain.motion_a.values[spanish])
    assert not np.array_equal(take.motion_a.values[: spanish.start], plain.motion_a.values[: spanish.start])
    assert not np.array_equal(take.motion_a.values[spanish.stop :], plain.motion_a.values[spanish.stop :])


def test_recognising_and_a_script_together_or_another_language_are_refused_in_one_line(scene, tmp_path):
    folder, _truth = scene
    script = tmp_path / "script.txt"
    script.write_text("A: hello\n", encoding="utf-8")
    both = Request(audio=str(folder / "a.wav"), recognise=True, transcript=str(script))
    with pytest.raises(DualTalkError, match="use one of them"):
        both.validate()
    spanish = Request(audio=str(folder / "a.wav"), audio_b=str(folder / "b.wav"), recognise=True,
                      transcript_language="es")  # fmt: skip
    with pytest.raises(DualTalkError, match="English only"):
        pipeline.run(spanish, tmp_path / "take")
    assert not (tmp_path / "take" / "A.npz").exists()


def test_a_room_with_no_voice_recognises_nothing_and_keeps_the_engine_lips(tmp_path, caplog):
    pytest.importorskip("pocketsphinx")
    quiet, hush = tmp_path / "quiet.wav", tmp_path / "hush.wav"
    rng = np.random.default_rng(1)  # a quiet room: a faint hiss, no voice
    sf.write(quiet, rng.normal(0, 0.001, 3 * SR).astype(np.float32), SR)
    sf.write(hush, rng.normal(0, 0.001, 3 * SR).astype(np.float32), SR)
    take = pipeline.run(Request(audio=str(quiet), audio_b=str(hush), recognise=True), tmp_path / "take")
    assert take.transcript is None
    assert "heard no English words" in caplog.text


def test_a_misheard_bilabial_keeps_the_engines_closure_and_a_heard_vowel_opens():
    """Recognition hears "to be" as "to the": the aligned phone is a consonant (dh) where the voice
    closed its lips, and the engine closed them; the closure is kept. Where the words place a vowel
    the engine shut, the words open it."""
    from dualtalk.inference.audio.tts import Phone
    from dualtalk.inference.phonetic.transcript import engine_closures

    values = np.zeros((10, 55), np.float32)
    jaw, close = ARKIT55.index("jawOpen"), ARKIT55.index("mouthClose")
    values[0:4, jaw] = 0.5  # an open vowel, open
    values[4:6, close] = 0.1  # the engine shuts the lips on the misheard "b"
    values[6:8, close] = 0.1  # and, wrongly, on the vowel after it
    values[8:10, jaw] = 0.5
    phones = [Phone("aa", 0.0, 0.16, "arpabet"), Phone("dh", 0.16, 0.24, "arpabet"),
              Phone("ah", 0.24, 0.32, "arpabet"), Phone("aa", 0.32, 0.40, "arpabet")]  # fmt: skip
    kept = engine_closures(values, phones, before=0, n=10, fps=25.0)
    assert kept.tolist() == [False] * 4 + [True, True] + [False] * 4
    assert not engine_closures(values, phones[1:2], before=0, n=10, fps=25.0).any()  # no vowel: no line


def test_words_not_english_keep_the_engines_lips_in_the_blend_that_draws_the_others(english_and_spanish):
    """The drawn mouth fades out over a stretch that did not sound English in the one blend that draws
    it; before (review 29x), the engine's lips were blended back over the drawn ones in a second pass.
    The motion is the second pass's to float32 rounding, and the engine's own over the stretch."""
    from dualtalk.inference.core.motion import Motion
    from dualtalk.inference.phonetic.transcript import apply_transcript

    folder, (start, end) = english_and_spanish
    dialogue = pipeline.load_dialogue(Request(audio=str(folder / "a.wav"), audio_b=str(folder / "b.wav")))
    hearing: dict = {}
    lines = recognise.recognised_lines(dialogue.a, dialogue.b, dialogue.active_a, dialogue.active_b,
                                       hearing=hearing)  # fmt: skip
    rng = np.random.default_rng(0)
    engine = [Motion("arkit55", rng.uniform(0, 0.3, (dialogue.num_frames, 55)).astype(np.float32),
                     speaking=active) for active in (dialogue.active_a, dialogue.active_b)]  # fmt: skip
    spans = (hearing["A"].foreign, hearing["B"].foreign)
    assert spans[0] and spans[1]
    names, streams = dialogue.names, (dialogue.a, dialogue.b)
    drawn = apply_transcript(lines, names, *streams, *engine, keep_closures=True)
    one = apply_transcript(lines, names, *streams, *engine, keep_closures=True, engine_spans=spans)
    assert one[2] == drawn[2]  # the same report
    fps = engine[0].fps
    for before, two_pass, one_pass, foreign in zip(engine, drawn[:2], one[:2], spans, strict=True):
        keep = recognise.engine_weight(foreign, before.num_frames, fps)[:, None]
        second = ((1.0 - keep) * two_pass.values + keep * before.values).astype(np.float32)
        np.testing.assert_allclose(one_pass.values, second, rtol=0, atol=1e-6)
    inside = slice(int(start * fps), int(end * fps))  # A's Spanish line
    np.testing.assert_array_equal(one[0].values[inside], engine[0].values[inside])


def test_the_recognised_script_corrected_and_given_back_draws_the_same_lips(english_and_spanish, tmp_path):
    """I corrected two words of recognised.txt (as the Text Editor or infer gave it, a Spanish line
    commented out) and passed it as --transcript: it reads (the comment is skipped), A's English
    lines are drawn where the recognised take drew them, the Spanish line keeps the engine's lips as
    it did, and the lips are the recognised take's but where only recognition keeps the engine's
    closures (a typed script's words are trusted); B, whose words were all Spanish, is the engine's."""
    from dualtalk.inference.core.channels import ARKIT55
    from dualtalk.inference.phonetic.release import APERTURE_WEIGHTS

    folder, (start, end) = english_and_spanish
    request = Request(audio=str(folder / "a.wav"), audio_b=str(folder / "b.wav"), recognise=True)
    engines = pipeline.Engines()
    heard = pipeline.run(request, tmp_path / "heard", engines=engines)
    plain = pipeline.run(request.replace(recognise=False), tmp_path / "plain", engines=engines)
    script = heard.transcript["script"]
    assert script.splitlines()[1].startswith("# A: ")
    corrected = script.replace("my mother", "My mother", 1).replace("the map", "the map.", 1)
    assert corrected != script
    given = tmp_path / "recognised.txt"
    given.write_text(corrected, encoding="utf-8")
    back = pipeline.run(request.replace(recognise=False, transcript=str(given)), tmp_path / "back",
                        engines=engines)  # fmt: skip
    assert back.transcript["a"]["lines_drawn"] == [1, 3] and not back.transcript["a"]["lines_refused"]
    np.testing.assert_array_equal(back.motion_b.values, plain.motion_b.values)
    fps = back.motion_a.fps
    spanish = slice(int(start * fps), int(end * fps))
    np.testing.assert_array_equal(back.motion_a.values[spanish], plain.motion_a.values[spanish])
    gap = [ARKIT55.index(name) for name in APERTURE_WEIGHTS]
    rest = [k for k in range(len(ARKIT55)) if k not in gap]
    np.testing.assert_array_equal(back.motion_a.values[:, rest], heard.motion_a.values[:, rest])
    differ = np.flatnonzero((back.motion_a.values[:, gap] != heard.motion_a.values[:, gap]).any(1))
    kept = (heard.motion_a.values[differ][:, gap] == plain.motion_a.values[differ][:, gap]).all(1)
    assert len(differ) and kept.all()  # only the closures recognition kept from the engine
