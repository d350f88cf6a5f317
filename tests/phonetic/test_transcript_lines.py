"""Each line of a script is judged on its own: one wrong line no longer costs the character every
drawn line, nor mouths the wrong words.

Real scripts are mostly right but not everywhere: the actor ad-libs a line, skips one, or a line is
given to the wrong character. A character's lines used to be judged only as a whole: one bad line
either had the whole character refused (every good line lost its drawn lips) or passed and the mouth
mouthed the wrong words through it. Now each line that does not fit the voice where it falls keeps
the engine's lips and is named in the report (its line in the file, a clip of its text, why), and
the character's other lines are drawn where they are said."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.audio.vad import voice_activity
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.align import Alignment
from dualtalk.inference.phonetic.visemes import drawn_channels

SR = 16000
FPS = 25
SAID = (
    "Maybe we should bring the map with us.",
    "I think the bakery closes at noon today.",
    "Bob said he would buy a bigger boat.",
)
ADLIB = "Honestly the weather looked fine to me this morning."  # said instead of the middle line
NEVER = "We fixed the roof just before the storm arrived."  # in the script, never said
EMPTY = {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}


def _stream(texts: tuple[str, ...]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """One espeak-ng voice saying ``texts`` with a second's pause between (the partner talks then),
    and where each is said (seconds)."""
    voice = Voice("espeak", "en-us", rate=1.0)
    out, where, t = [np.zeros(SR // 2, np.float32)], [], 0.5
    for text in texts:
        audio = speak(text, voice).audio
        where.append((t, t + len(audio) / SR))
        out += [audio, np.zeros(SR, np.float32)]
        t += len(audio) / SR + 1.0
    return np.concatenate(out), where


def _engine(audio: np.ndarray) -> Motion:
    """An engine's motion for the stream: the mouth half open throughout, speaking flags from the voice."""
    speaking = voice_activity(audio)
    return Motion("arkit55", np.full((len(speaking), 55), 0.2, np.float32), speaking=speaking, engine="lite")


def _script(*texts: str) -> list[tr.Line]:
    """The character's lines as read from a file with a comment on top: lines 2, 3, 4..."""
    return [tr.Line(k + 2, "A", text) for k, text in enumerate(texts)]


@pytest.fixture(scope="module")
def takes() -> dict[str, tuple[np.ndarray, list[tuple[float, float]]]]:
    """The two takes: the script as written, and with an ad-lib for its middle line."""
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    pytest.importorskip("pocketsphinx")
    (a, wa), (b, wb) = _stream(SAID), _stream((SAID[0], ADLIB, SAID[2]))
    return {"as written": (a, wa), "ad-lib": (b, wb)}


def _draw(audio: np.ndarray, texts: tuple[str, ...] | list[str]) -> tuple[Motion, Motion, dict]:
    """Character A says ``audio`` and has ``texts`` as lines 2, 3, 4... of the script (B says
    nothing): the engine's motion, the drawn one and A's report, as ``infer --transcript`` makes them."""
    engine = _engine(audio)
    silent = np.zeros_like(audio)
    drawn, _b, report = tr.apply_transcript(
        _script(*texts), ("A", "B"), audio, silent, engine, _engine(silent)
    )
    return engine, drawn, report["a"]


def _alike(drawn: np.ndarray, right: np.ndarray) -> bool:
    """The same mouth, frame by frame (within 0.05), but for a phone edge a frame apart: a line
    aligned on its own and the same line aligned inside the whole script may place an onset on
    neighbouring 40 ms frames (pocketsphinx's 10 ms grid), which is no wrong word."""
    near = [np.abs(drawn - np.roll(right, k, axis=0)).max(axis=1) for k in (-1, 0, 1)]
    return bool((np.min(near, axis=0)[1:-1] < 0.05).all() and np.abs(drawn - right).max(axis=1).mean() < 0.02)


def _mouth(motion: Motion, span: tuple[float, float]) -> np.ndarray:
    a, b = (int(round(x * FPS)) for x in span)
    return motion.values[a:b][:, list(drawn_channels())]


