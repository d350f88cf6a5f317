"""A bilingual character says one line in another language, and the writer says which in the script.

A script gave each character one language (``--transcript-language``, ``-b``, the panel's Script
Language) and a line in another one was guessed from its letters: a short French line ("Merci
beaucoup.") in an English script was read as English, a Japanese line among English ones was spelled
by the English aligner into nothing, and an English line among Russian ones tagged on purpose could
still be guessed Turkish. Now the speaker part says it, ``A (fr): Merci beaucoup.`` or ``B [ja]: ...``,
in any form ``--transcript-language`` takes (codes, names; full-width brackets too): the line is read,
shown and aligned in that language, and a tag that names no language espeak-ng speaks is one line
before any audio is read."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import script_reading as sr
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic import transcript as tr
from robustness_util import assert_refused, run_cli
from script_takes import espeak_mic

needs_espeak = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
SR = 16000
FRENCH = "Merci beaucoup, à demain matin."


@needs_espeak
def test_a_tag_after_who_says_it_gives_the_line_its_language_and_names_stay_names(tmp_path):
    script = tmp_path / "scene.txt"
    script.write_text(
        "A: See you at nine.\n"
        "B (fr): Merci beaucoup.\n"
        "A [JA]: ありがとう。\n"
        "B（日本語）：はい。\n"  # a Japanese keyboard's full-width brackets and colon
        "A (English): Okay then.\n"
        "B [Español]: Hasta luego.\n"
        "Speaker (1): a turns file's name with brackets\n"
        "Dr. (Ret.) Smith: a name with brackets inside it\n"
        "Smith (Ret.): one with them at its end\n"
        "Anna (V.O.): a screenplay's voice-over\n",
        encoding="utf-8",
    )
    lines = tr.read_transcript(script)
    assert [(line.speaker, line.language) for line in lines] == [
        ("A", None), ("B", "fr"), ("A", "ja"), ("B", "ja"), ("A", "en"), ("B", "es"),
        ("Speaker (1)", None), ("Dr. (Ret.) Smith", None), ("Smith (Ret.)", None), ("Anna (V.O.)", None),
    ]  # fmt: skip
    # the tagged lines still go to their speaker (before, "B (fr)" was an unknown speaker)
    a, b = tr.lines_by_speaker(lines[:6], ("A", "B"))
    assert [line.number for line in a] == [1, 3, 5] and [line.number for line in b] == [2, 4, 6]


@needs_espeak
@pytest.mark.parametrize(
    ("speaker", "tag", "meant"),
    [
        ("B (xx)", "'xx'", "try en, es, fr"),
        ("B [Frnech]", "'Frnech'", "did you mean 'French'?"),
        ("A (whispering)", "'whispering'", "a stage direction goes after the colon: A: (laughs) ..."),
    ],
)
def test_a_tag_naming_no_language_is_one_line_naming_the_file_line_and_tag(
    tmp_path, capsys, speaker, tag, meant
):
    script = tmp_path / "scene.txt"
    script.write_text(f"A: Hello.\n{speaker}: Merci.\n", encoding="utf-8")
    code, err, out = run_cli(capsys, ["infer", "--transcript", str(script), "--show-reading"])
    said = assert_refused(
        code, err, f"scene.txt line 2: language tag {tag}: espeak-ng speaks no such language"
    )
    assert meant in said and "A (fr): ... or B [ja]: ..." in said
    assert out == ""
    if tag != "'xx'":
        return
    # a run is refused the same way, before the audio is read or a model loaded
    talk = tmp_path / "talk.wav"
    with wave.open(str(talk), "wb") as wav:
        wav.setnchannels(2), wav.setsampwidth(2), wav.setframerate(SR)
        wav.writeframes(bytes(4 * SR))
    argv = ["infer", "--transcript", str(script), "--audio", str(talk), "--out", str(tmp_path / "o")]
    assert_refused(*run_cli(capsys, argv)[:2], f"language tag {tag}")
    assert not (tmp_path / "o").exists()


@needs_espeak
def test_a_tagged_line_is_read_in_its_tag_s_language_and_shown_as_tagged(tmp_path, capsys):
    short = tr.Line(2, "A", "Merci, Paul.")  # too short for its letters to say French
    russian = [
        tr.Line(1, "A", "Привет, Маша!"),
        tr.Line(2, "A", "Evet, ama akşam işe gitmem lazım."),  # guessed Turkish from ş and 'evet'
        tr.Line(3, "A", "Evet, ama akşam işe gitmem lazım.", "en"),  # the writer says: English
    ]
    guessed = sr.read_lines([tr.Line(1, "A", "See you."), short], "en")
    assert guessed[1].language == "en" and guessed[1].said == "merci paul"  # before: English, silently
    rows = sr.read_lines([tr.Line(1, "A", "See you."), tr.Line(2, "A", "Merci, Paul.", "fr")], "en")
    assert [r.language for r in rows] == ["en", "fr"] and rows[1].note == "tagged fr, not en"
    # an English character with a line in another language is placed by the warp: shown as handed to it
    assert rows[0].said == "See you." and rows[1].said == "Merci, Paul."
    # an English variant on an English character's line is English: its note says no "not en"
    rows = sr.read_lines([tr.Line(1, "A", "Hello colour.", "en-gb")], "en")
    assert rows[0].language == "en-gb" and rows[0].note == "tagged en-gb"
    rows = sr.read_lines(russian, "ru")
    assert [(r.language, r.note.split(":")[0]) for r in rows] == [
        ("ru", ""), ("tr", "guessed from its Latin letters"), ("en", "tagged en, not ru")
    ]  # fmt: skip
    table = sr.as_tsv(rows).splitlines()
    assert table[3].split("\t")[2] == "en" and table[3].endswith("tagged en, not ru")
    # the command line shows the same, from the file
    script = tmp_path / "scene.txt"
    script.write_text("A: See you.\nB [French]: Merci, Paul.\n", encoding="utf-8")
    code, err, out = run_cli(capsys, ["infer", "--transcript", str(script), "--show-reading"])
    assert code == 0, err
    assert "line 2, B, fr: Merci, Paul. -> Merci, Paul.\n    tagged fr, not en" in out


@needs_espeak
def test_a_note_after_a_name_is_a_tag_only_where_that_name_is_a_speaker_and_the_run_says_so(tmp_path):
    """Screenplays write notes after names (JOHN (VO), MARY (CA)); a turns file names the speakers.
    The bracket is decided against those names: a name the turns file spells with it stays that name;
    after a known name a language's code is a tag, said on the run's line; a note that names no
    language is the unknown speaker as typed (before: refused as "language tag 'VO'", or MARY's
    English line silently read in Catalan)."""
    script = tmp_path / "scene.txt"
    script.write_text(
        "JOHN (VO): Hello there.\nMARY (CA): Hi John.\nJOHN (Frnech): Merci.\nMARY (mom): Bye.\n",
        encoding="utf-8",
    )
    lines = tr.read_transcript(script)  # no turns yet: nothing refused, nothing decided for good
    by_name = tr.lines_by_speaker(lines[:2], ("JOHN (VO)", "MARY (CA)"), "scene.txt")
    assert [(ln.speaker, ln.language) for side in by_name for ln in side] == [
        ("JOHN (VO)", None), ("MARY (CA)", None)
    ]  # fmt: skip
    john, mary = tr.lines_by_speaker(lines[1:2], ("JOHN", "MARY"), "scene.txt")
    assert john == [] and [(ln.speaker, ln.language) for ln in mary] == [("MARY", "ca")]
    for line, said in [
        (lines[0], "unknown speaker 'JOHN (VO)' (expected A, B, JOHN, MARY)"),
        (lines[3], "unknown speaker 'MARY (mom)' (expected A, B, JOHN, MARY)"),
        (lines[2], "unknown speaker 'JOHN (Frnech)' (is 'Frnech' a language tag? did you mean 'French'?)"),
    ]:
        with pytest.raises(tr.DualTalkError) as refused:
            tr.lines_by_speaker([line], ("JOHN", "MARY"), "scene.txt")
        assert f"scene.txt line {line.number}: {said}" in str(refused.value)
    # what a run does with MARY (CA) after a turns file's MARY: its line names the Catalan reading
    n = 50
    quiet = Motion("arkit55", np.full((n, 55), 0.2, np.float32), speaking=np.zeros(n, bool), engine="lite")
    silence = np.zeros(2 * SR, np.float32)
    *_motions, report = tr.apply_transcript(
        lines[1:2], ("JOHN", "MARY"), silence, silence, quiet, quiet, "scene.txt"
    )
    assert report["b"]["tagged"] == [[2, "ca", "CA"]] and tr.report_problem(report) is None
    assert tr.describe(report).endswith("(line 2 read in ca, as tagged (CA))"), tr.describe(report)


@needs_espeak
def test_an_english_character_s_french_line_is_drawn_from_its_french_reading(monkeypatch):
    english = ["Maybe we should bring the map with us.", "Bob said he would buy a bigger boat.",
               "Please call me back this evening."]  # fmt: skip
    audio, motion = espeak_mic(
        [("en-us", english[0]), ("fr", FRENCH), ("en-us", english[1]), ("en-us", english[2])]
    )
    lines = [tr.Line(1, "A", english[0]), tr.Line(2, "A", FRENCH, "fr"), tr.Line(3, "A", english[1]),
             tr.Line(4, "A", english[2])]  # fmt: skip
    calls: list[tuple[str, str]] = []
    reading = script_warp._reading
    monkeypatch.setattr(
        script_warp, "_reading", lambda text, voice: calls.append((text, voice)) or reading(text, voice)
    )
    _drawn, report = tr.draw_lips(motion, audio, lines, language="en")
    assert not report.get("error"), report.get("error")
    assert report["aligner"] == "warp" and 2 in report["lines_drawn"]
    assert (FRENCH, "fr") in calls and all(voice != "fr" for text, voice in calls if text != FRENCH)
    assert "read_in" not in report  # asked for, not guessed: no warning about it
