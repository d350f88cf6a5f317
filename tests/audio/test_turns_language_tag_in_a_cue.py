"""A writer keeps the script as subtitle cues, the same lines as the transcript: ``JOHN: Hello.`` and
``MARY (fr): Merci beaucoup.``. The turns reader took the cue's name whole, ``MARY (fr)``, while the
transcript read MARY with a French tag: the run refused "unknown speaker 'MARY' (expected A, B, JOHN,
MARY (fr))", and a character with tagged and untagged cues was three people. Now both read a cue's
``NAME (tag):`` alike (``phonetic/speaker_tags``): a tag that names a language is not part of the name,
a note that names none (``JOHN (VO):``) and a name alone in a label (``MARY (CA)``) stay names."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio import turns
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import transcript as tr

needs_espeak = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

CUES = """1
00:00:00,000 --> 00:00:01,900
JOHN: Maybe we should bring the map.

2
00:00:01,900 --> 00:00:03,800
JOHN (fr): Merci beaucoup, à demain matin.

3
00:00:03,800 --> 00:00:06,000
MARY (Français): Oui, à demain.

4
00:00:06,000 --> 00:00:07,000
MARY (VO): Later.
"""


@needs_espeak
def test_a_cue_tagged_with_a_language_is_its_speaker_s_turn_as_the_script_reads_it(tmp_path):
    got = turns.parse_turns_text(CUES, name="scene.srt")
    assert [g.speaker for g in got] == ["JOHN", "JOHN", "MARY", "MARY (VO)"]
    # an Audacity label holding the line reads the same; a label that is a name alone stays whole
    labels = "0\t1.9\tMARY (fr): Merci.\n1.9\t3\tMARY (CA)\n"
    assert [g.speaker for g in turns.parse_turns_text(labels, name="l.txt")] == ["MARY", "MARY (CA)"]
    # the transcript's same lines go to the cues' speakers, each in its tag's language
    script = tmp_path / "scene.txt"
    script.write_text("JOHN: Maybe we should bring the map.\nMARY (fr): Merci beaucoup.\n", encoding="utf-8")
    names = tuple(turns.speakers_in_order(got[:3]))
    john, mary = tr.lines_by_speaker(tr.read_transcript(script), names, "scene.txt")
    assert [(ln.speaker, ln.language) for ln in john + mary] == [("JOHN", None), ("MARY", "fr")]