def test_a_script_said_as_written_draws_every_line(takes):
    audio, _where = takes["as written"]
    _engine_motion, _drawn, report = _draw(audio, SAID)
    assert "error" not in report, report.get("error")
    assert report["lines"] == 3 and report["lines_drawn"] == [2, 3, 4] and report["lines_refused"] == []
    line = tr.describe({"a": report, "b": EMPTY})
    assert f"A {report['words']} of {report['words']} words aligned" in line and "lines drawn" not in line


def test_a_script_with_one_adlibbed_line_draws_the_other_lines(takes):
    """The actor said something else for the middle line: it keeps the engine's lips and is named,
    the lines around it are drawn as they are with a script that matches."""
    audio, where = takes["ad-lib"]
    engine, drawn, report = _draw(audio, SAID)
    # the ad-lib keeps the engine's mouth (away from the fades into the lines around it)
    middle = (where[1][0] + 0.3, where[1][1] - 0.3)
    assert np.array_equal(_mouth(drawn, middle), _mouth(engine, middle))
    # the lines around it are drawn as with the script the actor followed
    _engine_motion, right, _report = _draw(audio, (SAID[0], ADLIB, SAID[2]))
    for span in (where[0], where[2]):
        assert not np.array_equal(_mouth(drawn, span), _mouth(engine, span)), report.get("error")
        assert _alike(_mouth(drawn, span), _mouth(right, span))
    assert "error" not in report and report["lines_drawn"] == [2, 4]
    (refused,) = report["lines_refused"]
    assert refused["line"] == 3 and refused["text"].startswith("I think the bakery") and refused["why"]


def test_a_line_the_actor_never_said_is_refused_and_the_rest_keep_their_places(takes):
    """The script holds a line nobody says: it is named, and the lines after it are not pushed."""
    audio, where = takes["as written"]
    _engine_motion, drawn, report = _draw(audio, (SAID[0], NEVER, SAID[1], SAID[2]))
    _engine_motion, right, _report = _draw(audio, SAID)
    for span in where:
        assert _alike(_mouth(drawn, span), _mouth(right, span)), report.get("error")
    assert report["lines_drawn"] == [2, 4, 5] and [r["line"] for r in report["lines_refused"]] == [3]


def test_a_line_the_script_lacks_keeps_the_engine_lips_and_the_rest_are_drawn(takes):
    """The actor ad-libbed a whole line the script does not hold, between two scripted ones. The
    script's words then covered too little of the voice and the character lost every drawn line;
    now the lines the script holds are drawn as with a full script, the ad-lib keeps the engine's
    mouth, and the report says when it was said."""
    audio, where = takes["ad-lib"]
    engine, drawn, report = _draw(audio, (SAID[0], SAID[2]))
    assert "error" not in report, report.get("error")
    assert report["lines_drawn"] == [2, 3] and report["lines_refused"] == []
    _engine_motion, right, _report = _draw(audio, (SAID[0], ADLIB, SAID[2]))
    for span in (where[0], where[2]):
        assert _alike(_mouth(drawn, span), _mouth(right, span))
    middle = (where[1][0] + 0.3, where[1][1] - 0.3)
    assert np.array_equal(_mouth(drawn, middle), _mouth(engine, middle))
    ((start, end),) = report["unscripted"]
    assert abs(start - where[1][0]) < 0.2 and abs(end - where[1][1]) < 0.2
    line = tr.describe({"a": report, "b": EMPTY})
    assert f"speech the script lacks, engine lips there: {start:.1f}-{end:.1f} s" in line


def test_a_script_lacking_most_of_what_is_said_is_still_refused(takes):
    """Forgiving a line the script lacks does not turn a script of a third of the lines into a
    drawn character: more speech outside the script than in it keeps the engine's lips throughout."""
    audio, _where = takes["ad-lib"]
    engine, drawn, report = _draw(audio, (SAID[2],))
    assert "cover" in report["error"] and report["aligned"] == 0
    assert np.array_equal(drawn.values, engine.values)


