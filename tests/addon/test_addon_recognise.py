"""An animator with a recording and no script: under *Transcript*, *Recognise Words (English)* asks
for the words to be recognised from each voice and the lips drawn from them; it is offered only while
no transcript is chosen, and it reaches the worker's request."""

from __future__ import annotations

import addon_helpers as ah
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings, worker_client
from dualtalk.inference import worker
from test_addon_panel import draw_panel


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def props(scene) -> list[str]:
    return [name for kind, name in draw_panel(scene) if kind == "prop"]


def test_the_box_sits_under_the_transcript_while_no_script_is_chosen(scene, tmp_path):
    shown = props(scene)
    assert shown[shown.index("transcript") + 1] == "recognise"
    rna = scene.dualtalk.bl_rna.properties["recognise"]
    assert rna.name == "Recognise Words (English)" and "English only" in rna.description
    script = tmp_path / "scene.txt"
    script.write_text("A: hello\n", encoding="utf-8")
    scene.dualtalk.transcript = str(script)
    assert "recognise" not in props(scene)  # a script is what is read then


def test_a_ticked_box_reaches_the_workers_request_and_a_chosen_script_overrides_it(scene, tmp_path):
    a, b = ah.two_characters()
    s = scene.dualtalk
    s.char_a, s.char_b, s.audio = a, b, str(ah.write_dialogue_wav(tmp_path / "talk.wav"))
    s.recognise = True
    read = worker.read_job(
        worker_client.write_job(tmp_path / "job.json", panel_settings.build_job(s, tmp_path / "w"))
    )
    assert read["request"].recognise is True and read["request"].transcript is None
    script = tmp_path / "scene.txt"
    script.write_text("A: hello\n", encoding="utf-8")
    s.transcript = str(script)  # the box is hidden, still ticked: the script is read, nothing refused
    job = panel_settings.build_job(s, tmp_path / "w")
    read = worker.read_job(worker_client.write_job(tmp_path / "job2.json", job))
    assert read["request"].recognise is False and read["request"].transcript == str(script)
