"""Follow-ups to the hostile-files audit (docs/robustness.md, "Follow-ups"), in the add-on:

* every pipeline run records its recording's fingerprint (``load_dialogue``), the worker's too, so
  *Re-generate Preview Range* checks the panel's recording, Start/End and *Swap A/B* against the take's,
  as ``animate --range`` does: one line in its words, nothing changed; without *Part of the recording*
  the take's own part is heard. Before, the panel's audio was used as it stood (a take made from
  1.0-3.0 s was redone against 0.0-2.0 s, another recording or the voices swapped, silently).
  Takes that record no fingerprint are checked by name, with a warning; takes with no record work
  as before;
* the take's audio warnings (``source["warnings"]``: a silent speaker, the diarizer's weaker method,
  which ``load_dialogue`` now passes on) show in the status line after a Generate; before, only the
  rig's warnings did.

The range stories start from one take Generated and saved once (``take_file``).
"""

from __future__ import annotations

import json
import logging

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.addon.panel_options import in_panel_words
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP
from dualtalk.inference.audio.diarize import WEAKER_METHOD
from dualtalk.inference.core.motion import Motion, save_motion

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

SR = 16000
FRAMES = range(1, 51)  # the take: 1.0-3.0 s of the recording at 25 fps
MADE_FROM = "Re-generate Preview Range (frames 20-30): the take was made from talk.wav from 1.00 s to 3.00 s"
SETS = " (Use Take's Settings sets them from the take)"  # the one click that fixes the panel


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("followups_range")
    wav = ah.write_dialogue_wav(folder / "talk.wav", seconds=4.0)
    x, sr = sf.read(str(wav), dtype="float32")
    sf.write(str(folder / "reversed.wav"), x[::-1], sr)  # another recording, as long
    (folder / "copy").mkdir()
    (folder / "copy" / "scene4_take2.wav").write_bytes(wav.read_bytes())  # the same, renamed
    silent_b = x.copy()
    silent_b[:, 1] = 0.0
    sf.write(str(folder / "monologue.wav"), silent_b, sr)
    return {
        "wav": wav,
        "reversed": folder / "reversed.wav",
        "copy": folder / "copy" / "scene4_take2.wav",
        "monologue": folder / "monologue.wav",
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


@pytest.fixture(scope="module")
def take_file(assets, tmp_path_factory):
    """Generate 1.0-3.0 s of talk.wav (frames 1-50); the preview range set to 20-30; saved once."""

    def make(scene) -> None:
        scene.render.fps = 25
        a, b = ah.two_characters()
        ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
        s = scene.dualtalk
        s.use_range, s.start, s.end = True, 1.0, 3.0
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        scene.use_preview_range = True
        scene.frame_preview_start, scene.frame_preview_end = 20, 30

    path = tmp_path_factory.mktemp("take") / "take.blend"
    ah.made_and_saved(path, assets["models"], make)
    return path


def _take(take_file):
    """The file holding the take opened (the ``scene`` fixture enabled the add-on): (scene, a, b)."""
    return ah.open_take(take_file)


def _jaw(scene, obj) -> np.ndarray:
    assert scene == bpy.context.scene
    return br.played(obj, "jawOpen", FRAMES)


def _regenerate(scene) -> str:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def _reported(capfd) -> str:
    """The operator's last report in full (``Info: DualTalk: ...``); the status property keeps its
    first 600 characters, and the panel draws 120 of those."""
    lines = [ln for ln in capfd.readouterr().out.splitlines() if ln.startswith("Info: DualTalk:")]
    assert lines
    return lines[-1].removeprefix("Info: ")


def _edit_records(change) -> None:
    """Change the take's record of its audio on every action, as older versions left it."""
    for action in bpy.data.actions:
        if OWNER_PROP in action:
            meta = json.loads(action[OWNER_PROP])
            change(meta)
            action[OWNER_PROP] = json.dumps(meta, sort_keys=True)


def test_the_add_ons_take_records_its_recording_and_a_range_hears_the_takes_own_part(
    scene, assets, take_file
):
    """The animator made the take from 1.0-3.0 s, then turned *Part of the recording* off for the
    next shot and pressed Re-generate Preview Range: before, frames 20-30 were redone against the
    recording from 0 s (other words under the lips). Now the take's own part is heard: with the
    same options the frames come out as they were."""
    scene, a, _b = _take(take_file)
    before = _jaw(scene, a)
    scene.dualtalk.use_range = False
    status = _regenerate(scene)
    assert status.startswith("DualTalk: re-generated frames 20-30 (cross-faded over 16-34)"), status
    assert "warning" not in status, status
    assert np.abs(_jaw(scene, a) - before).max() < 1e-5
    # the same recording moved and renamed is the take's
    scene.dualtalk.audio = str(assets["copy"])
    assert "warning" not in _regenerate(scene)
    assert np.abs(_jaw(scene, a) - before).max() < 1e-5
    # the worker's take records the recording by its contents
    from dualtalk.inference.audio.dialogue import recording_fingerprint

    record = layers.take_meta(a)["audio"]
    assert record["fingerprint"] == recording_fingerprint([assets["wav"]]) != ""
    assert (record["start"], record["end"]) == (1.0, 3.0)


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (
            {"start": 0.0},
            "but Start/End ask for 0.00 s to 3.00 s; choose the same Audio and Start/End, "
            f"or turn Part of the recording off{SETS}",
        ),
        ({"swap": True}, f"but Swap A/B is on; choose the same Audio and Start/End, with Swap A/B off{SETS}"),
        (
            {"audio": "reversed"},
            "but reversed.wav is not that recording (the contents differ); choose the same Audio and "
            f"Start/End{SETS}",
        ),
    ],
    ids=["start", "swap", "recording"],
)
def test_a_selection_against_audio_that_is_not_the_takes_is_refused_in_one_line(
    scene, assets, take_file, change, refusal
):
    scene, _a, _b = _take(take_file)
    s = scene.dualtalk
    for name, value in change.items():
        setattr(s, name, str(assets[value]) if name == "audio" else value)
    untouched = ah.scene_fingerprint(scene)
    with pytest.raises(RuntimeError) as err:
        with bpy.context.temp_override(scene=scene):
            bpy.ops.dualtalk.regenerate_range()
    line = f"DualTalk: {MADE_FROM}, {refusal}"
    assert str(err.value).strip() == f"Error: {line}"
    assert bpy.context.window_manager.dualtalk_status.last == line
    assert ah.scene_fingerprint(scene) == untouched
    assert ui_run.ACTIVE is None  # no worker started


