"""A Japanese animator and a Chinese one read what DualTalk says when their script could not draw the
lips (review 27b). Before:

- the panel cut the one advice that fixes a kanji script ("write it..."), and then asked "is the
  script in Japanese (kana), as Script Language says?" of a script that is Japanese;
- B, one of whose lines had kanji, was told "the script lacks lines they say?", which was false;
- a ``？`` said as a pause made B's line place "はい" in A's bleed: "6 of 6 words placed, but ...: the
  script lacks lines they say?", the script lacking nothing;
- an English script with Mandarin read "8 of 12 words placed, but its words cover 0%" and no word of
  how Mandarin is written; a Cantonese reading counted "18 of 17 words aligned".
"""

from __future__ import annotations

import kanji_reader
import pytest
import soundfile as sf
from dualtalk.cli import main
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.phonetic.script_languages import writing_advice
from dualtalk.inference.phonetic.transcript import describe, unaligned

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

KANA = (
    ("A", "ぱぱと ままは まいあさ ぱんを かいます。"),
    ("B", "はい、 まめと ばななも ほしいです。"),
    ("A", "ぼくは まいばん みかんを たべます。"),
    ("B", "あなたは ばかですか。"),
)
HAN = (
    ("A", "妈妈买了八把伞。"),
    ("B", "爸爸不怕麻烦，他慢慢地跑步。"),
    ("A", "我们明天去北京买面包吧。"),
    ("B", "好吧，妈妈。"),
)
ENGLISH = "A: Papa and mama buy bread every morning.\nB: Yes, I want beans and bananas too.\n"
ENGLISH += "A: I eat oranges every night.\nB: Are you stupid?\n"


def _dialogue(folder, lines, voices):
    """The lines said in turn by two espeak-ng voices (its command line's files, as a user makes
    them), each channel with 5 % of the other's bleed."""
    import subprocess

    import numpy as np

    said = []
    for i, (who, text) in enumerate(lines):
        wav = folder / f"line{i}.wav"
        subprocess.run(["espeak-ng", "-v", voices[int(who == "B")], "-w", str(wav), text], check=True)
        x, sr = sf.read(wav, dtype="float32")
        said.append(x)
    gap = int(0.6 * sr)
    two = np.zeros((int(0.5 * sr) + sum(len(x) + gap for x in said) + int(0.5 * sr), 2), np.float32)
    at = int(0.5 * sr)
    for (who, _text), x in zip(lines, said, strict=True):
        two[at : at + len(x), int(who == "B")] = x
        at += len(x) + gap
    sf.write(folder / "talk.wav", two + 0.05 * two[:, ::-1], sr)
    return folder / "talk.wav"


@pytest.fixture(scope="module")
def japanese(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ja")
    return _dialogue(folder, KANA, ("ja+m3", "ja+f2"))


@pytest.fixture(scope="module")
def mandarin(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cmn")
    return _dialogue(folder, HAN, ("cmn-latn-pinyin+m3", "cmn-latn-pinyin+f2"))


def _infer(audio, tmp_path, script: str, language: str) -> dict:
    (tmp_path / "script.txt").write_text(script, encoding="utf-8")
    out = tmp_path / "take"
    argv = ["infer", "--quiet", "--out", str(out), "--audio", str(audio), "--transcript",
            str(tmp_path / "script.txt"), "--transcript-language", language, "--engine", "lite", "--device", "cpu"]  # fmt: skip
    assert main(argv) == 0
    return {k.lower(): load_motion(out / f"{k}.npz").meta["transcript"] for k in "AB"}


def test_a_kanji_script_tells_the_panel_to_write_kana_and_names_bs_kanji_line(
    japanese, tmp_path, monkeypatch
):
    script = "A: 父と母は毎朝パンを買います。\nB: はい、豆とバナナも欲しいです。\n"
    script += "A: 僕は毎晩みかんを食べます。\nB: あなたはばかですか。\n"
    with kanji_reader.missing(monkeypatch):  # without SudachiPy to read the kanji
        report = _infer(japanese, tmp_path, script, "ja")
    b = report["b"]["error"]
    assert b.startswith("line 2 'はい、豆とバナナも欲しいです。': it is written in kanji"), b
    assert f"{writing_advice('ja')}; without it," in b
    assert "lacks lines" not in b
    panel = unaligned(report, "ja")
    assert panel is not None
    assert panel.endswith("write it in kana (espeak-ng cannot read kanji), or let kanji be read: "
                          "pip install sudachipy sudachidict_core (the add-on's Install dependencies adds them)"), panel  # fmt: skip
    assert "as Script Language says" not in panel and "..." not in panel, panel
    assert "B: line 2 'はい、豆とバナナも欲しいです。': it is written in kanji" in panel
    assert "write it in kana" in describe(report)


def test_a_question_mark_said_as_a_pause_draws_the_line_in_a_take_with_bleed(japanese, tmp_path):
    script = "".join(f"{who}: {text}\n" for who, text in KANA).replace("はい、", "はい？")
    report = _infer(japanese, tmp_path, script, "ja")
    b = report["b"]
    # "はい" was placed in A's bleed (the reading's pause after ？ matched to it) and B refused whole
    assert not b.get("error"), b.get("error")
    assert b["aligned"] == b["words"] == 6 and b["lines_refused"] == []


def test_an_english_script_read_as_mandarin_says_how_mandarin_is_written(mandarin, tmp_path):
    report = _infer(mandarin, tmp_path, ENGLISH, "cmn")
    # A's "Papa and mama buy bread..." read as pinyin fits A's 妈妈买了八把伞 (as on a take without
    # bleed): that line is drawn; B's lines fit nowhere and B's warning says how Mandarin is written
    error = report["b"]["error"]
    assert "tone-numbered pinyin (ni3 hao3)" in error, error
    assert "lacks lines" not in error and "but its words cover 0%" not in error, error
    panel = unaligned(report, "cmn")
    assert panel is not None and panel.count("ni3 hao3") == 1, panel
    assert "is the script in cmn" not in panel


def test_a_word_split_by_a_pause_is_counted_once(mandarin, tmp_path):
    script = "".join(f"{who}: {text}\n" for who, text in HAN)
    report = _infer(mandarin, tmp_path, script, "yue")
    for key in "ab":
        assert report[key]["aligned"] <= report[key]["words"], report[key]


def test_chinese_region_tags_read_as_espeak_ng_speaks_them_and_the_list_names_cmn():
    """A Taiwanese animator typed ``zh-tw``: "espeak-ng speaks no such language" although ``zh`` reads
    traditional characters; the list it offered never named ``cmn`` or ``zh``, the README's codes."""
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.inference.phonetic.script_languages import espeak_voice, foreign_letters

    for tag in ("zh-tw", "zh-TW", "zh_Hant", "zh-sg"):
        assert espeak_voice(tag) == espeak_voice("zh") == espeak_voice("cmn"), tag
        assert foreign_letters("媽媽買了八把傘。", tag) == ""
    assert espeak_voice("zh-hk") == espeak_voice("yue")
    with pytest.raises(DualTalkError, match=r"try en, es, .*cmn or zh, ja, ko;"):
        espeak_voice("xx-yy")