def test_the_report_names_each_refused_line_for_the_animator(takes):
    audio, _where = takes["ad-lib"]
    lines = [
        tr.Line(1, "A", SAID[0]),
        tr.Line(3, "B", "Okay."),
        tr.Line(5, "A", SAID[1]),
        tr.Line(7, "A", SAID[2]),
    ]
    silent = np.zeros_like(audio)
    engine = _engine(audio)
    _a, _b, report = tr.apply_transcript(lines, ("A", "B"), audio, silent, engine, _engine(silent))
    rep = report["a"]
    assert rep["lines_drawn"] == [1, 7] and [r["line"] for r in rep["lines_refused"]] == [5]
    line = tr.describe(report)
    assert "A 2 of 3 lines drawn (line 5 'I think the bakery closes at noon today.': " in line
    assert "engine lips there" in line
    assert tr.brief(report).startswith("lips from the transcript (A 2/3 lines")


def test_a_script_of_another_text_still_keeps_the_engine_lips_for_the_whole_character(takes):
    """Per-line judging does not turn a wrong script into a few drawn lines: when most of the words
    do not fit, the whole character keeps the engine's lips, as before."""
    audio, _where = takes["as written"]
    wrong = (ADLIB, NEVER, "The children built a huge castle out of sand.")
    engine, drawn, report = _draw(audio, wrong)
    assert report["error"] and report["aligned"] == 0 and report.get("lines_drawn", []) == []
    assert np.array_equal(drawn.values, engine.values)
    assert tr.brief({"a": report, "b": EMPTY}) == "lips from the transcript (A not aligned)"


def test_each_line_is_judged_on_its_own_fit(monkeypatch):
    """Without audio: three lines placed one after another, the middle one scoring like another
    sentence. It alone is refused, and the speech it was placed over does not count against the
    coverage of the others."""
    from dualtalk.inference.phonetic import align

    words = [(w, 0.5 + 0.3 * i, 0.8 + 0.3 * i) for i, w in enumerate("one two three four five six".split())]
    words += [(w, 3.0 + 0.3 * i, 3.3 + 0.3 * i) for i, w in enumerate("seven eight nine".split())]
    words += [(w, 5.0 + 0.3 * i, 5.3 + 0.3 * i) for i, w in enumerate("ten eleven twelve".split())]
    scores = [(b, e, -60.0 if 3.0 <= b < 4.0 else -15.0) for _w, b, e in words]
    found = Alignment([], words, scores=scores)
    monkeypatch.setattr(align, "align_words", lambda *a, **k: found)
    t = (np.arange(200) + 0.5) / FPS
    speaking = ((t >= 0.5) & (t < 2.3)) | ((t >= 3.0) & (t < 3.9)) | ((t >= 5.0) & (t < 5.9))
    texts = ["one two three four five six", "seven eight nine", "ten eleven twelve"]
    motion = Motion("arkit55", np.full((200, 55), 0.3, np.float32), speaking=speaking)
    silent = Motion("arkit55", np.full((200, 55), 0.3, np.float32))
    audio = np.zeros(8 * SR, np.float32)
    drawn, _b, report = tr.apply_transcript(_script(*texts), ("A", "B"), audio, audio, motion, silent)
    assert np.array_equal(_mouth(drawn, (3.2, 3.7)), _mouth(motion, (3.2, 3.7)))  # the refused line
    assert not np.array_equal(_mouth(drawn, (1.0, 2.0)), _mouth(motion, (1.0, 2.0)))
    rep = report["a"]
    assert rep["lines_drawn"] == [2, 4] and rep["aligned"] == 9 and "error" not in rep
    assert [r["line"] for r in rep["lines_refused"]] == [3] and "does not fit the voice" in rep[
        "lines_refused"
    ][0]["why"]
    placement = tr.place_lines(audio, texts, speaking, FPS)
    assert placement.drawn == [0, 2] and list(placement.refused) == [1]