def test_a_take_without_a_fingerprint_is_checked_by_name_and_one_without_a_record_works_as_before(
    scene, assets, take_file, capfd
):
    """Takes keyed before every run recorded its recording: one with a record but no fingerprint
    (the add-on's, before) is re-generated with another file name after a warning in the status line;
    one with no record at all uses the panel's Start/End, as before."""
    scene, a, _b = _take(take_file)
    _edit_records(lambda meta: meta["audio"].update(fingerprint=""))
    scene.dualtalk.audio = str(assets["copy"])
    capfd.readouterr()
    status = _regenerate(scene)
    line = _reported(capfd)
    assert line.startswith(status) and "\n" not in line
    assert line == (
        "DualTalk: re-generated frames 20-30 (cross-faded over 16-34) with the lite engine (warning: the "
        "take was made from talk.wav from 1.00 s to 3.00 s, and its motion files do not record that "
        "recording's contents: Re-generate Preview Range (frames 20-30) cannot check that scene4_take2.wav is "
        "the same recording)"
    ), line
    _edit_records(lambda meta: meta.pop("audio", None))
    assert layers.take_meta(a).get("audio") is None
    scene.dualtalk.start = 0.0  # not the take's part: nothing records what the take's was
    assert _regenerate(scene).startswith("DualTalk: re-generated frames 20-30")


def test_generate_shows_the_takes_audio_warnings_in_the_status_line(scene, assets):
    """A monologue take: B's channel is silent. The worker's log said so, the animator never saw it."""
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["monologue"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    status = bpy.context.window_manager.dualtalk_status.last
    assert status.startswith("DualTalk: animated ") and "\n" not in status
    assert status.endswith(" (warning: speaker B's audio is silent; B only listens)"), status


def test_the_diarizers_weaker_method_is_one_of_the_takes_audio_warnings(no_encoder, tmp_path, caplog):
    """``--diarize`` without the voice encoder: the diarizer's warning was in ``source.diarization``
    only, so nothing that shows a take's warnings (the add-on's status line) showed it."""
    from dualtalk.inference.audio import load_dialogue
    from robustness_util import two_voices

    path = tmp_path / "mix.wav"
    sf.write(str(path), two_voices(8.0, SR).sum(axis=1), SR)
    with caplog.at_level("WARNING", logger="dualtalk"):
        dialogue = load_dialogue(path, diarize=True)
    assert dialogue.source["warnings"][0] == WEAKER_METHOD
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert said.count(WEAKER_METHOD) == 1  # still said once, by the diarizer


def test_apply_saved_take_shows_the_diarizers_warning_from_the_takes_result(scene, assets, tmp_path, capfd):
    """The worker's result carries the take's source; the status line shows its first warning and
    how many more (the status line stays one line)."""
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    rng = np.random.default_rng(0)
    for role in ("A", "B"):
        values = rng.uniform(0, 0.5, (50, 55)).astype(np.float32)
        save_motion(tmp_path / f"{role}.npz", Motion("arkit55", values, role=role))
    source = {"warnings": [WEAKER_METHOD, "speaker B's audio is silent; B only listens"]}
    (tmp_path / "result.json").write_text(json.dumps({"engine": "lite", "source": source}))
    capfd.readouterr()
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.apply_take(directory=str(tmp_path)) == {"FINISHED"}
    line = _reported(capfd)
    assert line.startswith("DualTalk: animated lite engine, 50 frames, ") and "\n" not in line
    assert line.endswith(f" (warning: {in_panel_words(WEAKER_METHOD)} and 1 more)"), line  # the panel's words
    assert line.startswith(bpy.context.window_manager.dualtalk_status.last)
