"""A writer checks what each script line was read as (review rv41c F4): the language, the words the
aligner was given after the written-form rules, and whether and where the line was drawn. Before,
"12/10/2026" read as "doce barra diez barra ..." still said "25 of 25 words aligned" and nothing
showed the reading. Now ``infer --show-reading`` prints it without audio or a model, and every run with
``--transcript`` leaves ``script_read.tsv`` in its take folder."""

from __future__ import annotations

import csv
import io

import kanji_reader
import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.audio.vad import voice_activity
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import script_reading as sr
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.script_languages import espeak_voice
from robustness_util import assert_refused, run_cli

needs_espeak = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


def _script(*texts: str) -> list[tr.Line]:
    """Lines 1, 2, 3... of a script, A and B in turn."""
    return [tr.Line(k + 1, "AB"[k % 2], text) for k, text in enumerate(texts)]


def _rows(path) -> list[dict[str, str]]:
    """The file as a table a spreadsheet would show: UTF-8, tab-separated, a header row."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t"))


@needs_espeak
def test_a_russian_script_shows_its_year_and_abbreviation_as_said(tmp_path):
    lines = _script(
        "Встретимся в 2024 году.", "Это стоит 100 руб., т. е. недорого.", "Merhaba, nasılsın? Çok güzel."
    )
    rows = sr.read_lines(lines, "ru")
    assert [r.language for r in rows] == ["ru", "ru", "tr"]
    assert rows[0].said == "Встретимся в две тысячи двадцать четвёртом году."
    assert "рублей, то есть недорого" in rows[1].said
    assert "read in tr" in rows[2].note and "not ru" in rows[2].note  # a Turkish line among Russian ones
    # the words shown are the words the warp reads: one public reading, not a copy of it
    assert rows[1].said == " ".join(script_warp.spoken_line(lines[1].text, espeak_voice("ru")).split())
    path = sr.write(tmp_path, rows)
    table = _rows(path)
    assert [t["typed"] for t in table] == [line.text for line in lines]
    assert table[0]["said"] == rows[0].said and table[0]["speaker"] == "A" and table[1]["speaker"] == "B"


@needs_espeak
@kanji_reader.needs_it
def test_a_japanese_script_shows_its_kanji_numbers_and_latin_words_in_kana(tmp_path):
    kanji_reader.forget()
    rows = sr.read_lines(
        _script("明日の3時に会いましょう。", "4月1日です。", "ＡＰＰＬＥのiPhoneを買った。"), "ja"
    )
    assert [r.language for r in rows] == ["ja"] * 3
    assert "あした" in rows[0].said and "さんじ" in rows[0].said
    assert "しがつ" in rows[1].said and "ついたち" in rows[1].said
    assert "アップル" in rows[2].said and "アイフォーン" in rows[2].said
    assert _rows(sr.write(tmp_path, rows))[1]["said"] == rows[1].said


def test_an_english_script_shows_numbers_spelled_and_words_it_cannot_say():
    rows = sr.read_lines(
        _script("I paid 5 on 12/10 at 5:30.", "The 1990s were great, 3rd place!", "Привет Anna"), "en"
    )
    assert rows[0].said == "i paid five on twelve ten at five thirty"
    assert rows[1].said == "the nineteen nineties were great third place"
    assert rows[2].said == "anna" and rows[2].note == "left out, not in English letters: Привет"


def test_a_line_of_stage_directions_only_is_shown_as_not_said():
    rows = sr.read_lines(_script("Hello there.", "(laughs)"), "en")
    assert rows[1].said == "" and "stage directions" in rows[1].note


def test_a_tab_typed_in_a_line_stays_in_its_cell(tmp_path):
    rows = sr.read_lines(_script("one\ttwo"), "en")
    assert _rows(sr.write(tmp_path, rows))[0]["typed"] == "one two"


def test_the_run_s_outcome_says_which_lines_were_drawn_where_and_why_one_was_not():
    report = {
        "a": {
            "words": 4,
            "aligned": 2,
            "lines_drawn": [1],
            "lines_at": [[1, 0.5, 1.25]],
            "lines_refused": [],
        },
        "b": {
            "words": 2,
            "aligned": 0,
            "lines_drawn": [],
            "lines_refused": [{"line": 2, "text": "x", "why": "not said?"}],
        },
    }
    rows = sr.read_lines(_script("Hello there.", "Fine thanks."), "en", report=report)
    assert (rows[0].aligned, rows[0].start, rows[0].end) == ("drawn", 0.5, 1.25)
    assert rows[1].aligned == "refused" and rows[1].note == "not said?"
    failed = {"a": {"words": 2, "aligned": 0, "error": "the voice is silent"}, "b": {"words": 0}}
    assert sr.read_lines(_script("Hello there."), "en", report=failed)[0].aligned == "not aligned"


# --- the command line -------------------------------------------------------------------------


def test_show_reading_prints_each_line_without_audio_or_a_take_folder(tmp_path, capsys):
    script = tmp_path / "scene.txt"
    script.write_text("A: I paid 5 on 12/10.\nB: (laughs)\n", encoding="utf-8")
    code, err, out = run_cli(capsys, ["infer", "--transcript", str(script), "--show-reading"])
    assert code == 0, err
    assert "line 1, A, en: I paid 5 on 12/10. -> i paid five on twelve ten" in out
    assert "line 2, B, en: (laughs) -> (nothing said)" in out
    assert list(tmp_path.iterdir()) == [script]  # nothing written


@needs_espeak
def test_show_reading_reads_b_in_b_s_own_language(tmp_path, capsys):
    script = tmp_path / "escena.txt"
    script.write_text("A: Cuesta 1.299,99 €.\nB: I paid 5.\n", encoding="utf-8")
    argv = ["infer", "--transcript", str(script), "--show-reading", "--transcript-language", "es",
            "--transcript-language-b", "en"]  # fmt: skip
    code, err, out = run_cli(capsys, argv)
    assert code == 0, err
    assert "line 1, A, es: Cuesta 1.299,99 €. -> Cuesta 1.299 euros con 99." in out
    assert "line 2, B, en: I paid 5. -> i paid five" in out


@pytest.mark.parametrize(
    "bad, needle",
    [
        (b"\xff\xfe\x00\xd8 broken", "transcript"),  # not text in any encoding a script is saved in
        (b"just words, no speaker\n", "start the line with who says it"),
        (None, "not found"),
    ],
)
def test_an_unreadable_script_is_one_line_and_a_failure(tmp_path, capsys, bad, needle):
    script = tmp_path / "scene.txt"
    if bad is not None:
        script.write_bytes(bad)
    code, err, out = run_cli(capsys, ["infer", "--transcript", str(script), "--show-reading"])
    assert_refused(code, err, needle)
    assert out == ""


def test_show_reading_needs_a_script_and_a_run_still_needs_out(capsys):
    assert_refused(*run_cli(capsys, ["infer", "--show-reading"])[:2], "give --transcript")
    assert_refused(*run_cli(capsys, ["infer", "--audio", "talk.wav"])[:2], "required: --out")


@needs_espeak
def test_a_language_espeak_ng_lacks_is_one_line(tmp_path, capsys):
    script = tmp_path / "scene.txt"
    script.write_text("A: hello\n", encoding="utf-8")
    argv = ["infer", "--transcript", str(script), "--show-reading", "--transcript-language", "xx"]
    assert_refused(*run_cli(capsys, argv)[:2], "xx")


# --- a real alignment: where each drawn line is ---------------------------------------------------

SAID = ("Maybe we should bring the map with us.", "Bob said he would buy a bigger boat.")


@needs_espeak
def test_a_drawn_line_is_placed_where_it_is_said(tmp_path):
    pytest.importorskip("pocketsphinx")
    sample_rate = 16000
    voice = Voice("espeak", "en-us", rate=1.0)
    parts, where, t = [np.zeros(sample_rate // 2, np.float32)], [], 0.5
    for text in SAID:
        audio = speak(text, voice).audio
        where.append((t, t + len(audio) / sample_rate))
        parts += [audio, np.zeros(sample_rate, np.float32)]
        t += len(audio) / sample_rate + 1.0
    stream = np.concatenate(parts)
    silent = np.zeros_like(stream)

    def engine(audio):
        speaking = voice_activity(audio)
        return Motion(
            "arkit55", np.full((len(speaking), 55), 0.2, np.float32), speaking=speaking, engine="lite"
        )

    lines = [tr.Line(k + 1, "A", text) for k, text in enumerate(SAID)]
    _a, _b, report = tr.apply_transcript(lines, ("A", "B"), stream, silent, engine(stream), engine(silent))
    rows = sr.read_lines(lines, "en", report=report)
    for row, (start, end) in zip(rows, where, strict=True):
        assert row.aligned == "drawn"
        assert row.start is not None and row.end is not None
        assert abs(row.start - start) < 0.3 and abs(row.end - end) < 0.3, (row, start, end)
    table = _rows(sr.write(tmp_path, rows))
    assert float(table[1]["start_s"]) == pytest.approx(rows[1].start, abs=0.01)


def test_a_users_own_file_of_that_name_is_neither_replaced_nor_removed(tmp_path, caplog):
    own = tmp_path / sr.FILE_NAME
    own.write_text("my notes\n", encoding="utf-8")
    rows = sr.read_lines(_script("Hello there."), "en")
    assert sr.write(tmp_path, rows) is None and sr.write(tmp_path, None) is None
    assert own.read_text(encoding="utf-8") == "my notes\n"
    assert "not a script reading DualTalk wrote" in caplog.text
    assert sr.for_take(tmp_path, _script("Hello."), ("en", "en"), ("A", "B"), None, None) == {}
    assert own.read_text(encoding="utf-8") == "my notes\n"  # a take written beside it leaves it be
    own.unlink()
    assert sr.write(tmp_path, rows) == own and sr.write(tmp_path, None) is None and not own.exists()


def test_words_recognised_from_the_voices_leave_no_reading_and_clear_an_old_one(tmp_path):
    lines = _script("Hello there.")
    typed = sr.for_take(tmp_path, lines, ("en", "en"), ("A", "B"), None, {"a": {}, "b": {}})
    assert (typed[sr.FILE_NAME] or b"").startswith(sr.HEADER.encode())
    heard = {"script": "A: hello there\n", "a": {}, "b": {}}
    assert sr.for_take(tmp_path, lines, ("en", "en"), ("A", "B"), None, heard) == {sr.FILE_NAME: None}


def test_a_line_that_opens_with_a_quotation_mark_is_one_row_in_any_tsv_reader(tmp_path):
    """Review rv42b F3: ``A: "Wait, what?`` written bare made the csv module (and spreadsheets' TSV
    import) read on to the next quotation mark, swallowing line 2 into line 1's cell."""
    typed = ['"Wait, what?', 'He said "no".', "-- Well, =maybe.", "Okay."]
    path = sr.write(tmp_path, sr.read_lines(_script(*typed), "en"))
    text = path.read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert len(table) == 1 + len(typed) and all(len(row) == len(sr.COLUMNS) for row in table)
    assert [row[3] for row in table[1:]] == typed
    assert [r["typed"] for r in _rows(path)] == typed
    # still ours to replace or remove: the header row is as before, and a file written bare (an
    # earlier version's) is known as well
    assert sr.is_reading(path) and text.startswith(sr.HEADER + "\n")
    path.write_text(sr.HEADER + "\n1\tA\ten\tHello.\thello\t\t\t\t\n", encoding="utf-8")
    assert sr.is_reading(path)


