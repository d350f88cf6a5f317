"""An animator with a Spanish (or Japanese, or Russian...) script gets lips drawn from it too:
espeak-ng reads each line, its reading is warped onto the character's voice, and the mouth closes
on the line's bilabials where the voice says them."""

from __future__ import annotations

import kanji_reader
import numpy as np
import pytest
from dualtalk.inference.audio.tts import Phone, Voice, available_engines, speak
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import script_languages, script_warp, transcript, warp
from dualtalk.inference.phonetic.visemes import drawn_channels, render_visemes
from dualtalk.training.evaluation.lipsync import (
    AlignedPhone,
    classify,
    mouth_features,
    score_phones,
    summarize,
)

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

SR = 16000
SPANISH = (
    "Mi madre prepara una paella buenísima los domingos.",
    "El perro blanco bebe agua de la fuente.",
    "Vamos a comprar pan por la mañana.",
)
OTHER_SPANISH = (
    "Hoy hace mucho calor en la ciudad.",
    "Los niños juegan en el parque todo el día.",
    "Necesito un café antes de trabajar.",
)


def _take(texts, voice: str, rate: float, gaps=(1.2, 2.5, 0.8, 1.5)):
    """A character's own stream: the lines said by a voice the script's reader is not (another
    espeak-ng variant at another pace), apart, with the truth of where each phone is."""
    pieces, truth, t = [], [], 0.0
    for k, text in enumerate(texts):
        gap = np.zeros(int(SR * gaps[k % len(gaps)]), np.float32)
        utt = speak(text, Voice("espeak", voice, rate=rate))
        t += len(gap) / SR
        truth += [Phone(p.symbol, p.start + t, p.end + t, p.alphabet) for p in utt.phones]
        pieces += [gap, utt.audio]
        t += utt.duration
    audio = np.concatenate([*pieces, np.zeros(SR, np.float32)])
    audio += np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)
    return audio, truth


def _half_open(n: int) -> Motion:
    values = np.full((n, 55), 0.2, np.float32)
    values[:, ARKIT55.index("mouthClose")] = 0.0
    return Motion("arkit55", values, engine="lite")


def _closure(values: np.ndarray, phones: list[Phone]) -> float:
    aligned = [
        AlignedPhone(p.symbol, p.start, p.end, classify(p.symbol, "ipa") or frozenset()) for p in phones
    ]
    return float(summarize([score_phones(mouth_features(values, ARKIT55), aligned, 25.0)])["closure_rate"])


def test_a_spanish_script_closes_the_lips_on_its_bilabials_where_the_voice_says_them():
    audio, truth = _take(SPANISH, "es+m7", 1.15)
    motion = _half_open(int(len(audio) / SR * 25))
    assert _closure(motion.values, truth) == 0.0

    drawn, report = transcript.draw_lips(motion, audio, " ".join(SPANISH), language="es")
    assert report["language"] == "es" and not report.get("error") and report["lines_refused"] == []
    assert report["aligner"] == "warp"  # the take's meta says which aligner placed its lines
    assert _closure(drawn.values, truth) >= 0.9
    # the mouth is open on the open vowels it says (the evaluator's "shut" test fails on few)
    aligned = [
        AlignedPhone(p.symbol, p.start, p.end, classify(p.symbol, "ipa") or frozenset()) for p in truth
    ]
    scores = summarize([score_phones(mouth_features(drawn.values, ARKIT55), aligned, 25.0)])
    ceiling = motion.values.copy()
    ceiling[:, :52] = render_visemes(
        transcript.trim_contacts(truth), len(motion.values), fps=25.0, contact=True
    )
    best = summarize([score_phones(mouth_features(ceiling, ARKIT55), aligned, 25.0)])["open_closed_rate"]
    assert scores["open_closed_rate"] <= best + 0.15  # the same renderer on the true phones: the ceiling
    # only the mouth changed, and only while the character speaks
    mouth = list(drawn_channels())
    others = [i for i in range(55) if i not in mouth]
    assert np.array_equal(drawn.values[:, others], motion.values[:, others])
    assert np.array_equal(drawn.values[:10], motion.values[:10])  # the first second is silence


