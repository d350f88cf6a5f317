"""What the panel and the preferences draw, checked without a window: every widget names a
real property or operator, the rig summary appears under each picker, the form-specific
fields appear only for their form; plus the sound-strip placement rules."""

from __future__ import annotations

import sys
import warnings
from types import SimpleNamespace

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings, pickers, take_sound, ui_run
from dualtalk.inference.core.request import Request
from dualtalk.panels.main_panel import DUALTALK_PT_main
from dualtalk.panels.preferences import DUALTALK_AP_preferences

DEFAULT_JOB = Request().to_job()


class FakeLayout:
    """Records what a draw() asks for and fails on names that do not exist."""

    def __init__(self, log=None):
        self.log = [] if log is None else log
        self.enabled = True
        self.scale_y = 1.0

    def _child(self, *a, **k):
        return FakeLayout(self.log)

    box = row = column = _child

    def prop(self, data, name, **kw):
        assert name in data.bl_rna.properties, f"no property {name!r} on {data}"
        self.log.append(("prop", name))

    def operator(self, idname, **kw):
        mod, _, op = idname.partition(".")
        assert hasattr(getattr(bpy.ops, mod), op), idname
        self.log.append(("operator", idname))
        return SimpleNamespace()

    def label(self, text="", **kw):
        self.log.append(("label", text))

    def progress(self, **kw):
        self.log.append(("progress", kw.get("text", "")))

    def separator(self, **kw):
        pass


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def draw_panel(scene):
    layout = FakeLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    return layout.log


def test_panel_shows_pickers_with_rig_summaries_and_the_buttons(scene):
    a, b = ah.two_characters()
    s = scene.dualtalk
    s.char_a, s.char_b = a, b
    log = draw_panel(scene)
    labels = [t for kind, t in log if kind == "label"]
    assert sum("52/52 ARKit" in t for t in labels) == 2
    ops = [t for kind, t in log if kind == "operator"]
    assert ops == [
        "dualtalk.generate",
        "dualtalk.regenerate_range",
        "dualtalk.apply_take",
        "dualtalk.remove_take",
        "dualtalk.export_fbx",
    ]
    props = {t for kind, t in log if kind == "prop"}
    assert {
        "char_a",
        "char_b",
        "preset",
        "audio_form",
        "audio",
        "swap",
        "engine",
        "device",
        "rounds",
    } <= props
    assert {"intensity_mouth", "intensity_head", "smoothing", "blinks", "markers", "sound_strip"} <= props
    assert {"keys", "fbx_scope", "map", "checkpoint"} <= props  # engine auto: a checkpoint, else embedded
    assert not props & {"audio_b", "turns", "start"}


def test_panel_lists_each_characters_layers_with_their_influence(scene):
    import numpy as np
    from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
    from dualtalk.inference.core.motion import Motion

    a, b = ah.two_characters()
    s = scene.dualtalk
    s.char_a, s.char_b = a, b
    assert ("label", "Layers") not in draw_panel(scene)  # nothing keyed yet
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_dialogue(a, b, m, m, ApplyOptions(layer_influence={"head": 0.5}, undo_push=False))
    log = draw_panel(scene)
    assert ("label", "Layers") in log and ("label", a.name) in log and ("label", b.name) in log
    assert [t for kind, t in log if kind == "prop"].count("influence") == 8  # 4 layers x 2 characters


def test_panel_fields_follow_the_chosen_form_and_engine(scene):
    s = scene.dualtalk
    s.audio_form, s.engine, s.use_range = "TWO_FILES", "lite", True
    props = {t for kind, t in draw_panel(scene) if kind == "prop"}
    assert {"audio_b", "start", "end"} <= props and "checkpoint" not in props  # the embedded model
    s.audio_form = "MONO_TURNS"
    props = {t for kind, t in draw_panel(scene) if kind == "prop"}
    assert {"turns", "speaker_a"} <= props and "audio_b" not in props
    assert {"lip_release", "lip_rounding"} <= props  # the embedded model's mouth can be released and rounded
    s.engine = "dualtalk"  # FLAME output: nothing to release or round
    assert not {"lip_release", "lip_rounding"} & {t for kind, t in draw_panel(scene) if kind == "prop"}


def test_panel_shows_progress_and_cancel_while_running(scene):
    status = bpy.context.window_manager.dualtalk_status
    status.running, status.task, status.fraction, status.message = (
        True,
        "generate",
        0.4,
        "generate: round 1/2",
    )
    log = draw_panel(scene)
    assert ("progress", "generate: round 1/2") in log
    assert ("operator", "dualtalk.cancel") in log and ("operator", "dualtalk.generate") not in log
    status.running = False


