"""A pipeline TD drives the add-on from Blender's own Python (``scene.dualtalk.*``, ``bpy.ops.dualtalk.*``),
as docs/scripting.md shows it:

- a farm's ``infer --out`` folder keyed with Apply Saved Take plays the recording the motion was made
  from, never the panel's last shot's audio under these faces;
- Start/End, the behaviour amounts and B Starts Earlier By set while their toggle is off are said to be
  unused (the panel hides them; a script would not know);
- ``set_panel`` refuses a name the panel does not have (``mood`` is ``behaviour_mood``), and the page's
  table of names is the registered properties';
- Ctrl-C while ``generate()`` blocks cancels the run and cleans up: the next shot runs;
- an operator that cannot run says why, as the greyed-out button's tooltip does;
- a refusal reaches the script as a RuntimeError holding the status line.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

import addon_helpers as ah
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.addon import panel_options, panel_settings, saved_takes, state, ui_run
from dualtalk.inference.audio.dialogue import recording_fingerprint
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, save_motion

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "scripting.md"


def _prefs():
    return bpy.context.preferences.addons[ah.ADDON].preferences


def _run_folders() -> list[str]:
    return glob.glob(os.path.join(tempfile.gettempdir(), "dualtalk_run_*"))


def _wav(path: Path, seconds: float = 2.0, pitch: float = 220.0) -> Path:
    t = np.arange(int(seconds * 16000)) / 16000
    tone = 0.3 * np.sin(2 * np.pi * pitch * t)
    sf.write(str(path), np.stack([tone, tone[::-1]], 1).astype(np.float32), 16000)
    return path


def _infer_folder(folder: Path, recording: Path, recorded_as: str, start: float = 0.0) -> Path:
    """What ``python -m dualtalk infer --audio <recorded_as> --out <folder>`` leaves: A.npz and B.npz
    whose ``meta["source"]`` names the recording (as typed) and its contents' fingerprint; ``start``:
    ``--start``, where frame 0 sits in the recording."""
    folder.mkdir(parents=True)
    source = {"audio": recorded_as, "fingerprint": recording_fingerprint([recording]), "form": "stereo"}
    t = np.arange(50)[:, None] / 25.0
    for i, role in enumerate("AB"):
        values = (0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + i) * t + np.arange(55))).astype(np.float32)
        motion = Motion(
            "arkit55", values, role=role, engine="lite", start_time=start, meta={"source": source}
        )
        save_motion(folder / f"{role}.npz", motion)
    return folder


def _strip_files(scene) -> list[str]:
    se = scene.sequence_editor
    return [os.path.abspath(bpy.path.abspath(s.sound.filepath)) for s in se.strips] if se else []


# --- F2: Apply Saved Take on an infer folder --------------------------------------------------------


def test_an_infer_folder_plays_its_own_recording_not_the_panels_last_shot(scene, assets, tmp_path):
    farm = tmp_path / "farm"
    (farm / "audio").mkdir(parents=True)
    shot4 = _wav(farm / "audio" / "talk4.wav", pitch=180.0)
    take = _infer_folder(farm / "out" / "take4", shot4, "audio/talk4.wav")  # relative, as infer was run
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])  # still the last shot's audio
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.apply_take(directory=str(take)) == {"FINISHED"}
    assert _strip_files(scene) == [str(shot4)]
    line = bpy.context.window_manager.dualtalk_status.last
    assert "1 sound strip" in line
    assert "(warning: this take was made from talk4.wav, not the panel's audio (dialogue.wav)" in line


def test_an_infer_folder_made_from_part_of_the_recording_plays_that_part(scene, assets, tmp_path):
    """Review 26, finding 4: ``infer --audio talk.wav --start 1 --end 3 --out take`` keyed with Apply
    Saved Take played talk.wav from 0 s under motion made from 1 s on: every mouth 25 frames late. The
    strip now starts where the motion files say frame 0 sits, as Generate's own part does."""
    take = _infer_folder(tmp_path / "take", assets["wav"], str(assets["wav"]), start=1.0)
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scene.render.fps = 25

    saved_takes.apply_take(scene, scene.dualtalk, str(take))

    (strip,) = scene.sequence_editor.strips
    assert strip.frame_final_start == scene.frame_start
    assert strip.frame_offset_start == 25  # the first second of the recording is not played


def test_an_infer_folder_whose_recording_is_gone_places_no_strip_and_names_both(scene, assets, tmp_path):
    gone = _wav(tmp_path / "talk4.wav", pitch=180.0)
    take = _infer_folder(tmp_path / "out" / "take4", gone, str(gone))
    gone.unlink()
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    line = saved_takes.apply_take(scene, scene.dualtalk, str(take))
    assert _strip_files(scene) == []
    assert "no sound strip" in line
    assert "talk4.wav, which was not found, and the panel's audio (dialogue.wav) is another recording" in line