@needs_espeak
def test_show_reading_refuses_what_the_run_refuses_in_the_run_s_words(tmp_path, capsys):
    """Review rv42b F2: ``--show-reading`` passed a Spanish script given as English and a line tagged
    ``C:`` (exit 0) that the run refuses ("does not look English ... --transcript-language es",
    "unknown speaker 'C'"). The pre-flight now runs the run's checks of the text."""
    spanish = tmp_path / "escena.txt"
    spanish.write_text(
        "A: Buenos días. ¿Trajiste los mapas para el viaje?\nB: Sí, los tengo aquí en mi bolsa.\n"
        "A: Perfecto. Entonces podemos salir antes de que empiece la lluvia.\n"
        "B: Vale, primero tengo que buscar mis llaves junto a la puerta.\n",
        encoding="utf-8",
    )
    show = ["infer", "--show-reading", "--transcript"]
    code, err, out = run_cli(capsys, [*show, str(spanish)])
    assert_refused(code, err, "escena.txt does not look English")
    assert "--transcript-language es" in err[0] and out == ""
    assert run_cli(capsys, [*show, str(spanish), "--transcript-language", "es"])[0] == 0

    third = tmp_path / "three.txt"
    third.write_text("A: Hello there.\nC: Who am I?\nB: Fine.\n", encoding="utf-8")
    assert_refused(*run_cli(capsys, [*show, str(third)])[:2], "three.txt line 2: unknown speaker 'C'")

    # B's lines alone in Spanish: B's own flag, as the run says it; given, the script passes
    mixed = tmp_path / "mixed.txt"
    mixed.write_text(
        "A: Good morning, did you bring the maps for the trip?\n"
        "B: Sí, los tengo aquí en mi bolsa. ¿Podemos salir antes de que empiece la lluvia?\n"
        "A: Perfect, then we can leave before the rain starts and get there early.\n",
        encoding="utf-8",
    )
    assert_refused(*run_cli(capsys, [*show, str(mixed)])[:2], "--transcript-language-b es")
    assert run_cli(capsys, [*show, str(mixed), "--transcript-language-b", "es"])[0] == 0

    # the names a turns file gives tag lines as the run takes them (the loader's names, no audio)
    turns = tmp_path / "turns.txt"
    turns.write_text("0.0 1.0 Ann\n1.2 2.0 Bob\n", encoding="utf-8")
    named = tmp_path / "named.txt"
    named.write_text("Ann: Hello there.\nBob: Fine, thanks.\n", encoding="utf-8")
    code, err, out = run_cli(capsys, [*show, str(named), "--turns", str(turns)])
    assert code == 0, err
    assert "line 2, B, en: Fine, thanks. -> fine thanks" in out
    assert_refused(*run_cli(capsys, [*show, str(named)])[:2], "unknown speaker 'Ann'")
