"""Between two keying steps, a script (a timer, another add-on, the Python console) clears a character's
shape keys, deletes its rig or clears the animation of its shape keys (review rv35a F5).

The steps held Python references to those datablocks' animation data, NLA strips and curves and
the next step read them after Blender had freed them: Blender crashed (exit 139, "Segmentation
fault": the animator's unsaved work lost), or the line was "internal error while applying
(TypeError: 'NoneType' ...)" / "(ReferenceError: ... has been removed)", or "re-generated" /
"animated" was said over keys written into freed data, depending on what that memory held. A
script's save at that moment ran the steps on into the freed data. Now what the steps hold is told
again (by ids, never through a held reference) each time Blender ran, and a change ends them with
one line that says what went and what the scene holds. The range stories start from one take
Generated and saved once (``take_file``).
"""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene import compat, gaze, range_keys
from test_generate_keys_in_steps import Operator, worker_done
from test_range_saved_or_deleted_between_steps import the_take

# one worker run per job: the same range each time (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


@pytest.fixture(scope="module")
def take_file(assets, tmp_path_factory):
    """Alice and Bob with a 2 s take keyed by Generate (the real worker, a tiny engine), saved once."""
    return ah.generate_and_save(tmp_path_factory.mktemp("take") / "take.blend", assets)


@pytest.fixture
def take(scene, take_file):
    """The file holding the take, opened (the add-on enabled): (scene, alice, bob)."""
    return ah.open_take(take_file)


@pytest.fixture
def slow_keying(monkeypatch):
    """A long range on a slow Blender: a tick runs one step, a step rewrites a few keys."""
    monkeypatch.setattr(ui_run, "_PACE", {False: 0.1, True: 0.1})
    monkeypatch.setattr(ui_run, "TICK_SECONDS", 0.0)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 2)
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 200)


def clear_shape_keys(alice):
    alice.shape_key_clear()  # Object > Shape Keys > Delete All Shape Keys


def delete_rig(alice):
    bpy.data.objects.remove(alice.parent)


def clear_shape_key_animation(alice):
    alice.data.shape_keys.animation_data_clear()


GONE = {
    clear_shape_keys: "the shape keys of character A 'Alice' were deleted",
    delete_rig: "the rig 'Alice_rig' of character A 'Alice' was deleted",
    clear_shape_key_animation: "the animation of the shape keys of character A 'Alice' was cleared",
}


def run_out(op) -> tuple[set, int]:
    ticks = 0
    while (ended := op.tick()) == {"RUNNING_MODAL"}:
        ticks += 1
        assert ticks < 500
    return ended, ticks


@pytest.mark.parametrize("steps", [4, 30])  # Alice un-turned for reading the heads / the heads being read
@pytest.mark.parametrize("change", list(GONE), ids=lambda f: f.__name__)
def test_a_characters_data_gone_between_two_range_steps_is_said_and_the_take_is_put_back(
    take, slow_keying, change, steps
):
    scene, alice, _bob = take
    before = the_take()
    op = Operator(ah.range_done(scene, 20, 30))
    for _ in range(steps):
        assert op.tick() == {"RUNNING_MODAL"}
    change(alice)

    ended, ticks = run_out(op)  # was: Blender crashed on the next step
    assert ended == {"CANCELLED"} and ticks == 0
    [(_kind, line)] = op.said
    assert line.startswith(
        f"DualTalk: {GONE[change]} while keying; the range was not keyed and the take is as it was before"
    ), line
    assert the_take() == before  # every key of the take's actions as it was, Bob's too
    assert not ui_run.generation_running() and not range_keys._JOURNALS


def test_a_file_a_script_saves_after_the_shape_keys_went_between_two_range_steps_holds_no_half_range(
    take, slow_keying, tmp_path
):
    scene, alice, _bob = take
    before = the_take()
    op = Operator(ah.range_done(scene, 20, 30))
    for _ in range(8):
        assert op.tick() == {"RUNNING_MODAL"}
    clear_shape_keys(alice)
    saved = tmp_path / "shot_v012.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(saved), copy=True)  # a timer's versioned save

    assert op.tick() == {"CANCELLED"}
    [(_kind, line)] = op.said
    assert line.startswith(f"DualTalk: {GONE[clear_shape_keys]} while keying; the range was not keyed"), line
    assert the_take() == before
    bpy.ops.wm.open_mainfile(filepath=str(saved))
    in_file = the_take()  # Alice's shape-key actions, used by nothing now, are not saved
    assert in_file and all(before[key] == value for key, value in in_file.items())


@pytest.fixture
def pair(scene, assets):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    return alice, bob


@pytest.mark.parametrize("change", [clear_shape_keys, delete_rig], ids=lambda f: f.__name__)
def test_a_characters_data_gone_between_two_generate_steps_is_said(scene, assets, pair, slow_keying, change):
    alice, _bob = pair
    op = Operator(worker_done(scene, assets))
    op.tick("LEFTMOUSE")
    for _ in range(3):
        assert op.tick() == {"RUNNING_MODAL"}
    change(alice)

    ended, ticks = run_out(op)  # was: "animated ..." over the lost shape keys / an internal error
    assert ended == {"CANCELLED"} and ticks == 0
    [(_kind, line)] = op.said
    assert line.startswith(
        f"DualTalk: {GONE[change]} while keying; keying stopped; what was keyed so far stays"
    ), line
    assert not ui_run.generation_running()


@pytest.mark.parametrize("change", [clear_shape_keys, delete_rig], ids=lambda f: f.__name__)
def test_esc_after_a_characters_data_went_between_two_range_steps_puts_the_take_back(
    take, slow_keying, change
):
    """Esc closes the steps without another step (this held before too): the put-back that closing
    runs must not write to what went either."""
    scene, alice, _bob = take
    before = the_take()
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    for _ in range(8):
        assert op.tick() == {"RUNNING_MODAL"}
    change(alice)
    run.cancel_keying()  # Esc heard, its tick not yet run: the steps are closed, never run on

    assert op.tick("ESC") == {"CANCELLED"}
    [(_kind, line)] = op.said
    assert "internal error" not in line
    assert the_take() == before
    assert not ui_run.generation_running() and not range_keys._JOURNALS


def test_a_curve_of_the_take_deleted_between_two_range_steps_is_said_and_the_rest_is_put_back(
    take, slow_keying
):
    scene, alice, _bob = take
    before = the_take()
    op = Operator(ah.range_done(scene, 20, 30))
    for _ in range(8):
        assert op.tick() == {"RUNNING_MODAL"}
    strip = next(
        s for t in alice.data.shape_keys.animation_data.nla_tracks for s in t.strips if "lips" in t.name
    )
    action = strip.action
    bag = compat.channelbag(action, strip.action_slot)
    fc = bag.fcurves[0]
    gone = (action.name, fc.data_path, fc.array_index)
    bag.fcurves.remove(fc)  # a script cleaning up curves

    ended, ticks = run_out(op)
    assert ended == {"CANCELLED"} and ticks == 0
    [(_kind, line)] = op.said
    assert line.startswith(
        f"DualTalk: the action {action.name!r} of the take on character A 'Alice' changed (a curve or slot "
        "deleted) while keying; the range was not keyed and the take is as it was before"
    ), line
    assert the_take() == {key: value for key, value in before.items() if key != gone}
