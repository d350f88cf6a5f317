"""An animator types a script with a price and a date (``A: I paid $5 on 12/10/2026.``) and presses
Generate. The take is keyed at once and the run's folder removed, and with it ``script_read.tsv``, the
one place that said the line was read as "i paid five dollars on twelve ten twenty twenty six": the
animator never saw what their script was read as for that take. Now the reading stays in the .blend,
in a text of the Text Editor the status line names (``DualTalk script read – v1 (Alice & Bob)``).

The next take of that name replaces the text (one text per take, never a pile); a take under
another Take name gets its own, and Play Take of a kept take names that take's text. A take made
without a script writes none, and its take's earlier reading goes. Remove Take removes the text of
the take it removes (Ctrl+Z brings it back); a take one character still plays keeps it. A text the
animator wrote, whatever its name, or one of ours they edited, is never replaced or removed. A take
Generate had to keep on disk (a character deleted while it ran) says in the same words where its
reading went, and Apply Saved Take names both the text and that file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.inference.phonetic.script_reading import HEADER

SCRIPT = "A: I paid $5 on 12/10/2026.\nB: Fine.\n"
V1 = "DualTalk script read – v1 (Alice & Bob)"
V2 = "DualTalk script read – v2 (Alice & Bob)"


def reading(said: str) -> str:
    """A script_read.tsv as the engine writes it, A's line read as ``said``."""
    return HEADER + f"\n1\tA\ten\tI paid $5.\t{said}\tdrawn\t0.10\t0.90\t\n"


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def ours() -> list[str]:
    """The texts holding a take's reading, by name."""
    from dualtalk.dualtalk_blender.scene import reading_text

    return sorted(t.name for t in bpy.data.texts if reading_text.PROP in t)


def generate(scene) -> str:
    """Generate pressed (headless, it runs to the end); the status line."""
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}, status()
    return status()


def kept_take(folder: Path, wav: Path, said: str | None) -> Path:
    """A take folder with its reading (as Generate keeps one, or ``infer --out`` writes): 2 s of the
    recording the saved take was made from, as its motion files say (so Play Take can bring it back)."""
    from dualtalk.inference.core.file_fingerprint import recording_fingerprint
    from dualtalk.inference.core.motion import Motion, save_motion

    folder.mkdir()
    source = {"audio": str(wav), "end": 2.0, "fingerprint": recording_fingerprint([wav])}
    t = np.arange(50)[:, None] / 25.0
    for i, role in enumerate("AB"):
        values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + i) * t + np.arange(55))).astype(np.float32)
        speaking = (np.arange(50) < 25) if role == "A" else (np.arange(50) >= 25)
        motion = Motion(
            "arkit55", values, speaking=speaking, role=role, engine="lite", meta={"source": source}
        )
        save_motion(folder / f"{role}.npz", motion)
    made = {"engine": "lite", "start_time": 0.0, "audio_files": [str(wav)]}
    (folder / "result.json").write_text(json.dumps(made), encoding="utf-8")
    if said is not None:
        (folder / "script_read.tsv").write_text(reading(said), encoding="utf-8")
    return folder


def apply(scene, folder: Path, take: str) -> str:
    """Apply Saved Take of ``folder`` under the panel's Take ``take``: the keying and line Generate's
    take goes through, without another run of the engine."""
    scene.dualtalk.take_name = take
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}, status()
    return status()


@pytest.fixture(scope="module")
def made(assets, tmp_path_factory):
    """A take 'v1' Generated from the script in the panel, saved: (the .blend, its status line)."""
    folder = tmp_path_factory.mktemp("scripted")
    script = folder / "scene.txt"
    script.write_text(SCRIPT, encoding="utf-8")

    def make(scene) -> str:
        alice, bob = ah.two_characters()
        ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
        scene.dualtalk.transcript = str(script)
        scene.dualtalk.take_name = "v1"
        return generate(scene)

    blend = folder / "scripted.blend"
    return blend, ah.made_and_saved(blend, assets["models"], make)