def test_an_infer_folder_made_from_the_panels_recording_plays_it_without_a_warning(scene, assets, tmp_path):
    take = _infer_folder(tmp_path / "take", assets["wav"], "/elsewhere/on/the/farm/dialogue.wav")
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    line = saved_takes.apply_take(scene, scene.dualtalk, str(take))
    assert _strip_files(scene) == [str(assets["wav"])]
    assert "warning" not in line, line


# --- F3: values set while their toggle is off ------------------------------------------------------


def test_start_and_end_set_without_part_of_the_recording_are_said_unused(scene, assets, private_tmp):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.start, s.end = 0.5, 1.5  # use_range stays off: the panel would not even show these
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    line = bpy.context.window_manager.dualtalk_status.last
    assert line.startswith("DualTalk: animated ")
    assert "(warning: Start and End are set but Part of the recording is off, so they are not used" in line


def test_amounts_and_bs_shift_set_without_their_toggles_are_said_unused(scene, assets):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    assert panel_settings.ignored_settings(s) == []  # the defaults: nothing to say
    s.behaviour_blinks = 0.0
    s.offset_b = 0.25
    run = ui_run.GenerationRun(scene, s, _prefs())
    try:
        said = run.warnings_at_start
        assert said[0].startswith("Blink Amount set but Custom amounts is off")
        assert said[1].startswith("B Starts Earlier By is set but the audio is not in the Two files form")
        assert said[:2] == run.notes[:2]  # and again in the status line after the run
        assert run.job.get("behaviour", {}).get("blinks") is None  # what the run does is unchanged
    finally:
        run.cleanup()
    s.behaviour_custom, s.audio_form = True, "TWO_FILES"
    assert panel_settings.ignored_settings(s) == []


def test_from_the_panels_button_values_left_behind_a_toggle_are_not_warned_about(scene, assets):
    """An animator who unticks Custom amounts or Part of the recording leaves the hidden values on
    purpose: a warning on every Generate would be noise. Only a script's call is told."""
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.behaviour_blinks, s.start, s.end = 0.0, 0.5, 1.5
    run = ui_run.GenerationRun(scene, s, _prefs(), scripted=False)
    try:
        assert not any("is off" in w for w in run.warnings_at_start + run.notes)
    finally:
        run.cleanup()


# --- F4: the names scripts set --------------------------------------------------------------------


def test_set_panel_with_a_bad_value_sets_nothing(scene):
    """Before, the settings before the bad one stayed changed and bpy's TypeError came through."""
    s = scene.dualtalk
    before = (s.use_range, s.start)
    with pytest.raises(DualTalkError, match=r"scene.dualtalk.behaviour_seed: "):
        ui_run.set_panel(scene, use_range=not before[0], start=2.5, behaviour_seed="seven")
    assert (s.use_range, s.start) == before


def test_set_panel_refuses_a_name_the_panel_does_not_have(scene):
    with pytest.raises(DualTalkError, match=r"no setting 'mood'; the panel calls it 'behaviour_mood'"):
        ui_run.set_panel(scene, behaviour_seed=7, mood="friendly")
    assert not hasattr(scene.dualtalk, "mood") and scene.dualtalk.behaviour_seed != 7  # nothing set
    with pytest.raises(DualTalkError, match=r"no setting 'seed'; the panel calls it 'behaviour_seed'"):
        ui_run.set_panel(scene, seed=7)
    with pytest.raises(DualTalkError, match=r"no setting 'behaviour_sed'; did you mean 'behaviour_seed'"):
        ui_run.set_panel(scene, behaviour_sed=3)
    s = ui_run.set_panel(scene, behaviour_mood="friendly", use_range=True, start=1.0)
    assert (s.behaviour_mood, s.use_range, s.start) == ("friendly", True, 1.0)


PANEL_ONLY = {  # what each property that is no option of a run stands for: (Python, command line)
    "char_a": ("`apply_dialogue(obj_a, ...)`", "`--char-a` (animate)"),
    "char_b": ("`apply_dialogue(..., obj_b, ...)`", "`--char-b` (animate)"),
    "audio_form": (
        "`STEREO`, `TWO_FILES`, `MONO_TURNS`, `MONO_AUTO` (`Request.diarize`)",
        "`--diarize` (MONO_AUTO)",
    ),
    "use_range": ("off: `start` and `end` are not used", ""),
    "take_name": ("`ApplyOptions.take`", "`--take`"),
    "behaviour_custom": ("off: the four behaviour amounts are not used", ""),
    "sound_strip": ("`add_dialogue_strip` (below)", ""),
    "fbx_path": ("`export_fbx(objects, path)`", "`--fbx` (animate)"),
    "fbx_scope": ("`export_fbx(..., scope=)`: `FULL`/`FACE` as `full`/`face`", "`--fbx-scope` (animate)"),
    "fbx_per_character": ("`export_fbx([obj], path)` once per character", "`--fbx-per-character` (animate)"),
}