def test_each_line_is_found_in_order_and_its_phones_land_near_the_voices():
    audio, truth = _take(SPANISH, "es+f5", 0.9)
    placement = script_warp.place_lines(audio, list(SPANISH), np.zeros(0, bool), 25.0, 0.0, "es")
    assert placement.drawn == [0, 1, 2] and placement.refused == {}
    starts = [placement.span(i)[0] for i in placement.drawn]
    said = [min(p.start for p in truth if p.start >= s - 0.3) for s in starts]
    assert np.max(np.abs(np.array(starts) - np.array(said))) < 0.1
    # bilabial onsets land within a few frames of the voice's
    ours = [p.start for p in placement.found.phones if p.symbol in ("m", "b", "p")]
    theirs = [p.start for p in truth if p.symbol in ("m", "b", "p")]
    err = [min(abs(o - t) for o in ours) for t in theirs]
    assert np.median(err) < 0.04


def test_a_line_the_voice_never_says_is_refused_and_the_rest_drawn():
    audio, _truth = _take(SPANISH, "es+m7", 1.0)
    texts = [SPANISH[0], OTHER_SPANISH[1], SPANISH[1], SPANISH[2]]
    placement = script_warp.place_lines(audio, texts, np.zeros(0, bool), 25.0, 0.0, "es")
    assert list(placement.refused) == [1]  # (the next line fits its speech better, or another line does)
    assert "not said?" in placement.refused[1] or "another line of the script" in placement.refused[1]
    assert placement.drawn == [0, 2, 3]


def test_another_scene_s_script_keeps_the_engine_lips_and_says_why():
    audio, _truth = _take(SPANISH, "es+m7", 1.0)
    motion = _half_open(int(len(audio) / SR * 25))
    drawn, report = transcript.draw_lips(motion, audio, list_lines(OTHER_SPANISH), language="es")
    assert report.get("error") and np.array_equal(drawn.values, motion.values)
    assert report["aligner"] == "warp"  # named also when nothing is drawn
    assert "engine lips kept" in transcript.describe({"a": report, "b": {**report, "words": 0}})


def list_lines(texts):
    return [transcript.Line(k + 1, "A", text) for k, text in enumerate(texts)]


def test_a_language_espeak_ng_does_not_speak_is_refused_in_one_line_before_anything_runs():
    with pytest.raises(DualTalkError, match="speaks no such language") as err:
        transcript.check_available("klingon")
    assert "\n" not in str(err.value)
    transcript.check_available("es")  # a language it speaks passes


def test_english_goes_to_pocketsphinx_unless_the_warp_is_asked_for(monkeypatch):
    assert not transcript.uses_warp("en") and not transcript.uses_warp("en-GB")
    assert transcript.uses_warp("es") and transcript.uses_warp("ja")
    monkeypatch.setenv("DUALTALK_TRANSCRIPT_ALIGNER", "warp")
    assert transcript.uses_warp("en")


def test_the_warp_finds_an_utterance_inside_a_longer_recording_at_its_own_pace():
    rng = np.random.default_rng(3)
    recording = rng.normal(size=(400, 6))
    said_slowly = np.repeat(recording[150:200], 2, axis=0)[::1]  # half the pace: 100 frames
    cost = np.sqrt(((said_slowly[:, None] - recording[None]) ** 2).sum(-1))
    path, mean = warp.subsequence_path(cost)
    assert abs(path[0, 1] - 150) <= 1 and path[-1, 1] == 199 and mean < 0.05
    with pytest.raises(DualTalkError, match="too short"):
        warp.subsequence_path(cost[:, :30])  # 100 frames cannot fit into 30 at half the pace