def _stray_take(monkeypatch, again_score: float):
    """Without audio: line 2 ("seven eight nine ten", said at 3.6-4.8 s) after a laugh (2.4-2.9 s).
    Aligned with line 1, its first word lands in the laugh (fitting it badly) and the rest where they
    are said; aligned again alone, the words fit ``again_score``. The audio holds its own time in
    seconds, so the fake aligner knows where a piece of it starts."""
    from dualtalk.inference.phonetic import align

    whole = [(w, 0.5 + 0.3 * i, 0.8 + 0.3 * i) for i, w in enumerate("one two three four".split())]
    whole += [("seven", 2.5, 2.8)] + [
        (w, 3.9 + 0.3 * i, 4.2 + 0.3 * i) for i, w in enumerate("eight nine ten".split())
    ]
    scores = [(b, e, -50.0 if 2.0 < b < 3.0 else -15.0) for _w, b, e in whole]
    # "one" and "seven" placed with evenly timed phones (their spans said), as "nine" aligned alone
    together = Alignment([], whole, [], ["one", "seven"], scores, [(0.5, 0.8), (2.5, 2.8)])
    alone = [(w, 3.6 + 0.3 * i, 3.9 + 0.3 * i) for i, w in enumerate("seven eight nine ten".split())]
    calls = []

    def fake(audio, text, **kwargs):
        start = float(audio[0])
        calls.append((round(start, 2), text))
        if text == "seven eight nine ten":  # alone, in a piece of the audio: its times from the piece
            return Alignment([], [(w, b - start, e - start) for w, b, e in alone], [], ["nine"],
                             [(b - start, e - start, again_score) for _w, b, e in alone],
                             [(4.2 - start, 4.5 - start)])  # fmt: skip
        return together

    monkeypatch.setattr(align, "align_words", fake)
    t = (np.arange(200) + 0.5) / FPS
    speaking = ((t >= 0.5) & (t < 1.7)) | ((t >= 2.4) & (t < 2.9)) | ((t >= 3.6) & (t < 4.8))
    audio = (np.arange(8 * SR) / SR).astype(np.float32)
    return audio, speaking, calls


def test_a_word_the_aligner_put_in_the_laugh_before_its_line_is_put_back(monkeypatch):
    """The first word of a line placed a second early, in the laugh before it (the mouth said
    "seven" while the character laughed, and the line's start was drawn a word late): the line is
    aligned again alone in the stretch of speech that holds the rest of it, and drawn there."""
    audio, speaking, calls = _stray_take(monkeypatch, again_score=-14.0)
    placement = tr.place_lines(audio, ["one two three four", "seven eight nine ten"], speaking, FPS)
    assert placement.drawn == [0, 1] and placement.judged[1]["realigned"] == "start"
    assert placement.span(1) == pytest.approx((3.6, 4.8), abs=1e-3)
    assert calls[-1] == (3.5, "seven eight nine ten")  # from 0.1 s before its stretch of speech
    # the untimed words follow: line 1's stays, the stray "seven"'s goes, "nine" aligned alone comes
    assert placement.found.guessed == ["one", "nine"]
    assert placement.found.guessed_spans == pytest.approx([(0.5, 0.8), (4.2, 4.5)], abs=1e-3)
    motion = Motion("arkit55", np.full((200, 55), 0.3, np.float32), speaking=speaking)
    drawn, _b, report = tr.apply_transcript(
        _script("one two three four", "seven eight nine ten"), ("A", "B"), audio, audio, motion,
        Motion("arkit55", np.full((200, 55), 0.3, np.float32)),
    )  # fmt: skip
    assert report["a"]["lines_drawn"] == [2, 3] and "error" not in report["a"]
    assert np.array_equal(_mouth(drawn, (2.45, 2.85)), _mouth(motion, (2.45, 2.85)))  # the laugh
    assert not np.array_equal(_mouth(drawn, (3.6, 3.9)), _mouth(motion, (3.6, 3.9)))  # "seven"


def test_a_line_that_fits_worse_aligned_alone_keeps_its_place(monkeypatch):
    """A first word said apart from the rest ("Well... I think so") fits worse when squeezed into
    the rest's stretch of speech: the placement of the whole alignment stays."""
    audio, speaking, _calls = _stray_take(monkeypatch, again_score=-30.0)
    placement = tr.place_lines(audio, ["one two three four", "seven eight nine ten"], speaking, FPS)
    assert "realigned" not in placement.judged[1]
    assert placement.span(1) == pytest.approx((2.5, 4.8), abs=1e-3)


