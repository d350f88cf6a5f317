"""The add-on as a user meets it: enable it, pick two characters and a recording in the
DualTalk panel, press Generate (worker process, real tiny engine), cancel, crash, export."""

from __future__ import annotations

import os
import time

import addon_helpers as ah
import bpy
import dualtalk
import pytest
from dualtalk.dualtalk_blender.addon import panel_fbx, pickers, ui_run
from dualtalk.dualtalk_blender.addon.worker_client import CANCELLED, RUNNING
from dualtalk.dualtalk_blender.scene.layers import take_actions


def test_register_and_unregister_twice_cleanly():
    for _ in range(2):
        dualtalk.register()
        assert hasattr(bpy.types.Scene, "dualtalk")
        assert hasattr(bpy.ops.dualtalk, "generate")
        assert "DUALTALK_PT_main" in dir(bpy.types)
        assert "DUALTALK_PT_behaviour" in dir(bpy.types)  # the Behaviour sub-panel
        dualtalk.unregister()
        assert not hasattr(bpy.types.Scene, "dualtalk")
        assert "DUALTALK_PT_main" not in dir(bpy.types)


def test_character_pickers_only_offer_characters_and_show_a_summary(scene):
    a, b = ah.two_characters()
    lamp = bpy.data.objects.new("Lamp", bpy.data.lights.new("Lamp", "POINT"))
    scene.collection.objects.link(lamp)
    assert pickers.qualifies(a) and pickers.qualifies(a.parent)
    assert not pickers.qualifies(lamp)
    assert "52/52" in pickers.character_summary(a)
    assert pickers.character_summary(None) == "no character chosen"


def test_generate_animates_both_characters_with_markers_and_sound(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    for obj in (a, b):
        keys = obj.data.shape_keys
        assert take_actions(keys), f"{obj.name} got no shape-key layers"
    assert any(m.name.startswith("DT ") for m in scene.timeline_markers)
    strips = [s for s in scene.sequence_editor.strips if s.get("dualtalk")]
    assert len(strips) == 1 and strips[0].type == "SOUND"
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running and "animated" in status.last
    assert ui_run.ACTIVE is None


def test_cancel_mid_run_leaves_the_scene_untouched(scene, assets, monkeypatch):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    before = ah.scene_fingerprint(scene)
    # The worker stalls once generation starts, so "mid-run" is deterministic.
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@generate")
    run = ui_run.GenerationRun(scene, scene.dualtalk, bpy.context.preferences.addons["dualtalk"].preferences)
    run.start()
    deadline = time.monotonic() + 120
    while run.worker.stage != "generate" and run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.worker.stage == "generate", run.worker.error
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.cancel.poll()
        bpy.ops.dualtalk.cancel()
    assert run.step() == CANCELLED
    outcome = run.finish()
    assert not outcome.ok and "cancelled" in outcome.message
    assert ah.scene_fingerprint(scene) == before
    assert not run.work_dir.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(run.worker.pid, 0)


def test_worker_crash_is_reported_and_changes_nothing(scene, assets, monkeypatch):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    before = ah.scene_fingerprint(scene)
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "crash@start")
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match="crashed"):
        bpy.ops.dualtalk.generate()
    assert ah.scene_fingerprint(scene) == before
    assert "crashed" in bpy.context.window_manager.dualtalk_status.last


def _run_dirs() -> set[str]:
    import glob
    import tempfile

    return set(glob.glob(os.path.join(tempfile.gettempdir(), "dualtalk_run_*")))


def test_bad_input_is_one_clear_error_before_any_work(scene, assets, tmp_path):
    leftovers = _run_dirs()
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, tmp_path / "missing.wav", assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        with pytest.raises(RuntimeError, match="audio file not found"):
            bpy.ops.dualtalk.generate()
        scene.dualtalk.audio = str(assets["wav"])
        scene.dualtalk.char_b = a
        with pytest.raises(RuntimeError, match="must be different"):
            bpy.ops.dualtalk.generate()
        scene.dualtalk.char_b = b
        scene.dualtalk.audio_form = "TWO_FILES"
        with pytest.raises(RuntimeError, match="audio file of B"):
            bpy.ops.dualtalk.generate()
        # A broken custom map is caught before any inference, not after it.
        scene.dualtalk.audio_form = "STEREO"
        broken = tmp_path / "map.json"
        broken.write_text('{"mapping": ')
        scene.dualtalk.map = str(broken)
        with pytest.raises(RuntimeError, match="not valid JSON"):
            bpy.ops.dualtalk.generate()
    assert ui_run.ACTIVE is None
    assert _run_dirs() <= leftovers  # no temp job folder left behind


