"""Custom maps and FLAME rigs as an animator meets them: the docs' example map, a typo, no FLAME map.

The example map in docs/blender.md is the only template an animator is given: copied as is, it
blinked the left eye only. A typo in a map's key (``MouthOpn``) was a warning naming the map
``'custom'`` with no hint; a FLAME rig without an ARKit->FLAME map printed the same line twice,
naming no character and not saying the take's blinks, brows and smiles were dropped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.dualtalk_blender.scene.characters import inspect_character
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "blender.md"
CUSTOM = ("MouthOpen", "Blink_L", "Blink_R", "Smile")


def docs_example_map(tmp_path: Path) -> Path:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Custom maps") :]
    block = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "map.json"
    path.write_text(json.dumps(json.loads(block)))
    return path


def blinking(frames: int = 10) -> Motion:
    v = np.zeros((frames, 55), np.float32)
    v[4:7, ARKIT52.index("eyeBlinkLeft")] = v[4:7, ARKIT52.index("eyeBlinkRight")] = 1.0
    v[:, ARKIT52.index("jawOpen")] = 0.5
    return Motion("arkit55", v, role="A")


def test_the_docs_example_map_copied_as_is_blinks_both_eyes(tmp_path):
    face = br.make_character("Cust", CUSTOM, head="Head", neck="Neck", jaw="Jaw")
    apply_motion(face, blinking(), ApplyOptions(mapping=str(docs_example_map(tmp_path)), blinks="off"))
    bpy.context.scene.frame_set(6)
    keys = face.data.shape_keys.key_blocks
    assert keys["Blink_L"].value > 0.9 and keys["Blink_R"].value > 0.9  # Blink_R was 0: a one-eyed blinker


def test_a_typo_in_a_map_key_names_the_map_file_and_the_key_it_meant(tmp_path):
    face = br.make_character("Cust", CUSTOM, head="Head", neck="Neck")
    path = tmp_path / "badkey.json"
    path.write_text(
        '{"version":1,"space":"arkit55","map":{"jawOpen":"MouthOpn","eyeBlinkLeft":"Blink_L"},"head":"Head"}'
    )
    report = inspect_character(face, mapping=str(path))
    # was: "Cust: map 'custom' targets missing on this rig: MouthOpn"
    assert report.warnings == [
        "Cust: map 'badkey.json' targets missing on this rig: MouthOpn (did you mean 'MouthOpen'?)"
    ]


def test_a_map_with_its_own_name_is_called_by_it(tmp_path):
    face = br.make_character("Cust", CUSTOM, head="Head", neck="Neck")
    path = tmp_path / "m.json"
    path.write_text('{"name":"Cust rig v2","map":{"jawOpen":"MouthOpen","eyeBlinkLeft":"blink_l"}}')
    assert inspect_character(face, mapping=str(path)).warnings == [
        "Cust: map 'Cust rig v2' targets missing on this rig: blink_l (did you mean 'Blink_L'?)"
    ]


def test_a_flame_rig_without_a_map_is_warned_once_per_character_by_name_saying_what_is_dropped():
    keys = [f"Exp{i:03d}" for i in range(100)]
    ann = br.make_character("Ann", keys, jaw="jaw", location=(-0.5, 0, 0))
    bob = br.make_character("Bob", keys, jaw="jaw", location=(0.5, 0, 0))
    rep_a, rep_b, _ = apply_dialogue(
        ann, bob, blinking(), blinking(), ApplyOptions(gaze=False, undo_push=False)
    )
    said = "no ARKit->FLAME map file given: only jawOpen -> jaw and head -> neck are used; the take's blinks, brows, smiles"
    assert [w for w in rep_a.warnings if said in w] == [
        w for w in rep_a.warnings if w.startswith("Ann: " + said)
    ]
    assert len([w for w in rep_a.warnings if said in w]) == 1  # was the same unnamed line for A and B
    assert [w.split(":")[0] for w in rep_b.warnings if said in w] == ["Bob"]


def test_a_map_written_on_macos_finds_the_rigs_accented_keys_and_head(tmp_path):
    """A map saved on macOS holds "Lächeln" decomposed (NFD); the rig's keys and bones are composed."""
    import unicodedata

    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    face = br.make_character("Cust", ("MundÖffnen", "Lächeln"), head="Kopf_ä", neck="Neck")
    path = tmp_path / "de.json"
    path.write_text(
        json.dumps(
            {"map": {"jawOpen": nfd("MundÖffnen"), "mouthSmileLeft": nfd("Lächeln")}, "head": nfd("Kopf_ä")}
        )
    )
    report = inspect_character(face, mapping=str(path))
    assert (
        report.warnings == [] and report.head_target == "Kopf_ä"
    )  # was: both keys "missing", the head refused
    assert sorted(report.keys) == ["Lächeln", "MundÖffnen"]