def test_an_fbx_export_shows_its_progress_and_cancel_under_its_button(scene):
    """The panel's Export FBX runs in a Blender of its own: its line and a Cancel for it sit under the
    button (before: only the status line said it ran, and Esc stopped it)."""
    status = bpy.context.window_manager.dualtalk_status
    status.running, status.task, status.fraction, status.message = (
        True,
        "FBX export",
        0.4,
        "sampling frame 10",
    )
    try:
        log = draw_panel(scene)
    finally:
        status.running = False
    at = log.index(("operator", "dualtalk.export_fbx"))
    assert log[at + 1 : at + 3] == [
        ("progress", "exporting: sampling frame 10"),
        ("operator", "dualtalk.cancel"),
    ]


class PrefsProxy:
    """The real preferences, with a recording layout (``layout`` is read-only outside draw)."""

    def __init__(self, prefs, layout):
        self._prefs, self.layout = prefs, layout

    def __getattr__(self, name):
        return getattr(self._prefs, name)


def test_preferences_draw_every_setting_and_warn_when_offline(scene):
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    online = bpy.context.preferences.system.use_online_access
    bpy.context.preferences.system.use_online_access = False
    try:
        layout = FakeLayout()
        DUALTALK_AP_preferences.draw(PrefsProxy(prefs, layout), bpy.context)
    finally:
        bpy.context.preferences.system.use_online_access = online
    props = {t for kind, t in layout.log if kind == "prop"}
    assert props == {
        "model_dir", "python_path", "index_url", "checkpoint_url", "checkpoint_sha256",
        "flame_map_url", "flame_map_sha256", "flame_map", "kept_takes_days",
    }  # fmt: skip
    ops = [t for kind, t in layout.log if kind == "operator"]
    assert (
        ops.count("dualtalk.download") == 2
        and "dualtalk.install_deps" in ops
        and "dualtalk.check_python" in ops
    )
    assert any("Online access is disabled" in t for kind, t in layout.log if kind == "label")


def test_fbx_path_next_to_the_blend_file_is_a_path_blender_accepts(scene):
    """The FBX field's default is ``//dualtalk.fbx`` (next to the .blend). Blender 5 draws a ``//``
    path as invalid (red) in a field that does not declare it supports one, warns on each such
    value, and makes a file picked there absolute; the field declares it."""
    prop = scene.dualtalk.bl_rna.properties["fbx_path"]
    assert scene.dualtalk.fbx_path == "//dualtalk.fbx"
    assert prop.is_path_supports_blend_relative
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Blender's "does not support blend relative" RuntimeWarning
        scene.dualtalk.fbx_path = "//shots/take1.fbx"
    assert scene.dualtalk.fbx_path == "//shots/take1.fbx"


def test_sound_strip_starts_where_the_animation_starts(scene, tmp_path):
    wav = ah.write_dialogue_wav(tmp_path / "d.wav", seconds=3.0)
    s = scene.dualtalk
    s.audio, s.audio_form = str(wav), "STEREO"
    scene.frame_start = 10
    names = take_sound.place_sound_strips(
        scene, take_sound.TakeSound.of_panel(s), start_time=1.0, start_frame=10
    )
    assert names == ["DualTalk dialogue"]  # both voices in one file: named as animate and the demo name it
    strip = scene.sequence_editor.strips[names[0]]
    fps = scene.render.fps / scene.render.fps_base
    assert strip.frame_final_start == 10  # the part before --start is trimmed away
    assert strip.frame_start == 10 - round(fps)
    # A second run replaces our strip instead of stacking another.
    take_sound.place_sound_strips(scene, take_sound.TakeSound.of_panel(s), start_time=0.0, start_frame=10)
    assert [st.name for st in scene.sequence_editor.strips] == names


def test_two_files_get_two_strips_and_no_audio_module_means_none(scene, tmp_path, monkeypatch):
    s = scene.dualtalk
    s.audio = str(ah.write_dialogue_wav(tmp_path / "a.wav"))
    s.audio_b = str(ah.write_dialogue_wav(tmp_path / "b.wav"))
    s.audio_form = "TWO_FILES"
    assert take_sound.place_sound_strips(scene, take_sound.TakeSound.of_panel(s), 0.0, 1) == [
        "DualTalk A audio",
        "DualTalk B audio",
    ]
    monkeypatch.setitem(sys.modules, "aud", None)  # a Blender build without audio
    assert take_sound.place_sound_strips(scene, take_sound.TakeSound.of_panel(s), 0.0, 1) == []


def test_a_recording_blender_cannot_play_gets_no_strip_and_the_other_file_still_plays(scene, tmp_path):
    """B's file was overwritten with something that is not sound after the engine read it: the take
    keys as before with A's strip only (add_dialogue_strip now refuses such a file in one line)."""
    s = scene.dualtalk
    s.audio = str(ah.write_dialogue_wav(tmp_path / "a.wav"))
    s.audio_b = str(tmp_path / "b.wav")
    (tmp_path / "b.wav").write_bytes(b"not a sound at all" * 100)
    s.audio_form = "TWO_FILES"
    assert take_sound.place_sound_strips(scene, take_sound.TakeSound.of_panel(s), 0.0, 1) == [
        "DualTalk A audio"
    ]


