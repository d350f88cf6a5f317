"""A Japanese animator writes the dialogue script the usual way, in kanji and kana (私は東京へ行きます),
and gives Script Language Japanese. espeak-ng's Japanese voice reads kana only, so before, every
line with a kanji was refused ("write it in kana"): the character kept the engine's lips. Now
SudachiPy reads the kanji into kana first, and the particles は/へ/を as they are said (wa/e/o), so
the script draws the same mouth as the same lines written out in kana. Without SudachiPy a kanji
line is still refused, in one line that names the install."""

from __future__ import annotations

import kanji_reader
import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic import transcript as tr

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
SR = 16000
# (how the script says it, how the voice says it: kana, particles as spoken)
LINES = (
    ("私は東京へ行きます。", "わたしわ とうきょうえ いきます。"),
    ("明日、駅の前で会いましょう。", "あした、 えきの まえで あいましょう。"),
    ("コーヒーを一杯飲みませんか？", "コーヒーお いっぱい のみませんか？"),
    ("僕の友達はピアノを弾きます。", "ぼくの ともだちわ ピアノお ひきます。"),
)


def _voice(said, gaps=(0.9, 1.6, 1.1, 2.0)):
    """One character's stream: each line said by espeak-ng from its kana, with pauses between."""
    pieces = []
    for k, text in enumerate(said):
        pieces += [np.zeros(int(SR * gaps[k % len(gaps)]), np.float32),
                   speak(text, Voice("espeak", "ja+m3", 1.0, 40, 50)).audio]  # fmt: skip
    audio = np.concatenate([*pieces, np.zeros(SR, np.float32)])
    return audio + np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)


def _lips(audio, texts):
    motion = Motion("arkit55", np.full((int(len(audio) / SR * 25), 55), 0.2, np.float32), engine="lite")
    lines = [tr.Line(k + 1, "A", text) for k, text in enumerate(texts)]
    return tr.draw_lips(motion, audio, lines, language="ja")


@pytest.fixture
def no_sudachipy(monkeypatch):
    with kanji_reader.missing(monkeypatch):
        yield


@kanji_reader.needs_it
def test_a_script_in_kanji_draws_the_same_mouth_as_the_same_lines_in_kana():
    kanji_reader.forget()
    audio = _voice([said for _script, said in LINES])
    kanji, kanji_report = _lips(audio, [script for script, _said in LINES])
    assert not kanji_report.get("error"), kanji_report.get("error")
    assert kanji_report["lines_drawn"] == [1, 2, 3, 4] and kanji_report["lines_refused"] == []
    # the same lines as a Japanese writer spells them in kana: は, へ, を as written
    kana, kana_report = _lips(audio, ["わたしは とうきょうへ いきます。", "あした、 えきの まえで あいましょう。",
                                      "コーヒーを いっぱい のみませんか？", "ぼくの ともだちは ピアノを ひきます。"])  # fmt: skip
    assert kana_report["lines_drawn"] == [1, 2, 3, 4]
    np.testing.assert_allclose(kanji.values, kana.values, atol=0.05)
    assert kanji_report["aligned"] == kana_report["aligned"]


@kanji_reader.needs_it
def test_particles_are_read_as_they_are_said():
    from dualtalk.inference.phonetic.japanese_reading import reading

    assert reading("私は東京へ行きます。") == "わたしわ とうきょうえ いきます。"
    assert reading("本を読む").replace(" ", "") == "ほんおよむ"
    assert (
        reading("こんにちは、では、また。").replace(" ", "") == "こんにちわ、でわ、また。"
    )  # a greeting, a conjunction
    assert (
        reading("はい、橋を渡る").replace(" ", "") == "はい、はしおわたる"
    )  # a は that is no particle stays
    # espeak-ng then says them so: "wa" and "e", not "ha" and "he"
    ipa = speak(reading("私は東京へ"), Voice("espeak", "ja")).phones
    said = "".join(p.symbol for p in ipa)
    assert "w" in said and "h" not in said, said


@kanji_reader.needs_it
def test_numbers_and_latin_letters_are_said_in_japanese():
    from dualtalk.inference.phonetic.japanese_reading import reading

    def kana(text):
        return reading(text).replace(" ", "")

    assert kana("2025年の夏") == "にせんにじゅうごねんのなつ"  # not SudachiPy's ニレイニゴ
    assert kana("三百円") == "さんびゃくえん"
    assert kana("りんごを3つ") == "りんごおみっつ"  # one digit: read with its counter
    assert kana("ＡＩの研究") == "エーアイのけんきゅう"  # espeak-ng spells full-width letters out
    # a counter and its number said as one word (SudachiPy reads each alone: に+ばい, じゅう+ふん)
    assert kana("コーヒーを二杯") == "コーヒーおにはい"
    assert kana("駅まで10分") == "えきまでじゅっぷん"
    assert kana("八月二十日") == "はちがつはつか"
    assert kana("卵を六個") == "たまごおろっこ"


def test_without_sudachipy_a_kanji_line_is_refused_in_one_line_that_names_the_install(no_sudachipy):
    why = script_warp.foreign_writing("私は東京へ行きます。", "ja")
    assert why.startswith("it is written in kanji"), why
    assert "pip install sudachipy sudachidict_core" in why and "\n" not in why
    assert "Install dependencies" in why  # the add-on's button, which installs them
    assert (
        script_warp.foreign_writing("わたしは とうきょうへ いきます。", "ja") == ""
    )  # kana is read as before
    # a whole script so: the character keeps the engine's lips, and the take's line says the fix
    audio = _voice([said for _script, said in LINES[:2]])
    _drawn, report = _lips(audio, [script for script, _said in LINES[:2]])
    assert report["error"] and "pip install sudachipy sudachidict_core" in report["error"]
    panel = tr.unaligned({"a": report, "b": {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}}, "ja")
    assert panel is not None and panel.count("pip install sudachipy sudachidict_core") == 1, panel


def test_the_add_on_installs_the_kanji_reader_the_refusal_names():
    from dualtalk.dualtalk_blender.addon import deps
    from dualtalk.inference.phonetic.script_languages import writing_advice

    named = writing_advice("ja").split("pip install ")[1].split(" (")[0].split()
    assert named == ["sudachipy", "sudachidict_core"]
    assert set(named) <= set(deps.PACKAGES)