def _row(name: str, label: str, api: str, cli: str) -> str:
    return f"| `{name}` | {label} | {api} | {cli} |"


def expected_rows(s) -> list[str]:
    """The table of docs/scripting.md, from the registered properties and the option declarations."""
    rows = []
    by_property = {}
    for option in panel_options.PANEL_OPTIONS:
        owner = "Request" if option in panel_options.ENGINE_SIDE else "ApplyOptions"
        for name, key in panel_options.property_names(option):
            api = f"`{owner}.{option.field}" + (f'["{key}"]`' if key else "`")
            flag = option.flag + (f" {key}=N" if key else "") if option.cli else "(Python only)"
            by_property[name] = (api, f"`{flag}`" if option.cli else flag)
    for name in panel_settings.panel_names(s):
        label = s.bl_rna.properties[name].name
        api, cli = by_property.get(name) or PANEL_ONLY.get(name, ("?", "?"))
        rows.append(_row(name, label, api, cli))
    return rows


def test_the_scripting_page_lists_every_panel_property_with_its_request_name(scene):
    page = PAGE.read_text(encoding="utf-8")
    table = [ln for ln in page.splitlines() if re.match(r"\| `[a-z_0-9]+` \|", ln)]
    expected = expected_rows(scene.dualtalk)
    assert table == expected, "docs/scripting.md's table should read:\n" + "\n".join(expected)
    assert set(PANEL_ONLY) <= set(panel_settings.panel_names(scene.dualtalk))
    assert "silently" in page and "set_panel(" in page


def test_the_scripting_page_is_linked_from_readme_and_the_python_page():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.partition("\n## Python API\n")[2].split("\n## ", 1)[0]
    assert "(docs/scripting.md)" in section
    assert "(scripting.md)" in (REPO / "docs" / "python.md").read_text(encoding="utf-8")


# --- F5: Ctrl-C while a scripted Generate blocks -----------------------------------------------------


def test_ctrl_c_while_generate_blocks_cancels_it_and_the_next_shot_runs(
    scene, assets, monkeypatch, private_tmp
):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    real_wait = state.wait

    def interrupted(job, *args, **kwargs):
        assert _run_folders()  # the run's temp folder is there while it waits
        raise KeyboardInterrupt

    monkeypatch.setattr(state, "wait", interrupted)
    with bpy.context.temp_override(scene=scene), pytest.raises((KeyboardInterrupt, RuntimeError)) as stopped:
        bpy.ops.dualtalk.generate()
    assert "KeyboardInterrupt" in repr(stopped.value) or stopped.type is KeyboardInterrupt
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running
    assert status.last == "DualTalk: generation interrupted; the scene was not changed"
    assert ui_run.ACTIVE is None or not ui_run.ACTIVE.running
    assert _run_folders() == []

    monkeypatch.setattr(state, "wait", real_wait)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate.poll()
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    assert _run_folders() == []


# --- F6: why an operator cannot run -----------------------------------------------------------------


def test_each_operator_that_cannot_run_says_why(scene, monkeypatch):
    with bpy.context.temp_override(scene=scene):
        with pytest.raises(RuntimeError, match=r"export_fbx.poll\(\) choose both characters \(A and B\)"):
            bpy.ops.dualtalk.export_fbx()
        with pytest.raises(
            RuntimeError,
            match=r"cancel.poll\(\) no DualTalk generation, FBX export, install or download is running",
        ):
            bpy.ops.dualtalk.cancel()
        monkeypatch.setattr(ui_run, "ACTIVE", SimpleNamespace(running=True))
        for op in ("generate", "regenerate_range", "apply_take", "delete_saved_takes", "remove_take"):
            with pytest.raises(RuntimeError, match=r"poll\(\) wait for the running generation to end"):
                getattr(bpy.ops.dualtalk, op)()


# --- F9: how a refusal reaches a script ------------------------------------------------------------


def test_a_refusal_reaches_the_script_as_a_runtime_error_holding_the_status_line(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, tmp_path / "missing.wav", assets["ckpt"])
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.generate()
    last = bpy.context.window_manager.dualtalk_status.last
    assert last.startswith("DualTalk: audio file not found")
    assert str(refused.value) == f"Error: {last}\n"
    page = PAGE.read_text(encoding="utf-8")
    assert "RuntimeError" in page and "dualtalk_status.last" in page