def test_each_audio_form_becomes_the_matching_worker_job(scene, tmp_path):
    a, b = ah.two_characters()
    wav = ah.write_dialogue_wav(tmp_path / "mix.wav")
    turns = tmp_path / "turns.txt"
    turns.write_text("0.0\t1.0\tann\n1.0\t2.0\tben\n")
    s = scene.dualtalk
    s.char_a, s.char_b, s.audio, s.audio_b, s.turns = a, b, str(wav), str(wav), str(turns)
    expected = {
        "STEREO": {"audio": str(wav), "swap": False},
        "TWO_FILES": {"audio": str(wav), "audio_b": str(wav), "swap": False},
        "MONO_TURNS": {"audio": str(wav), "turns": str(turns), "speaker_a": "ben", "swap": False},
        "MONO_AUTO": {"audio": str(wav), "diarize": True, "swap": False},
    }
    s.speaker_a = "ben"
    for form, audio in expected.items():
        s.audio_form = form
        # the job states every option of the request; the ones the form does not set keep their defaults
        assert panel_settings.build_job(s, tmp_path)["audio"] == {**DEFAULT_JOB["audio"], **audio}, form
    s.use_range, s.start, s.end = True, 0.5, 1.5
    audio = panel_settings.build_job(s, tmp_path)["audio"]
    assert audio["start"] == 0.5 and audio["end"] == 1.5
    s.end = 0.25  # the same line the command line gives
    with pytest.raises(ui_run.DualTalkError, match=r"--end \(0\.25 s\) must be after --start \(0\.5 s\)"):
        panel_settings.build_job(s, tmp_path)
    s.use_range, s.engine, s.checkpoint, s.device = False, "lite", str(wav), "auto"
    assert panel_settings.build_job(s, tmp_path)["engine"] == {
        **DEFAULT_JOB["engine"],
        **{"engine": "lite", "checkpoint": None, "device": "auto"},  # the embedded model ignores files
    }
    s.engine, s.checkpoint = "auto", ""
    assert panel_settings.build_job(s, tmp_path)["engine"]["checkpoint"] is None  # nothing chosen: embedded
    s.engine = "dualtalk"
    with pytest.raises(ui_run.DualTalkError, match="DualTalk checkpoint not found"):
        prefs = bpy.context.preferences.addons["dualtalk"].preferences  # model folder: tmp_path/models
        # default: DualTalk.pth in the model folder, not there yet
        panel_settings.build_job(s, tmp_path, prefs)


def test_a_long_line_under_a_picker_is_shown_whole_on_several_lines(scene, monkeypatch):
    """A linked character's line ends with the advice that makes it usable; Blender cuts a long
    label, so the line is broken between words instead of cut at 120 characters."""
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    advice = (
        "the mesh data 'Hero' is linked from characters.blend (read-only); make it and its armature "
        "'Hero_rig' local (select both, Object > Relations > Make Local > Selected Objects and Data) "
        "before animating it; 52/52 ARKit keys, head bone: head"
    )
    monkeypatch.setattr(pickers, "character_summary", lambda *_a, **_k: advice)
    labels = [t for kind, t in draw_panel(scene) if kind == "label"]
    start = labels.index(next(t for t in labels if t.startswith("the mesh data")))
    lines = labels[start : start + 3]
    assert all(len(t) <= 100 for t in lines)
    assert " ".join(lines) == advice


LONG_WARNING = (
    "DualTalk: animated Hero and Villain (frames 1-640); warning: the recording is mono and the voice "
    "encoder is not installed, so the two voices were told apart by pitch alone; install the "
    "dependencies (Preferences > Add-ons > DualTalk) for the better method"
)


def test_a_long_status_line_is_shown_whole_under_the_buttons(scene):
    """The last run's line can end in the advice that matters; the panel breaks it between words
    rather than cutting it at 120 characters."""
    status = bpy.context.window_manager.dualtalk_status
    status.running, status.last = False, LONG_WARNING
    try:
        labels = [t for kind, t in draw_panel(scene) if kind == "label"]
    finally:
        status.last = ""
    start = labels.index(next(t for t in labels if t.startswith("DualTalk: animated")))
    lines = labels[start : start + 3]
    assert all(len(t) <= 100 for t in lines)
    assert " ".join(lines) == LONG_WARNING


def test_a_long_status_line_is_shown_whole_in_the_preferences(scene):
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    status = bpy.context.window_manager.dualtalk_status
    status.running, status.last = False, LONG_WARNING
    try:
        layout = FakeLayout()
        DUALTALK_AP_preferences.draw(PrefsProxy(prefs, layout), bpy.context)
    finally:
        status.last = ""
    labels = [t for kind, t in layout.log if kind == "label"]
    start = labels.index(next(t for t in labels if t.startswith("DualTalk: animated")))
    assert " ".join(labels[start : start + 3]) == LONG_WARNING
