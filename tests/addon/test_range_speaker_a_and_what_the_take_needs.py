"""Re-generate Preview Range on a take made from a mono mix with a turns file and *Speaker A* set.
Before, the take did not record the turns file nor the label: the range with another *Speaker A*
swapped the characters' lips inside it, silently; and a panel left empty (a .blend made by
``animate`` opens so) only said "choose the audio file", not what the take was made from. Now a
range reads the turns with the take's label (when *Speaker A* is empty too), refuses another label,
and a refusal of the panel's audio names the take's form, files, turns file and Speaker A."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
import soundfile as sf

MADE_FROM = (
    "the take was made from meeting.wav (Mono + turns, Turns file meeting.rttm, Speaker A bob) "
    "from 0.00 s to 3.00 s"
)


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("range_speaker_panel")
    stereo = ah.write_dialogue_wav(folder / "talk.wav", seconds=3.0)
    x, sr = sf.read(str(stereo), dtype="float32")
    sf.write(str(folder / "meeting.wav"), x.mean(axis=1), sr)
    rows = [("ann", 0.0, 1.5), ("bob", 1.5, 1.5)]
    turns = folder / "meeting.rttm"
    turns.write_text("".join(f"SPEAKER meeting 1 {s} {d} <NA> <NA> {who} <NA> <NA>\n" for who, s, d in rows))
    return {
        "wav": folder / "meeting.wav",
        "turns": turns,
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


@pytest.fixture(scope="module")
def take_file(assets, tmp_path_factory):
    """A take of meeting.wav read with its turns (Speaker A bob), the preview range 20-40; saved once."""

    def make(scene) -> None:
        scene.render.fps = 25
        a, b = ah.two_characters()
        ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
        s = scene.dualtalk
        s.audio_form, s.turns, s.speaker_a = "MONO_TURNS", str(assets["turns"]), "bob"
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        scene.use_preview_range = True
        scene.frame_preview_start, scene.frame_preview_end = 20, 40

    path = tmp_path_factory.mktemp("take") / "take.blend"
    ah.made_and_saved(path, assets["models"], make)
    return path


@pytest.fixture
def scene(scene, take_file):
    """The file holding the take, opened (the add-on enabled): both stories start from it."""
    return ah.open_take(take_file)[0]


def _refused(scene) -> str:
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.regenerate_range()
    return str(refused.value).strip()


def test_another_speaker_a_is_refused_and_an_empty_one_is_the_takes(scene, assets):
    s = scene.dualtalk
    s.speaker_a = "ann"
    line = _refused(scene)
    assert line == (
        f"Error: DualTalk: Re-generate Preview Range (frames 20-40): {MADE_FROM}, but Speaker A is ann "
        "(A's and B's lips would swap in the range); set Speaker A to bob, or leave it empty"
    ), line
    s.speaker_a = ""
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
    assert bpy.context.window_manager.dualtalk_status.last.startswith("DualTalk: re-generated frames 20-40 ")


def test_a_panel_without_the_takes_audio_says_what_the_take_was_made_from(scene, assets):
    s = scene.dualtalk
    s.audio_form, s.audio, s.turns, s.speaker_a = "STEREO", "", "", ""  # as a .blend made by animate opens
    assert _refused(scene) == f"Error: DualTalk: choose the audio file: {MADE_FROM}"
    s.audio = str(assets["wav"])  # the right file, but not read with its turns
    line = _refused(scene)
    assert f"{MADE_FROM}, but no Turns file is given; choose the same Audio, Turns file, Speaker A" in line, (
        line
    )
