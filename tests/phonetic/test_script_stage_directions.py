"""A script with stage directions in it: (laughs), [laughter], [MUSIC], <i>…</i>, ♪.

Screenplays and subtitle text pasted into a transcript say what a character does between what they
say. The English speller read "(laughs) well [laughter]" as "laughs well laughter", and espeak-ng
read "(risas)" in a Spanish line: the lips mouthed words nobody says and the aligner spent the voice
on them. Without SudachiPy a kana line holding （笑） was refused as "written in kanji". Directions are
now dropped before a line is read, as the Japanese reader drops （笑）; a line that is only a direction
is neither drawn nor refused."""

from __future__ import annotations

import kanji_reader
import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import align, script_warp, transcript

SR = 16000


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("(laughs) Well, [laughter] I never said that.", "well i never said that"),
        ("[MUSIC] (sighs) Fine. (beat) Fine!", "fine fine"),
        ("<i>Who's there?</i> {\\an8}It's me.", "who's there it's me"),  # SRT italics, ASS position tag
        ('<font color="#ffff00">Run!</font> <v Bob>Now</v>', "run now"),  # WebVTT voice tag
        ("<v.loud Bob>Wait,<br/>x<y and y>z", "wait x y and y z"),  # a sign is no tag
        ("♪ Happy birthday to you ♪", "happy birthday to you"),  # sung words are said
        ("my(laughs)brother and friend(s) ((laughing) hard)", "my brother and friend"),
        # an emoticon's bracket opens and closes nothing; its words stay
        ("I'm sad :( but then you came :)", "i'm sad but then you came"),
        ("Hi ;-) there >:( you (: and ): me :'(", "hi there you and me"),
        ("(whispering) Note:(see below) fine", "note fine"),
        # a bracket closes only its own kind; an unpaired one is dropped alone, its words said
        ("a (b [c) d] e", "a b c d e"),
        ("(laughs well I never", "laughs well i never"),
        ("Hold it (softly [to Bob] now) please", "hold it please"),
    ],
)
def test_an_english_script_does_not_say_its_stage_directions(written, said):
    assert align.normalise_transcript(written) == said


def test_a_line_that_is_only_a_direction_has_no_words():
    assert align.normalise_words("(laughs) [MUSIC] ♪ ♪ <i>(sighs)</i>") == ("", [])


def _half_open(n: int) -> Motion:
    values = np.full((n, 55), 0.2, np.float32)
    values[:, ARKIT55.index("mouthClose")] = 0.0
    return Motion("arkit55", values, engine="lite")


def _take(texts: list[str], voice: Voice) -> np.ndarray:
    pieces = []
    for text in texts:
        pieces += [np.zeros(int(SR * 1.2), np.float32), speak(text, voice).audio]
    audio = np.concatenate([*pieces, np.zeros(SR, np.float32)])
    return audio + np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)


@pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")
def test_english_lips_with_directions_in_the_script_are_the_lips_without_them():
    """Sam's script marks a laugh and a sigh; the voice says only the words."""
    said = ["Maybe my brother will buy a bigger boat.", "Please bring the map back by Monday."]
    audio = _take(said, Voice("flite", "kal"))
    motion = _half_open(int(len(audio) / SR * 25))
    lines = [
        transcript.Line(1, "A", "(laughs) Maybe my brother [laughter] will buy a bigger boat."),
        transcript.Line(2, "A", "(sighs)"),
        transcript.Line(3, "A", "<i>Please bring the map back by Monday.</i> [MUSIC]"),
    ]
    plain = [transcript.Line(1, "A", said[0]), transcript.Line(3, "A", said[1])]
    drawn, report = transcript.draw_lips(motion, audio, lines)
    expected, _ = transcript.draw_lips(motion, audio, plain)
    assert not report.get("error")
    assert report["lines_drawn"] == [1, 3] and report["lines_refused"] == []  # the sigh: neither
    np.testing.assert_array_equal(drawn.values, expected.values)


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_a_spanish_script_with_directions_draws_the_lips_of_the_words_alone():
    said = ["Mi madre prepara una paella buenísima los domingos.", "El perro blanco bebe agua de la fuente."]
    audio = _take(said, Voice("espeak", "es+m7", rate=1.15))
    motion = _half_open(int(len(audio) / SR * 25))
    lines = [
        transcript.Line(1, "A", "(risas) Mi madre prepara [MÚSICA] una paella buenísima los domingos."),
        transcript.Line(2, "A", "[suspira]"),
        transcript.Line(3, "A", "<i>El perro blanco bebe agua de la fuente.</i> ♪"),
    ]
    plain = [transcript.Line(1, "A", said[0]), transcript.Line(3, "A", said[1])]
    drawn, report = transcript.draw_lips(motion, audio, lines, language="es")
    expected, _ = transcript.draw_lips(motion, audio, plain, language="es")
    assert not report.get("error") and report["aligner"] == "warp"
    assert report["lines_drawn"] == [1, 3] and report["lines_refused"] == []
    np.testing.assert_array_equal(drawn.values, expected.values)


def test_without_the_kanji_reader_a_kana_line_with_a_laugh_is_not_refused_as_kanji(monkeypatch):
    """Aya's kana script marks laughs （笑）: 笑 is a kanji, but it is not read."""
    with kanji_reader.missing(monkeypatch):
        assert script_warp.foreign_writing("おもしろいですね（笑）", "ja") == ""
        assert script_warp.foreign_writing("（笑）", "ja") == ""
        assert "kanji" in script_warp.foreign_writing("おもしろい本ですね", "ja")  # a said kanji still is


@pytest.mark.skipif("flite" not in available_engines(), reason="flite not installed")
def test_a_chat_style_script_with_emoticons_across_lines_still_draws_every_line():
    """Kim pastes a chat log: a frown in the first line, a smile in the last. Read as one bracket
    across the character's lines, it ate every line between (lips for no words, or none at all)."""
    said = [
        "Maybe my brother will buy a bigger boat.",
        "Please bring the map back by Monday.",
        "Yes, I will.",
    ]
    audio = _take(said, Voice("flite", "kal"))
    motion = _half_open(int(len(audio) / SR * 25))
    lines = [
        transcript.Line(1, "A", ":( " + said[0]),
        transcript.Line(2, "A", said[1]),
        transcript.Line(3, "A", said[2] + " :)"),
    ]
    plain = [transcript.Line(i + 1, "A", text) for i, text in enumerate(said)]
    drawn, report = transcript.draw_lips(motion, audio, lines)
    expected, plain_report = transcript.draw_lips(motion, audio, plain)
    assert not report.get("error")
    assert report["lines_drawn"] == [1, 2, 3]
    assert report["words"] == plain_report["words"] == len(" ".join(said).split())
    np.testing.assert_array_equal(drawn.values, expected.values)


def test_an_unclosed_bracket_in_one_line_does_not_hide_the_next_lines_words():
    """A "(" left open in one line and a ")" lines later pair nothing: each line is read alone."""
    from dualtalk.inference.phonetic.script_languages import not_english_words

    unknown, counted = not_english_words(["(whispering I think so", "Well, maybe tomorrow then.", "Fine :)"])
    assert unknown == [] and counted == len("whispering I think so Well maybe tomorrow then Fine".split())