def test_a_scripted_generate_leaves_each_line_as_read_in_a_text_the_line_names(scene, made):
    blend, line = made
    assert line.startswith("DualTalk: animated") and "lips from the transcript" in line, line
    assert f"; each script line as read is in the text '{V1}'" in line, line

    ah.open_take(blend)  # saved with the file
    text = bpy.data.texts[V1].as_string()
    assert text.startswith(HEADER + "\n"), text
    assert "\tI paid $5 on 12/10/2026.\ti paid five dollars on twelve ten twenty twenty six\t" in text
    assert "\n2\tB\ten\tFine.\tfine\t" in text
    assert ours() == [V1]


def test_the_next_take_of_a_name_replaces_its_reading_and_the_animators_texts_stay(
    scene, made, assets, tmp_path
):
    scene, _alice, _bob = ah.open_take(made[0])
    notes = bpy.data.texts.new("scene notes")
    notes.from_string("B enters late\n")
    theirs = bpy.data.texts.new(V2)  # the animator's own text, by chance of the name v2's would take
    theirs.from_string("my plan for v2\n")
    v1 = bpy.data.texts[V1]

    line = apply(scene, kept_take(tmp_path / "again", assets["wav"], "i paid five bucks"), "v1")

    folder = tmp_path / "again"
    assert f"; each script line as read is in the text '{V1}' and in {folder / 'script_read.tsv'}" in line
    assert bpy.data.texts[V1] == v1 and v1.as_string() == reading("i paid five bucks")  # replaced in place
    assert ours() == [V1]

    line = apply(scene, kept_take(tmp_path / "v2", assets["wav"], "i paid five"), "v2")  # a new take name
    v2 = next(t for t in bpy.data.texts if t.as_string() == reading("i paid five"))
    assert v2.name == f"{V2}.001" and f"is in the text '{V2}.001'" in line, line
    assert ours() == [V1, f"{V2}.001"]  # v1 is kept in the file: so is its reading

    v2.from_string(v2.as_string() + "checked: fine\n")  # the animator notes on our text: theirs now
    edited = v2.as_string()
    apply(scene, kept_take(tmp_path / "v2b", assets["wav"], "i paid five dollars"), "v2")
    assert v2.as_string() == edited  # not replaced; the new reading went into a text of its own
    assert sum(t.as_string() == reading("i paid five dollars") for t in bpy.data.texts) == 1

    bpy.ops.ed.undo_push(message="before the take without a script")
    line = apply(scene, kept_take(tmp_path / "plain", assets["wav"], None), "v1")  # v1 again, no script
    assert "script line as read" not in line, line
    assert V1 not in bpy.data.texts  # v1's reading went with the take it described
    assert notes.as_string() == "B enters late\n" and theirs.as_string() == "my plan for v2\n"
    assert v2.as_string() == edited
    bpy.ops.ed.undo_push(message="Apply Saved Take")  # what Blender records after an operator with UNDO
    bpy.ops.ed.undo()  # Ctrl+Z: the take and its reading back
    assert bpy.data.texts[V1].as_string() == reading("i paid five bucks")