def test_a_stray_lines_stretch_of_speech_is_found_only_inside_the_part_animated():
    """Re-aligning a line alone needs where its stretch of speech starts (or ends). In a part of the
    recording (``--start``, Re-generate Preview Range) a stretch running on past the part's edge has
    its start outside the motion: none is given, and the line keeps its first placement rather than
    being squeezed into the part."""
    offset = 10.0  # the motion's first frame is second 10 of the recording
    speaking = np.zeros(100, bool)
    speaking[:12] = True  # speech already under way when the part starts
    speaking[40:60] = True
    speaking[64:70] = True  # after a pause shorter than JOIN_GAP_S: the same stretch
    assert tr._speech_around(speaking, FPS, offset, offset + 50 / FPS, -1) == pytest.approx(offset + 40 / FPS)
    assert tr._speech_around(speaking, FPS, offset, offset + 50 / FPS, +1) == pytest.approx(offset + 70 / FPS)
    assert tr._speech_around(speaking, FPS, offset, offset + 5 / FPS, -1) is None  # runs on before the part
    assert tr._speech_around(speaking, FPS, offset, offset - 1.0, +1) is None  # outside the part
    speaking[95:] = True
    assert tr._speech_around(speaking, FPS, offset, offset + 97 / FPS, +1) is None  # runs on after it


def test_a_line_split_around_an_adlib_is_aligned_again_in_its_own_stretch_of_speech(monkeypatch):
    """Without audio: the actor ad-libs (2.4-4.0 s) between two scripted lines. Aligned together,
    line 2's first words land on the ad-lib and the rest a second after its real start, so the line
    was refused as split around speech it does not hold, and the ad-lib counted against the script.
    Now the line is aligned alone in each stretch of speech inside its span; where it fits (4.5-6.1 s)
    it is drawn, and the ad-lib keeps the engine's lips and is named."""
    from dualtalk.inference.phonetic import align

    whole = [(w, 0.5 + 0.3 * i, 0.8 + 0.3 * i) for i, w in enumerate("one two three four".split())]
    whole += [("seven", 2.5, 2.9), ("eight", 2.9, 3.3), ("nine", 5.5, 5.8), ("ten", 5.8, 6.1)]
    together = Alignment([], whole, scores=[(b, e, -45.0 if 2.0 < b < 4.0 else -15.0) for _w, b, e in whole])
    said = [(w, 4.5 + 0.4 * i, 4.9 + 0.4 * i) for i, w in enumerate("seven eight nine ten".split())]
    misheard = [(w, 2.45 + 0.2 * i, 2.65 + 0.2 * i) for i, w in enumerate("seven eight nine ten".split())]

    def fake(audio, text, **kwargs):
        start = float(audio[0])  # the audio holds its own time in seconds
        if text != "seven eight nine ten":
            return together
        words, score = (misheard, -50.0) if start < 4.2 else (said, -14.0)
        return Alignment([], [(w, b - start, e - start) for w, b, e in words],
                         scores=[(b - start, e - start, score) for _w, b, e in words])  # fmt: skip

    monkeypatch.setattr(align, "align_words", fake)
    t = (np.arange(200) + 0.5) / FPS
    speaking = ((t >= 0.5) & (t < 1.7)) | ((t >= 2.4) & (t < 4.0)) | ((t >= 4.5) & (t < 6.1))
    audio = (np.arange(8 * SR) / SR).astype(np.float32)
    texts = ["one two three four", "seven eight nine ten"]
    placement = tr.place_lines(audio, texts, speaking, FPS)
    assert placement.drawn == [0, 1] and placement.judged[1]["realigned"] == "stretch"
    assert placement.span(1) == pytest.approx((4.5, 6.1), abs=1e-3)
    motion = Motion("arkit55", np.full((200, 55), 0.3, np.float32), speaking=speaking)
    silent = Motion("arkit55", np.full((200, 55), 0.3, np.float32))
    drawn, _b, report = tr.apply_transcript(_script(*texts), ("A", "B"), audio, audio, motion, silent)
    rep = report["a"]
    assert "error" not in rep and rep["lines_drawn"] == [2, 3], rep
    assert rep["unscripted"] == [[2.4, 4.0]]
    assert np.array_equal(_mouth(drawn, (2.6, 3.8)), _mouth(motion, (2.6, 3.8)))  # the ad-lib
