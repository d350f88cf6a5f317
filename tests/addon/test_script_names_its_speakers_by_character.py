"""Review rv38a F8: a Japanese animator's script names its speakers as the characters are named
(``花子: ...``), and the take was refused ("unknown speaker '花子' (expected A, B)") unless a turns file
gave those names. The engine now takes the characters' names beside A and B; the panel's Character A/B
and animate's --char-a/--char-b (one command or a job shot) hand them over with the script."""

from __future__ import annotations

import addon_helpers as ah
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.addon.panel_settings import panel_request
from dualtalk.dualtalk_blender.commands.jobs import Shot


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def test_the_panel_hands_the_characters_names_over_with_the_script(scene, tmp_path):
    talk, script = tmp_path / "会話.wav", tmp_path / "台本.txt"
    sf.write(talk, np.zeros((16000, 2), np.float32), 16000)
    script.write_text("花子: おはよう。\nボブ: おはよう。\n", encoding="utf-8")
    a, b = ah.two_characters()
    a.name, b.name = "花子", "ボブ"
    ckpt = tmp_path / "lite.pt"
    ckpt.write_bytes(b"weights")
    ah.setup_panel(scene, a, b, talk, ckpt)
    scene.dualtalk.transcript = str(script)

    req = panel_request(scene.dualtalk)

    assert (req.character_a, req.character_b) == ("花子", "ボブ")


def test_without_a_script_no_names_travel(scene, tmp_path):
    talk = tmp_path / "talk.wav"
    sf.write(talk, np.zeros((16000, 2), np.float32), 16000)
    a, b = ah.two_characters()
    ckpt = tmp_path / "lite.pt"
    ckpt.write_bytes(b"weights")
    ah.setup_panel(scene, a, b, talk, ckpt)

    req = panel_request(scene.dualtalk)

    assert (req.character_a, req.character_b) == (None, None)


def test_an_animate_shot_with_a_script_carries_its_characters_names(tmp_path):
    shot = Shot.build(
        "s1", {"transcript": str(tmp_path / "台本.txt")}, blend=tmp_path / "x.blend", char_a="花子",
        char_b="José Ñúñez", out=tmp_path / "s1.blend",
    )  # fmt: skip

    assert (shot.req.character_a, shot.req.character_b) == ("花子", "José Ñúñez")