def test_the_transcript_bench_times_a_spanish_scene_through_the_warp(capsys):
    """``bench transcript --language es``: two espeak-ng voices, every line found and drawn."""
    import json

    from dualtalk.cli import main

    assert (
        main(
            [
                "bench",
                "transcript",
                "--seconds",
                "8",
                "--language",
                "es",
                "--repeats",
                "1",
                "--warmup",
                "0",
                "--json",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    summary = json.loads(out.strip().splitlines()[-1])
    assert "warp alignment" in out and summary["words"] > 10 and summary["words_aligned"] == summary["words"]
    assert (
        main(["bench", "transcript", "--language", "sw"]) == 2
    )  # espeak-ng speaks Swahili; the corpus does not
    assert "speaks the corpus languages" in capsys.readouterr().err


def test_a_line_said_twice_is_placed_at_each_saying_in_order():
    texts = [SPANISH[0], SPANISH[1], SPANISH[0], SPANISH[2]]
    audio, _truth = _take(texts, "es+f5", 1.1)
    placement = script_warp.place_lines(audio, texts, np.zeros(0, bool), 25.0, 0.0, "es")
    assert placement.drawn == [0, 1, 2, 3]
    starts = [placement.span(i)[0] for i in placement.drawn]
    assert starts == sorted(starts) and starts[1] - starts[0] > 2.0


def test_a_long_line_with_a_filler_the_script_lacks_is_timed_piece_by_piece():
    """ "eh, bueno, o sea" said inside a scripted line: the pieces after it are found after it."""
    voice = Voice("espeak", "es+m7", rate=1.1)
    said = [
        speak(SPANISH[0], voice),
        speak("eh, bueno, o sea, este", voice),
        speak(SPANISH[1], voice),
        speak(SPANISH[2], voice),
    ]
    audio, truth, t = [np.zeros(SR, np.float32)], [], 1.0
    for k, utt in enumerate(said):
        if k != 1:  # the filler is not in the script
            truth += [Phone(p.symbol, p.start + t, p.end + t, p.alphabet) for p in utt.phones]
        audio.append(utt.audio)
        t += utt.duration
    placement = script_warp.place_lines(
        np.concatenate([*audio, np.zeros(SR, np.float32)]),
        [" ".join(SPANISH)],
        np.zeros(0, bool),
        25.0,
        0.0,
        "es",
    )
    assert placement.drawn == [0]
    ours = [p.start for p in placement.found.phones if p.symbol in ("m", "b", "p")]
    err = [min(abs(o - p.start) for o in ours) for p in truth if p.symbol in ("m", "b", "p")]
    assert len(err) == 16 and np.percentile(err, 90) < 0.036  # the whole line warped at once: 41 ms


# ----------------------------------------------------------------------------- what the review found


def test_a_line_said_in_two_halves_around_the_partners_turn_leaves_the_mouth_alone_between():
    first = speak("Creo que deberíamos ir a la playa", Voice("espeak", "es+m3", rate=0.9)).audio
    second = speak("antes de que llueva esta tarde.", Voice("espeak", "es+m3", rate=0.9)).audio
    pause = np.zeros(int(3.4 * SR), np.float32)  # digital silence: the other character talks
    lead = np.zeros(int(0.4 * SR), np.float32)
    audio = np.concatenate([lead, first, pause, second, lead])
    motion = _half_open(int(len(audio) / SR * 25))
    motion.values[:, ARKIT55.index("jawOpen")] = 0.02
    drawn, report = transcript.draw_lips(
        motion, audio, "Creo que deberíamos ir a la playa antes de que llueva esta tarde.", language="es"
    )
    assert not report.get("error") and report["lines_drawn"] == [1]
    t0 = (len(lead) + len(first)) / SR + 0.3  # well inside the silence
    t1 = t0 + 3.4 - 0.6
    jaw = drawn.values[int(t0 * 25) : int(t1 * 25), ARKIT55.index("jawOpen")]
    # the engine's, not a vowel held over the partner's turn (a vowel opens the jaw 0.3-0.6; the last
    # word's cross-fade may end a frame into the window: under 0.001)
    assert np.allclose(jaw, 0.02, atol=0.005)
    assert report["seconds"] < 6.0  # about the time A speaks (3.6 s) plus the fades, not 7.4 s


def test_two_lines_in_a_row_the_voice_never_says_are_both_refused():
    audio, _truth = _take(SPANISH, "es+m3", 1.0)
    texts = [SPANISH[0], OTHER_SPANISH[0], OTHER_SPANISH[1], SPANISH[1], SPANISH[2]]
    placement = script_warp.place_lines(audio, texts, np.zeros(0, bool), 25.0, 0.0, "es")
    assert sorted(placement.refused) == [1, 2] and placement.drawn == [0, 3, 4]


def test_a_two_minute_line_is_looked_for_on_coarser_frames_so_memory_stays_bounded(monkeypatch):
    text = " ".join((SPANISH + OTHER_SPANISH) * 5)
    utt = speak(text, Voice("espeak", "es+m7"))
    assert utt.duration > 60
    audio = np.concatenate([np.zeros(SR, np.float32), utt.audio, np.zeros(SR, np.float32)])
    shapes = []
    real = warp.subsequence_path
    monkeypatch.setattr(
        script_warp, "subsequence_path", lambda cost: (shapes.append(cost.shape), real(cost))[1]
    )
    placement = script_warp.place_lines(audio, [text], np.zeros(0, bool), 25.0, 0.0, "es")
    assert placement.drawn == [0]
    assert max(rows for rows, _cols in shapes) <= script_warp.MAX_ROWS  # the line itself: 6000+ frames
    assert max(rows * cols for rows, cols in shapes) < 8_000_000  # cells, each ~17 bytes in the warp


def test_mandarin_reads_han_characters_or_pinyin_under_any_of_its_tags():
    for tag in ("cmn", "zh", "zh-CN", "cmn-latn-pinyin"):
        assert script_languages.espeak_voice(tag) == "cmn-latn-pinyin"
    han = speak("你好，今天天气很好。", Voice("espeak", "cmn-latn-pinyin")).phones
    pinyin = speak("ni3 hao3, jin1 tian1 tian1 qi4 hen3 hao3.", Voice("espeak", "cmn-latn-pinyin")).phones
    assert [p.symbol for p in han] == [p.symbol for p in pinyin]  # no "three" for a tone digit


def test_a_language_with_its_region_is_spoken_by_the_language_s_voice():
    assert script_languages.espeak_voice("fr-FR") == "fr" and script_languages.espeak_voice("de-DE") == "de"
    assert script_languages.espeak_voice("pt-BR") == "pt-br"  # a voice of its own


def test_a_line_written_in_another_writing_system_is_refused_and_named(monkeypatch):
    audio, _truth = _take(SPANISH[:2], "es+m3", 1.0)
    texts = [SPANISH[0], "Привет, как дела у тебя сегодня?", SPANISH[1]]
    placement = script_warp.place_lines(audio, texts, np.zeros(0, bool), 25.0, 0.0, "es")
    assert placement.drawn == [0, 2] and "written in Cyrillic letters" in placement.refused[1]
    with kanji_reader.missing(monkeypatch):  # kanji without SudachiPy to read them
        with pytest.raises(DualTalkError, match="written in kanji.*write it in kana"):
            script_warp.place_lines(audio, ["冬の山は本当にきれいです。"], np.zeros(0, bool), 25.0, 0.0, "ja")
        # every line so: the report names each with the same whole reason the line check gives
        _drawn, report = transcript.draw_lips(
            _half_open(int(len(audio) / SR * 25)),
            audio,
            list_lines(["冬の山は本当にきれいです。"]),
            language="ja",
        )
        ((refused,),) = [report["lines_refused"]]
        assert refused["why"] == script_warp.foreign_writing("冬の山は本当にきれいです。", "ja")
        assert "write it in kana" in refused["why"]


def test_the_report_counts_espeak_ng_s_words_on_both_sides():
    utt = speak("你好，今天天气很好。我们去公园吧。", Voice("espeak", "cmn-latn-pinyin"))
    audio = np.concatenate([np.zeros(SR, np.float32), utt.audio, np.zeros(SR, np.float32)])
    _drawn, report = transcript.draw_lips(
        _half_open(int(len(audio) / SR * 25)), audio, "你好，今天天气很好。我们去公园吧。", language="cmn"
    )
    assert not report.get("error") and report["words"] == report["aligned"] > 2  # not "14 of 2"


def test_a_part_of_the_take_draws_the_same_mouth_as_the_whole(tmp_path):
    lines = [transcript.Line(k + 1, "AB"[k % 2], text) for k, text in enumerate(SPANISH + OTHER_SPANISH[:1])]
    a_said = [line.text for line in lines if line.speaker == "A"]
    b_said = [line.text for line in lines if line.speaker == "B"]
    a, _ = _take(a_said, "es+m3", 1.0, gaps=(0.5, 3.0))
    b, _ = _take(b_said, "es+f2", 1.0, gaps=(3.0, 3.5))
    n = int(min(len(a), len(b)) / SR * 25)
    a, b = a[: n * SR // 25], b[: n * SR // 25]
    whole = [Motion("arkit55", np.zeros((n, 55), np.float32), 25.0) for _ in "AB"]
    start, end = int(2.0 * 25), int(7.0 * 25)
    part = [Motion("arkit55", np.zeros((end - start, 55), np.float32), 25.0) for _ in "AB"]
    wa, wb, _rw = transcript.apply_transcript(lines, ("A", "B"), a, b, *whole, language="es")
    pa, pb, _rp = transcript.apply_transcript(
        lines, ("A", "B"), a, b, *part, offset=start / 25, language="es"
    )
    assert np.abs(wa.values[start:end] - pa.values).max() < 0.01
    assert np.abs(wb.values[start:end] - pb.values).max() < 0.01


def test_a_character_refused_whole_still_names_the_lines_that_did_not_fit():
    audio, _truth = _take(SPANISH, "es+m7", 1.0)
    _drawn, report = transcript.draw_lips(
        _half_open(int(len(audio) / SR * 25)), audio, list_lines(OTHER_SPANISH), language="es"
    )
    assert report.get("error") and report["lines_refused"]
    assert {r["line"] for r in report["lines_refused"]} <= {1, 2, 3}


def test_a_script_language_without_a_script_is_named_as_ignored(caplog):
    from dualtalk.inference import pipeline
    from dualtalk.inference.core.request import Request

    with caplog.at_level("WARNING"):
        assert pipeline._transcript_lines(Request(transcript_language="es")) is None
    assert "--transcript-language es is ignored: there is no --transcript to read" in caplog.text
    caplog.clear()
    assert pipeline._transcript_lines(Request()) is None and not caplog.text


def test_a_line_that_only_fits_as_well_as_the_other_characters_line_is_refused_and_the_line_named():
    """The script gives A's second line to B and a line nobody says to A: where A says it, B's line
    fits far better than A's, so A's is refused (the lips there stay the engine's)."""
    audio, _truth = _take(SPANISH[:2], "es+m7", 1.0)
    texts = [SPANISH[0], OTHER_SPANISH[2]]
    placement = script_warp.place_lines(audio, texts, np.zeros(0, bool), 25.0, 0.0, "es", others=[SPANISH[1]])
    assert placement.drawn == [0]
    assert "another line of the script ('El perro blanco bebe agua d...')" in placement.refused[1]


# ----------------------------------------------------------------------------- what the second review found


def test_a_long_paragraph_after_two_short_lines_is_judged_on_the_same_scale_and_drawn():
    paragraph = " ".join((SPANISH + OTHER_SPANISH) * 3)
    texts = ["Hola, ¿qué tal?", "Muy bien, gracias.", paragraph]
    audio, _truth = _take(texts, "es+m3", 1.0)
    placement = script_warp.place_lines(audio, texts, np.zeros(0, bool), 25.0, 0.0, "es")
    assert placement.drawn == [0, 1, 2], placement.refused
    assert len(script_warp._reading(paragraph, "es").ceps) > script_warp.MAX_ROWS  # looked for coarsely


def test_the_speaking_flags_of_a_part_do_not_move_the_lines():
    audio, _truth = _take(SPANISH, "es+m3", 1.0)
    n = int(len(audio) / SR * 25)
    flags = np.ones(n, bool)
    flags[40:52] = False  # the engine heard a quiet stretch of the first line as silence
    whole = script_warp.place_lines(audio, list(SPANISH), flags, 25.0, 0.0, "es")
    part = script_warp.place_lines(
        audio, list(SPANISH), flags[150:250], 25.0, 6.0, "es"
    )  # flags of the part only
    assert [p.start for p in whole.found.phones] == [p.start for p in part.found.phones]


def test_a_gap_of_exactly_twenty_milliseconds_is_no_pause_whatever_the_float_error():
    from dualtalk.inference.phonetic.visemes import _segments

    for origin in (0.0, 4.36, 123.47):  # the same phones, as a part starting there sees them
        phones = [
            Phone("a", 150.0 - origin, 150.2 - origin, "ipa"),
            Phone("m", 150.22 - origin, 150.3 - origin, "ipa"),
        ]
        assert [c for c, _s, _e in _segments(phones)].count("sil") == 2  # before and after only


def test_a_region_tag_checks_the_language_s_own_letters():
    assert script_languages.foreign_letters("Привет, как дела", "es-ES") == "Cyrillic letters"
    assert script_languages.foreign_letters("Hola amigo", "ja-JP") == "Latin letters"
    assert script_languages.foreign_letters("Привет, как дела", "hi-IN") == "Cyrillic letters"
    # (the Russian voice reads Latin letters as English, as a Russian script writes an English name)
    assert script_languages.foreign_letters("Hola amigo", "ru-RU") == ""
    assert script_languages.foreign_letters("Ｈｏｌａ ａｍｉｇｏ", "es") == ""  # full-width Latin is Latin
    assert script_languages.foreign_letters("ﾌﾕﾉ ﾔﾏﾊ", "ja") == ""  # half-width kana is kana


def test_a_word_split_by_a_pause_is_drawn_on_both_sides():
    first = speak("Creo que deberíamos ir a la playa", Voice("espeak", "es+m3", rate=0.9)).audio
    second = speak("antes de que llueva esta tarde.", Voice("espeak", "es+m3", rate=0.9)).audio
    lead, pause = np.zeros(int(0.4 * SR), np.float32), np.zeros(int(3.4 * SR), np.float32)
    audio = np.concatenate([lead, first, pause, second, lead])
    placement = script_warp.place_lines(
        audio,
        ["Creo que deberíamos ir a la playa antes de que llueva esta tarde."],
        np.zeros(0, bool),
        25.0,
        0.0,
        "es",
    )
    resumes = (len(lead) + len(first) + len(pause)) / SR
    after = [(w, b, e) for w, b, e in placement.found.words if e > resumes]
    assert after and after[0][1] <= resumes + 0.15  # the words said after the pause start where it ends


def test_a_script_all_in_another_writing_system_names_every_line():
    audio, _truth = _take(SPANISH[:2], "es+m3", 1.0)
    lines = list_lines(["Привет, как дела?", "Я иду домой."])
    _drawn, report = transcript.draw_lips(_half_open(int(len(audio) / SR * 25)), audio, lines, language="es")
    assert "Cyrillic letters" in report["error"]
    assert [r["line"] for r in report["lines_refused"]] == [1, 2]


def test_a_contact_on_a_frame_s_edge_is_drawn_on_the_same_frame_in_a_part_and_in_the_whole():
    """10 ms phone times put contacts on 40 ms frame centres: float error must not move them a frame."""
    phones = [Phone("a", 9.0, 9.1, "ipa"), Phone("f", 9.1, 9.14, "ipa"), Phone("u", 9.14, 9.4, "ipa")]
    whole = render_visemes(transcript.trim_contacts(phones), 300, fps=25.0, contact=True)
    for origin in (5.0, 6.0, 1.16):
        shifted = [
            Phone(p.symbol, round(p.start - origin, 4), round(p.end - origin, 4), p.alphabet) for p in phones
        ]
        k = round(origin * 25)
        part = render_visemes(transcript.trim_contacts(shifted), 300 - k, fps=25.0, contact=True)
        assert np.abs(whole[k:] - part).max() < 1e-6


def test_a_line_said_after_a_pause_begins_after_it_though_the_voice_matches_the_reader_badly():
    """Russian lines said by a voice espeak-ng's Russian reader matches badly (its Belarusian voice,
    through a telephone's band): the warp's free ends let the second line begin 1.6 s late, inside
    its own speech. A character's line begins after a pause (the other's turn), so the warp looks
    for it there first."""
    from scipy.signal import butter, sosfilt

    lines = ("Пожалуйста подождите", "Подождите соединения")
    voice = Voice("espeak", "be", rate=1.0, pitch=40)
    first, second = (speak(text, voice) for text in lines)
    gap = np.zeros(int(0.8 * SR), np.float32)
    band = butter(4, [300, 3400], btype="band", fs=SR, output="sos")
    audio = sosfilt(band, np.concatenate([gap, first.audio, gap, second.audio, gap])).astype(np.float32)
    begins = (2 * len(gap) + len(first.audio)) / SR + second.phones[0].start
    frames = int(len(audio) / SR * 25)

    placed = script_warp.place_lines(audio, list(lines), np.ones(frames, bool), 25.0, 0.0, "ru")

    assert placed.drawn == [0, 1], placed.refused
    assert abs(placed.span(1)[0] - begins) < 0.15, (placed.span(1), begins)


def test_a_pause_is_where_a_line_is_looked_for_first_not_the_only_place():
    """The pauses steer the warp's ends; they do not bind them: a line said straight after an ad-lib,
    with no pause between, is still found where its sounds are."""
    rng = np.random.default_rng(5)
    recording = rng.normal(size=(260, 6))
    frames = np.concatenate([np.arange(100), np.arange(130, 290)])  # one pause, 0.3 s, at index 100
    starts, stops = script_warp._run_edges(*script_warp._runs(frames), len(frames))
    slack = round(script_warp.EDGE_SLACK_S / script_warp.FRAME_S)
    assert np.flatnonzero(starts).tolist() == [*range(slack + 1), *range(100, 100 + slack + 1)]
    assert np.flatnonzero(stops).tolist() == [*range(99 - slack, 100), *range(259 - slack, 260)]
    line = recording[180:230]  # said in the middle of the run after the pause
    found = script_warp._find(line, recording, (starts, stops))
    assert found is not None and abs(found[1] - 180) <= 1 and abs(found[2] - 229) <= 1
    # a line whose sounds begin a run is placed there, not a frame before the pause
    at_pause = script_warp._find(recording[100:150], recording, (starts, stops))
    assert at_pause is not None and at_pause[1] == 100


def test_a_long_lines_first_piece_is_looked_for_after_a_pause_and_its_last_before_one(monkeypatch):
    """A line over 3 s is timed piece by piece where it was found; its pieces may reach a little past
    the whole line's span (fillers), so its first and last pieces are steered to the pauses as the
    whole line is: on real Russian prompts a long line's last piece ran into the next prompt."""
    long_line = (
        "Mi madre prepara una paella buenísima los domingos, y el perro blanco bebe agua de la fuente "
        "mientras vamos a comprar pan por la mañana."
    )
    audio, _truth = _take([long_line, SPANISH[1]], "es+f4", 1.1)
    seen = []
    real = script_warp._find

    def spy(rows, window, edges=None):
        seen.append((len(rows), len(window), edges))
        return real(rows, window, edges)

    monkeypatch.setattr(script_warp, "_find", spy)
    placed = script_warp.place_lines(audio, [long_line, SPANISH[1]], np.ones(10, bool), 25.0, 0.0, "es")
    assert placed.drawn == [0, 1]
    reading = script_warp._reading(long_line, script_languages.espeak_voice("es"))
    assert len(script_warp._units(reading, np.zeros((len(reading.ceps), 24)), 1.0)) >= 3
    piece_calls = [c for c in seen[1:] if c[2] is not None and (c[2][0].all() or c[2][1].all())]
    first, last = piece_calls[0][2], piece_calls[1][2]
    assert not first[0].all() and first[1].all()  # the first piece: where a run of speech begins
    assert first[0].any()
    assert last[0].all() and not last[1].all() and last[1].any()  # the last: where one ends


def test_a_long_lines_pieces_are_not_looked_for_past_the_pause_after_it(monkeypatch):
    """A long line's pieces may reach a little past where the whole line was found (a filler inside
    it), but not across the pause after it: that speech is the next line's. On real Russian prompts a
    long line's last piece was found in the next prompt, 2-3 s late, and took the next line's start."""
    long_line = (
        "Mi madre prepara una paella buenísima los domingos, y el perro blanco bebe agua de la fuente "
        "mientras vamos a comprar pan por la mañana."
    )
    audio, truth = _take([long_line, SPANISH[1]], "es+f4", 1.1)
    windows = []
    real = script_warp._placed_pieces

    def spy(pieces, voice_feats, start, stop, inner, edges=None):
        windows.append((start, stop))
        return real(pieces, voice_feats, start, stop, inner, edges)

    monkeypatch.setattr(script_warp, "_placed_pieces", spy)
    placed = script_warp.place_lines(audio, [long_line, SPANISH[1]], np.ones(10, bool), 25.0, 0.0, "es")
    assert placed.drawn == [0, 1]
    # the speech-only index where the second line's run of speech begins (the warp skips the pause)
    frames = np.flatnonzero(script_warp._speech_frames(warp.analyse(audio)[1]))
    pauses = np.flatnonzero(np.diff(frames) > 1)
    assert len(pauses) == 1 and frames[pauses[0]] * script_warp.FRAME_S < truth[-1].start
    assert windows and windows[0][1] <= pauses[0] + 1, (windows, pauses)


def test_a_long_line_after_the_voice_s_speech_is_used_up_is_refused_not_an_internal_error():
    """A line over 15 s of reading is looked for on means of frames; with no speech left after the
    line before it, it could not be placed: one refusal, not a crash in the pooling."""
    rows = np.random.default_rng(0).normal(size=(script_warp.MAX_ROWS * 2 + 1, 24))
    assert script_warp._find(rows, np.zeros((0, 24))) is None
    no_edges = (np.zeros(0, bool), np.zeros(0, bool))
    assert script_warp._find(rows, np.zeros((0, 24)), no_edges) is None
    assert script_warp._find(rows, rows[:40]) is None  # far too little speech for it, pooled or not