def test_a_flame_map_in_the_preferences_that_has_moved_stops_generate_with_one_line(scene, assets, tmp_path):
    """FLAME rigs need the preferences' FLAME map for the embedded model's ARKit output. A map file
    that has since moved was silently dropped: the run keyed jaw and head only and said "no map
    file given", though one was. It is refused before any work, naming the file and where it is set."""
    leftovers = _run_dirs()
    exps = [f"Exp{i:03d}" for i in range(50)]
    a = ah.br.make_character("FlameA", exps, location=(-0.5, 0.0, 0.0), jaw="jaw")
    b = ah.br.make_character("FlameB", exps, location=(0.5, 0.0, 0.0), jaw="jaw")
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    moved = tmp_path / "moved" / "arkit_flame_map.npy"
    bpy.context.preferences.addons["dualtalk"].preferences.flame_map = str(moved)
    before = ah.scene_fingerprint(scene)
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.generate()
    said = str(err.value)
    assert f"FLAME map file in the add-on preferences not found: {moved}" in said, said
    assert ah.scene_fingerprint(scene) == before
    assert ui_run.ACTIVE is None and _run_dirs() <= leftovers


def test_worker_error_from_the_engine_reaches_the_user(scene, assets, tmp_path):
    a, b = ah.two_characters()
    bogus = tmp_path / "not_a_checkpoint.pth"
    bogus.write_bytes(b"definitely not torch")
    ah.setup_panel(scene, a, b, assets["wav"], bogus)
    before = ah.scene_fingerprint(scene)
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match="not_a_checkpoint"):
        bpy.ops.dualtalk.generate()
    assert ah.scene_fingerprint(scene) == before


def test_export_fbx_writes_both_characters(scene, assets, tmp_path):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    out = tmp_path / "pair.fbx"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(out)) == {"FINISHED"}
        with pytest.raises(RuntimeError, match=r"\.fbx"):
            bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "pair.txt"))
    data = out.read_bytes()
    assert data.startswith(b"Kaydara FBX Binary") and b"Alice" in data and b"Bob" in data
    assert not (tmp_path / "pair.txt").exists()


def test_regenerate_selection_replaces_only_the_preview_range(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.keys = "reduced"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        kb = a.data.shape_keys.key_blocks["jawOpen"]

        def jaw():
            values = []
            for f in range(scene.frame_start, scene.frame_end + 1):
                scene.frame_set(f)
                values.append(kb.value)
            return values

        before = jaw()
        with pytest.raises(RuntimeError, match="preview range"):
            bpy.ops.dualtalk.regenerate_range()
        scene.use_preview_range = True
        scene.frame_preview_start, scene.frame_preview_end = 20, 30
        _hand_key_jaw(a, 25, 0.9)  # the re-generated stretch will differ (a range uses the take's settings)
        before = jaw()
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
        after = jaw()
    status = bpy.context.window_manager.dualtalk_status
    assert "re-generated frames 20-30 (cross-faded over 16-34)" in status.last
    frames = range(scene.frame_start, scene.frame_end + 1)
    changed = [f for f, x, y in zip(frames, before, after, strict=True) if abs(x - y) > 1e-6]
    assert changed and min(changed) >= 16 and max(changed) <= 34


def _generate_with_script(scene, assets, folder, lines: tuple[str, str], voices: tuple, script: str) -> str:
    """A speaks its line, then B (0.5 s apart, one per channel); Generate with ``script`` as the
    panel's *Transcript*; the status line."""
    import numpy as np
    import soundfile as sf
    from dualtalk.inference.audio.tts import speak

    ua, ub = (speak(line, voice) for line, voice in zip(lines, voices, strict=True))
    n = len(ua.audio) + len(ub.audio) + 8000
    stereo = np.zeros((n, 2), np.float32)
    stereo[: len(ua.audio), 0] = ua.audio
    stereo[len(ua.audio) + 8000 :, 1] = ub.audio
    sf.write(folder / "talk.wav", stereo, 16000)
    (folder / script).write_text(f"A: {lines[0]}\nB: {lines[1]}\n", encoding="utf-8")
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, folder / "talk.wav", assets["ckpt"])
    s = scene.dualtalk
    s.engine, s.transcript = "lite", str(folder / script)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def test_generate_with_a_transcript_draws_the_lips_from_it_and_says_so(scene, assets, tmp_path):
    """The panel's *Transcript*: the worker aligns the script and the status line reports it."""
    pytest.importorskip("pocketsphinx")
    from dualtalk.inference.audio.tts import Voice, available_engines

    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    lines = ("Maybe we should bring the map.", "Bob will buy a boat.")
    last = _generate_with_script(
        scene, assets, tmp_path, lines, (Voice("flite", "kal"), Voice("flite", "slt")), "scene.txt"
    )
    assert "lips from the transcript (A 6/6 words, B 5/5 words)" in last, last


