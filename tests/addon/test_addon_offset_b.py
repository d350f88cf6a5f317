"""Two per-speaker recorders started apart, from the panel (``--offset-b`` on the command line).

A sound recordist started B's lavalier 2 s before A's. The loader's warning says so and names the
panel's field; the animator types 2 next to *Audio B* and presses Generate: the take is the one the
files would give had they been started together (the same turns), and B's sound strip plays B's
file from 2 s in at the take's first frame, so it is heard in step with B's face. A recorder started
later (a negative value) puts B's strip later. The take records the shift, so *Re-generate
selection* reads B's file the same way; a field that says another shift is refused in one line.
"""

from __future__ import annotations

from types import SimpleNamespace

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.dualtalk_blender.addon import panel_settings, preflight, ui_run
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.inference.core.request import BY_NAME
from dualtalk.panels.main_panel import DUALTALK_PT_main

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

SR = 16000
TOTAL = 4.0  # seconds of A's file
A_SPANS = [(0.3, 1.4), (2.4, 3.4)]
B_SPANS = [(1.6, 2.2), (3.5, 3.9)]
FIELD = BY_NAME["offset_b"].title


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    """A's file; B's file as recorded together with A's (``b_together``), by a recorder started 2 s
    earlier (``b_early``: 2 s more at its head), and by one started 1 s later that ran 1 s longer
    (``b_late``: its first second missing, 1 s more at its end)."""
    folder = tmp_path_factory.mktemp("offset_b")
    rng = np.random.default_rng(7)
    a, b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
    bleed = 10 ** (-20 / 20)  # each mic hears the partner quieter
    mic_a, mic_b = a + bleed * b, b + bleed * a

    def hiss(seconds):
        return (3e-4 * rng.standard_normal(int(seconds * SR))).astype(np.float32)

    def write(name, x):
        sf.write(str(folder / name), np.asarray(x, np.float32), SR, subtype="FLOAT")
        return folder / name

    return {
        "a": write("maya.wav", mic_a),
        "b_together": write("tom_together.wav", mic_b),
        "b_early": write("tom_early.wav", np.concatenate([hiss(2.0), mic_b])),
        "b_late": write("tom_late.wav", np.concatenate([mic_b[SR:], hiss(1.0)])),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


class FakeLayout:
    """Records the properties a draw() shows, in order (as tests/addon/test_addon_panel.py's)."""

    def __init__(self, log=None):
        self.log = [] if log is None else log
        self.enabled, self.scale_y = True, 1.0

    def _child(self, *a, **k):
        return FakeLayout(self.log)

    box = row = column = _child

    def prop(self, data, name, **kw):
        assert name in data.bl_rna.properties, name
        self.log.append(name)

    def operator(self, idname, **kw):
        return SimpleNamespace()

    def label(self, text="", **kw):
        pass

    def progress(self, **kw):
        pass

    def separator(self, **kw):
        pass


def drawn(scene) -> list[str]:
    layout = FakeLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    return layout.log


def _two_files(scene, assets, b: str, offset: float):
    scene.render.fps = 25
    if scene.dualtalk.char_a is None:
        a, b_obj = ah.two_characters()
        ah.setup_panel(scene, a, b_obj, assets["a"], assets["ckpt"])
    s = scene.dualtalk
    s.audio_form, s.audio, s.audio_b = "TWO_FILES", str(assets["a"]), str(assets[b])
    s.offset_b = offset
    return s


def _generate(scene) -> str:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def _markers(scene) -> list[tuple[str, int]]:
    return sorted((m.name, m.frame) for m in scene.timeline_markers)


def _strip(scene, role: str):
    (strip,) = [s for s in scene.sequence_editor.strips if s.get("dualtalk") == role]
    return strip


def test_the_field_is_shown_next_to_audio_b_in_the_two_files_form_only(scene, tmp_path):
    s = scene.dualtalk
    s.audio_form = "TWO_FILES"
    props = drawn(scene)
    assert props[props.index("audio_b") + 1] == "offset_b"  # right under Audio B
    rna = s.bl_rna.properties["offset_b"]
    assert rna.name == FIELD and rna.hard_min <= -3600 and rna.hard_max >= 3600  # later is negative
    for form in ("STEREO", "MONO_TURNS", "MONO_AUTO"):
        s.audio_form = form
        assert "offset_b" not in drawn(scene), form
    # a value left from the two-files form is not sent with a stereo file (the worker would refuse it)
    a, b = ah.two_characters()
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    s.char_a, s.char_b, s.audio, s.audio_form, s.offset_b = a, b, str(wav), "STEREO", 2.0
    assert panel_settings.build_job(s, tmp_path)["audio"]["offset_b"] is None
    s.audio_form, s.audio_b = "TWO_FILES", str(wav)
    assert panel_settings.build_job(s, tmp_path)["audio"]["offset_b"] == 2.0


def test_b_started_two_seconds_early_gives_the_take_of_files_started_together_and_its_ranges_read_b_so(
    scene, assets, capfd
):
    """Without the field the take is out of step (B mouths A's lines from B's mic, and the take runs
    2 s long); with 2 it has the turns of the files recorded together, and B's strip starts 2 s into
    B's file at the take's first frame, A's at its start.

    The take records the shift; Re-generate Preview Range hears B as the take did, also with the field
    cleared (0: the take's own shift), and the frames come out as they were. A field saying another
    shift is refused in one line, before anything runs. (One story: the range re-does the take the
    field made, rather than a second Generate of the same take in a test of its own.)"""
    _two_files(scene, assets, "b_together", 0.0)
    _generate(scene)
    together = _markers(scene)
    _two_files(scene, assets, "b_early", 0.0)
    capfd.readouterr()
    _generate(scene)
    # the warning in the operator's report (the status line keeps its first 600 characters) names the field
    (report,) = [ln for ln in capfd.readouterr().out.splitlines() if ln.startswith("Info: DualTalk:")]
    assert f"give {FIELD} 2 s" in report and "--offset-b" not in report, report
    assert _markers(scene) != together  # the test can fail: unshifted, the turns differ
    _two_files(scene, assets, "b_early", 2.0)
    status = _generate(scene)
    assert _markers(scene) == together
    assert "offset" not in status, status  # nothing more to say about an offset
    strip_a, strip_b = _strip(scene, "A"), _strip(scene, "B")
    first = scene.frame_start
    assert strip_a.frame_final_start == strip_b.frame_final_start == first
    assert strip_a.frame_offset_start == 0
    assert strip_b.frame_offset_start == 50  # 2 s at 25 fps trimmed from B's head
    assert strip_b.frame_start == first - 50  # so B's file plays 2 s in at the take's first frame
    assert strip_a.frame_final_end == strip_b.frame_final_end == first + 100  # A's 4 s
    s = scene.dualtalk  # the take just made: B's file read 2 s in
    frames = range(1, 101)
    b_obj = s.char_b
    before = br.played(b_obj, "jawOpen", frames)
    record = layers.take_meta(b_obj)["audio"]
    assert record["offset_b"] == 2.0 and record["files"] == ["maya.wav", "tom_early.wav"]
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 40, 60
    for field in (2.0, 0.0):
        s.offset_b = field
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
        status = bpy.context.window_manager.dualtalk_status.last
        assert status.startswith("DualTalk: re-generated frames 40-60"), status
        assert np.abs(br.played(b_obj, "jawOpen", frames) - before).max() < 1e-5, field
    s.offset_b = 1.0
    untouched = ah.scene_fingerprint(scene)
    with pytest.raises(RuntimeError) as err:
        with bpy.context.temp_override(scene=scene):
            bpy.ops.dualtalk.regenerate_range()
    assert str(err.value).strip() == (
        "Error: DualTalk: Re-generate Preview Range (frames 40-60): the take was made from maya.wav and "
        f"tom_early.wav from 0.00 s to 4.00 s with {FIELD} 2 s, but {FIELD} is 1 s; set {FIELD} to 2 s "
        "(or to 0: the take's own)"
    )
    assert ah.scene_fingerprint(scene) == untouched and ui_run.ACTIVE is None


def test_b_started_later_is_placed_later_and_the_take_runs_on_with_it(scene, assets, tmp_path):
    """B's recorder was started 1 s after A's and stopped 1 s after it: B's strip starts 1 s into
    the take, and the take is 5 s long; the length the panel predicts before the run says so too."""
    s = _two_files(scene, assets, "b_late", -1.0)
    job = panel_settings.build_job(s, tmp_path)
    assert preflight.take_length(job["audio"]).num_frames == 125  # before the run: 5 s at 25 fps
    assert "125 frames" in _generate(scene)  # the take's 5 s
    first = scene.frame_start
    strip_a, strip_b = _strip(scene, "A"), _strip(scene, "B")
    assert (strip_a.frame_final_start, strip_a.frame_final_end) == (first, first + 100)
    assert strip_b.frame_offset_start == 0 and strip_b.frame_final_start == first + 25
    assert strip_b.frame_final_end == first + 125
