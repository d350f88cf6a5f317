"""Between two keying steps of Re-generate Preview Range, things the panel cannot hold back happen: a
studio's timer script saves the file, or someone deletes a character from the Python console (review
rv34b F2, F3).

The file a script saved between two steps held a take that was neither the old one nor the new one
(Ann's eyes and head keyed un-turned to read the heads, or half put back: 6-22 curves off, by up to
0.39), with records saying those keys were DualTalk's. Now the steps run to the end before the file
is written, so the file holds the finished range; an Esc already pressed closes them instead and the
file holds the take as it was. A character deleted between two steps ended as "internal error while
applying (TypeError: 'NoneType' object is not subscriptable)"; now the line says who went and that
the take is as it was. Every story starts from one take Generated and saved once (``take_file``).
"""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene import compat, gaze, range_keys
from test_generate_keys_in_steps import Operator

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


@pytest.fixture(scope="module")
def take_file(assets, tmp_path_factory):
    """Alice and Bob with a 2 s take keyed by Generate (the real worker, a tiny engine), saved once."""
    return ah.generate_and_save(tmp_path_factory.mktemp("take") / "take.blend", assets)


@pytest.fixture
def scene(scene, take_file):
    """The file holding the take, opened (the add-on enabled): every story here starts from it."""
    return ah.open_take(take_file)[0]


@pytest.fixture
def take(scene):
    return bpy.data.objects["Alice"], bpy.data.objects["Bob"]


@pytest.fixture
def slow_keying(monkeypatch):
    """A long range on a slow Blender: a tick runs one step, a step rewrites a few keys."""
    monkeypatch.setattr(ui_run, "_PACE", {False: 0.1, True: 0.1})
    monkeypatch.setattr(ui_run, "TICK_SECONDS", 0.0)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 2)
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 200)


def the_take() -> dict:
    """Every key of every DualTalk action (points, handles, interpolation) and its record of the keys."""
    out: dict = {}
    for action in bpy.data.actions:
        out[action.name] = (tuple(action.frame_range), action.get("dualtalk_keys"))
        for fc in compat.iter_fcurves(action, None):
            out[(action.name, fc.data_path, fc.array_index)] = [
                (*k.co, *k.handle_left, *k.handle_right, k.interpolation) for k in fc.keyframe_points
            ]
    return out


def in_the_file(path) -> dict:
    """The take as the saved file holds it (the file opened in this Blender)."""
    bpy.ops.wm.open_mainfile(filepath=str(path))
    return the_take()


def test_a_file_a_script_saves_between_two_range_steps_holds_the_finished_range(
    scene, take, slow_keying, tmp_path
):
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    for _ in range(8):  # Alice keyed un-turned for reading the heads, in part
        assert op.tick() == {"RUNNING_MODAL"}
    saved = tmp_path / "shot_v012.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(saved), copy=True)  # a timer's versioned save

    assert op.tick() == {"FINISHED"}  # keyed before the file was written: the tick says the line
    assert op.said[0][1].startswith("DualTalk: re-generated frames 20-30"), op.said
    finished = the_take()
    assert in_the_file(saved) == finished


def test_a_file_saved_after_esc_between_two_range_steps_holds_the_take_as_it_was(
    scene, take, slow_keying, tmp_path
):
    before = the_take()
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    for _ in range(8):
        assert op.tick() == {"RUNNING_MODAL"}
    run.cancel_keying()  # Esc heard, its tick not yet run
    saved = tmp_path / "shot_v012.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(saved), copy=True)

    assert op.tick("ESC") == {"CANCELLED"}
    assert op.said == [
        ({"WARNING"}, "DualTalk: cancelled while keying the range; the take is as it was before")
    ]
    assert the_take() == before
    assert in_the_file(saved) == before


@pytest.mark.parametrize("steps", [4, 30])
def test_a_character_deleted_between_two_range_steps_is_said_and_the_take_is_put_back(
    scene, take, slow_keying, steps
):
    _alice, bob = take
    before = the_take()
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    for _ in range(steps):  # Alice un-turned for reading the heads / the heads being read
        assert op.tick() == {"RUNNING_MODAL"}
    bpy.data.objects.remove(bob)  # from the Python console

    ticks = 0
    while (ended := op.tick()) == {"RUNNING_MODAL"}:  # was: on to a step inside Blender's freed data
        ticks += 1
    assert ended == {"CANCELLED"} and ticks == 0
    [(_kind, line)] = op.said
    assert line.startswith(
        "DualTalk: character B 'Bob' was deleted while keying; the range was not keyed and the take is as it "
        "was before"
    ), line
    assert "internal error" not in line
    assert the_take() == before  # Alice's keys and Bob's (his actions outlive him) as they were
    assert not ui_run.generation_running() and not range_keys._JOURNALS