def test_a_script_in_another_language_than_script_language_says_why_it_was_not_aligned(
    scene, assets, tmp_path
):
    """Review 26, finding 3: a Spanish scene with *Script Language* left on English. The line said
    only "lips from the transcript (A not aligned, B not aligned)", with no warning; the command line
    says why. Now the warning says the script does not look English and what to set: the language its
    letters name, once (review rv36b R5: before, A's reason, B's and the question, never the language)."""
    pytest.importorskip("pocketsphinx")
    from dualtalk.inference.audio.tts import Voice

    lines = ("Vale, pero primero quiero comprar algo de comer.", "Buenas tardes, ¿cómo estás?")
    voices = (Voice("espeak", "es"), Voice("espeak", "es+f3"))
    last = _generate_with_script(scene, assets, tmp_path, lines, voices, "escena.txt")
    assert last.endswith(
        "(warning: A's and B's lines keep the engine's lips: the script looks Spanish (its ¿); "
        "set Script Language to Spanish)"
    ), last


def test_regenerate_selection_on_a_cut_off_copy_of_the_recording_names_the_selection(scene, assets, tmp_path):
    """The take was made from the whole recording; the panel now points at a copy that stopped
    half way (an MP3 keeps its header's length). Re-generate Preview Range used to fail in the worker
    with "--end ... is past the end", an option the animator never set."""
    import soundfile as sf

    if "MP3" not in sf.available_formats():
        pytest.skip("this libsndfile has no MP3")
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    x, sr = sf.read(str(assets["wav"]), dtype="float32")
    cut = tmp_path / "cut.mp3"
    sf.write(str(cut), x, sr, format="MP3")
    cut.write_bytes(cut.read_bytes()[: len(cut.read_bytes()) // 3])
    scene.dualtalk.audio = str(cut)
    scene.use_preview_range = True
    last = 45  # near the end of the 48-frame take, past where the copy stops
    scene.frame_preview_start, scene.frame_preview_end = last - 5, last
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.regenerate_range()
    said = str(err.value)
    assert f"Re-generate Preview Range (frames {last - 5}-{last}) needs cut.mp3 from" in said, said
    assert "its audio stops at" in said and "--end" not in said


def test_regenerate_selection_in_a_blender_without_soundfile_still_runs(scene, assets, monkeypatch):
    """Blender's own Python usually has no ``soundfile``; the selection's audio check must not
    break Re-generate there (the worker, which has it, reads the audio)."""
    import sys

    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    monkeypatch.setitem(sys.modules, "soundfile", None)  # `import soundfile` raises ImportError
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 20, 30
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
    assert "re-generated frames 20-30" in bpy.context.window_manager.dualtalk_status.last


def test_export_fbx_names_a_mirror_modifier_the_file_leaves_out(scene, assets, tmp_path):
    """Half a face built with a Mirror modifier arrives in the FBX as half a face: the status says so."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    out = tmp_path / "pair.fbx"
    assert panel_fbx.fbx_message(scene.dualtalk, out) == f"exported {out}"
    a.modifiers.new("Mirror", "MIRROR")
    message = panel_fbx.fbx_message(scene.dualtalk, out)
    assert message.startswith(f"exported {out} (warning: FBX: '{a.name}'") and "'Mirror'" in message
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(out)) == {"FINISHED"}


def test_a_failing_fbx_export_says_so_in_one_line_and_in_the_panel(scene, assets, tmp_path, monkeypatch):
    """An export that fails (a refusal, or the exporter itself raising) leaves one line in the
    status bar and the panel's status, never a Python traceback in the report or the last
    success's line in the panel."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    status = bpy.context.window_manager.dualtalk_status
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "pair.fbx")) == {"FINISHED"}
        no_take = "FBX: 'Alice' and 'Bob' carry no DualTalk take: the file holds their faces still"
        assert status.last == f"DualTalk: exported {tmp_path / 'pair.fbx'} (warning: {no_take})"

        def broken(*_args, **_kwargs):
            raise RuntimeError("Error: Unable to execute 'Edit Mode', error changing modes\n")

        monkeypatch.setattr(panel_fbx, "export_fbx", broken)
        with pytest.raises(RuntimeError) as err:
            bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "again.fbx"))
    said = str(err.value).strip()
    assert said == (
        "Error: DualTalk: FBX export stopped by an internal error (RuntimeError: Error: Unable to "
        "execute 'Edit Mode', error changing modes); details in the system console"
    ), said
    assert "Traceback" not in said
    assert status.last == said.removeprefix("Error: ")


def _hand_key_jaw(obj, frame: int, value: float) -> None:
    """A key set by hand inside the take's lips+jaw layer (jawOpen at ``frame``)."""
    from dualtalk.dualtalk_blender.scene import compat

    strip = obj.data.shape_keys.animation_data.nla_tracks["DualTalk lips+jaw"].strips[0]
    curve = next(
        fc for fc in compat.iter_fcurves(strip.action, strip.action_slot) if "jawOpen" in fc.data_path
    )
    curve.keyframe_points.insert(frame, value)
    curve.update()
