"""Re-generate Preview Range over frames where B does not talk: the engine hears only the seconds
around the range, where B's channel is silent, and the line used to end "(warning: speaker B's audio
is silent; B only listens)". B talks in the take; an animator read it as "B's channel is broken".
A range's line now says nothing of a speaker silent in the excerpt; the whole take's Generate still
warns of a channel silent in the whole recording."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
import soundfile as sf
from dualtalk.inference.audio.diarize import WEAKER_METHOD

SILENT_B = "speaker B's audio is silent; B only listens"


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("range_silent_b")
    wav = ah.write_dialogue_wav(folder / "talk.wav", seconds=8.0)  # A talks 0-4 s, B 4-8 s
    x, sr = sf.read(str(wav), dtype="float32")
    x[:, 1] = 0.0
    sf.write(str(folder / "monologue.wav"), x, sr)
    return {
        "wav": wav,
        "monologue": folder / "monologue.wav",
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


def _generate(scene) -> str:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def _regenerate(scene, first: int, last: int) -> str:
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = first, last
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def test_a_range_where_b_only_listens_does_not_warn_that_bs_audio_is_silent(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    assert "warning" not in _generate(scene)  # B talks in the take
    line = _regenerate(scene, 10, 20)  # 0.4-0.8 s: the engine hears about 0-3 s, where only A talks
    assert line.startswith("DualTalk: re-generated frames 10-20 "), line
    assert "silent" not in line and "(warning:" not in line, line


def test_a_monologue_is_still_warned_of_when_the_whole_take_is_generated(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["monologue"], assets["ckpt"])
    assert _generate(scene).endswith(f" (warning: {SILENT_B})")
    assert "(warning:" not in _regenerate(scene, 10, 20)


def test_a_ranges_line_keeps_the_recordings_own_warnings():
    """Only who is silent in the excerpt heard (``source["silent"]``, marked by the audio loader) is
    dropped, by that mark and not by its words: what holds for the whole recording stays."""
    from dualtalk.dualtalk_blender.addon.take_keying import source_warnings

    both = "no speech detected in either stream; both characters only listen"
    one_speaker = "turns.srt names only one speaker (Ann); B only listens"
    silent = [SILENT_B, "speaker A's audio is silent; A only listens", both]
    source = {"warnings": [WEAKER_METHOD, *silent, one_speaker], "silent": silent}
    assert source_warnings({"source": source}, excerpt=True) == [WEAKER_METHOD, one_speaker]
    assert source_warnings({"source": {"warnings": [WEAKER_METHOD]}}, excerpt=True) == [WEAKER_METHOD]
    assert source_warnings({}, excerpt=True) == []


def test_the_audio_loader_marks_who_is_silent():
    """The loader lists its silence warnings apart (``source["silent"]``), so a range's caller leaves
    them out by kind; a reworded warning cannot come back in a range's line."""
    import numpy as np
    from dualtalk.inference.audio.dialogue import Dialogue

    rng = np.random.default_rng(0)
    talk = (0.1 * rng.standard_normal(16000 * 3)).astype(np.float32)
    dlg = Dialogue.from_arrays(talk, np.zeros_like(talk), sample_rate=16000)
    assert dlg.source["silent"] and set(dlg.source["silent"]) <= set(dlg.source["warnings"])