def test_play_take_names_the_reading_and_remove_take_removes_it_undo_brings_it_back(
    scene, made, assets, tmp_path
):
    scene, _alice, _bob = ah.open_take(made[0])
    bpy.data.texts.new("scene notes")
    apply(scene, kept_take(tmp_path / "v2", assets["wav"], "i paid five"), "v2")
    v2 = next(t.name for t in bpy.data.texts if t.as_string() == reading("i paid five"))
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}
    assert f"; each script line as read is in the text '{V1}'" in status(), status()

    from dualtalk.operators.remove_take import readings_going  # what the confirmation adds

    pair = [scene.dualtalk.char_a, scene.dualtalk.char_b]
    assert readings_going(pair) == f" The text '{V1}', what its script lines were read as, goes with it."
    assert readings_going(pair[:1]) == ""  # A's part only: Bob still plays v1
    bpy.ops.ed.undo_push(message="before Remove Take")
    with bpy.context.temp_override(scene=scene):  # v1 goes; v2, kept in the file, plays again
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert "take 'v2' plays again" in status() and f"removed the text '{V1}'" in status(), status()
    assert ours() == [v2]
    bpy.ops.ed.undo_push(message="Remove Take")  # what Blender records after an operator with UNDO
    bpy.ops.ed.undo()  # Ctrl+Z
    assert ours() == sorted([V1, v2]) and bpy.data.texts[V1].as_string().startswith(HEADER)

    with bpy.context.temp_override(scene=bpy.context.scene):  # an undo reloads the data
        assert bpy.ops.dualtalk.remove_take(character="A") == {"FINISHED"}  # Bob still plays v1
        assert V1 in ours() and "removed the text" not in status(), status()
        assert bpy.ops.dualtalk.remove_take(character="B") == {"FINISHED"}
        assert ours() == [v2] and f"removed the text '{V1}'" in status(), status()
        bpy.ops.ed.undo_push(message="before the last Remove Take")
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}  # the last take: back to before DualTalk
    assert ours() == [] and f"removed the text '{v2}'" in status(), status()
    assert "scene notes" in bpy.data.texts  # the animator's own text stays through it all

    bpy.ops.ed.undo_push(message="Remove Take")
    bpy.ops.ed.undo()  # v2 plays again; a pipeline script removes it through the Python API
    from dualtalk.dualtalk_blender.scene.remove_take import remove_take

    pair = [bpy.context.scene.dualtalk.char_a, bpy.context.scene.dualtalk.char_b]
    assert ours() == [v2]
    assert remove_take(pair, bpy.context.scene).texts == [v2]
    assert ours() == [] and "scene notes" in bpy.data.texts


def test_a_face_renamed_after_its_take_keeps_its_reading_in_play_take_and_remove_take(
    scene, made, assets, tmp_path
):
    """Alice renamed Alicia after take v1 (a kept take follows renames, session 39): Play Take still
    names v1's reading, and Remove Take's confirmation names the text the removal then removes (before:
    the text was recorded under 'Alice', so Play said nothing and the confirmation nothing, while the
    removal removed it)."""
    scene, alice, _bob = ah.open_take(made[0])
    alice.name = "Alicia"
    apply(scene, kept_take(tmp_path / "v2", assets["wav"], "i paid five"), "v2")
    assert "DualTalk script read – v2 (Alicia & Bob)" in ours()
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}
    assert f"; each script line as read is in the text '{V1}'" in status(), status()

    from dualtalk.operators.remove_take import readings_going

    pair = [scene.dualtalk.char_a, scene.dualtalk.char_b]
    assert readings_going(pair) == f" The text '{V1}', what its script lines were read as, goes with it."
    assert readings_going(pair[:1]) == ""  # Bob still plays v1
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert f"removed the text '{V1}'" in status() and ours() == ["DualTalk script read – v2 (Alicia & Bob)"]


def test_a_take_kept_on_disk_says_where_its_reading_went(scene, assets, tmp_path, private_tmp):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    script = tmp_path / "scene.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    scene.dualtalk.transcript = str(script)
    from dualtalk.dualtalk_blender.addon import ui_run

    prefs = bpy.context.preferences.addons[ah.ADDON].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    bpy.data.objects.remove(bob)  # deleted while it generates: the take is kept on disk

    outcome = ah.take_comes_back(run)

    found = re.search(r"directory='([^']*)'\)", outcome.message)
    assert not outcome.ok and found, outcome.message
    kept = Path(found.group(1)) / "script_read.tsv"
    assert outcome.message.endswith(f"; each script line as read is in {kept}"), outcome.message
    assert "i paid five dollars on twelve ten" in kept.read_text(encoding="utf-8")
    assert ours() == []  # nothing keyed, no text
