"""A Brazilian animator gives the script of two lines ("Vamos à praia amanhã depois do almoço?",
"Minha mãe mora perto do mercado.") said by two espeak-ng voices, the held-out clips of the
languages set (``heldout --scripts``: pt2_f5, pt4_m7). The warp places each short /p/ or /v/ on one
frame; that frame used to lie inside the open vowel beside it, and the lips shut "mora" before
"perto" and an /a/ before "Vamos". Drawn for a script, a short contact now takes the frame on its
midpoint's other side (``render_visemes(spare_open=True)``): every bilabial still closes and no
open vowel is shut. Scored by the published evaluator, as MODEL_CARD's rows are."""

from __future__ import annotations

import json

import pytest
from dualtalk.cli import main
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.training.lite.heldout import write_clip
from dualtalk.training.lite.synth import LANGUAGES

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


def _clip(folder, stem: str, sentence: int, variant: str) -> None:
    """As ``heldout --scripts`` writes it: the sentence in the held-out voice, its text beside it."""
    text = LANGUAGES["pt"].sentences[sentence - 1]
    female = variant.startswith("f")
    voice = Voice("espeak", f"pt-br+{variant}", 1.0, 65.0 if female else 40.0, 60.0, female)
    write_clip(folder, stem, "pt-br", speak(text, voice))
    (folder / f"{stem}.txt").write_text(text + "\n", encoding="utf-8")


def test_a_portuguese_script_closes_every_bilabial_and_shuts_no_open_vowel(tmp_path, capsys):
    _clip(tmp_path, "pt2_f5_normal", 2, "f5")
    _clip(tmp_path, "pt4_m7_normal", 4, "m7")
    argv = ["eval", "lipsync", "--aligned", str(tmp_path), "--transcripts"]
    assert main([*argv, "--transcript-aligner", "warp", "--json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{") :])
    assert report["transcripts"]["aligned"] == 2
    for clip in report["per_clip"]:
        assert clip["model"]["closure_rate"] == 1.0, clip["clip"]
        # before: pt2_f5 shut 1 of 8 open vowels, pt4_m7 1 of 5
        assert clip["model"]["open_closed_rate"] == 0.0, clip["clip"]
