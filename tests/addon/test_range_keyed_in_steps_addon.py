"""Re-generate Preview Range with eye contact keys its range over the modal's ticks (fix34 keys).

A range with eye contact was keyed in one tick: a 2-minute range of a 10-minute take froze Blender
for 8 s. Now the panel's range goes in steps as Generate's take does (each character's un-turned
motion, the heads' reading, the take put back, the range), the line saying how far it is; an Esc
before the keying keys nothing; and another file opened between two steps ends the run with the
take's own line, nothing written into the file that went (Blender crashed there) or the new one.
Every story starts from one take Generated and saved once (``take_file``).
"""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene import apply, gaze, range_keys
from test_generate_keys_in_steps import Operator, deep_fingerprint, status

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


@pytest.fixture(scope="module")
def take_file(assets, tmp_path_factory):
    """Alice and Bob with a 2 s take keyed by Generate (eye contact on, the panel's default; the real worker, a tiny engine), saved once."""
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
    """A long range on a slow Blender: a tick runs one step, a step rewrites a few hundred keys."""
    monkeypatch.setattr(ui_run, "_PACE", {False: 0.1, True: 0.1})
    monkeypatch.setattr(ui_run, "TICK_SECONDS", 0.0)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 2)
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 200, raising=False)


def test_a_range_is_keyed_over_many_ticks_and_the_line_says_how_far(scene, take, slow_keying):
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    lines, fractions = [], []
    while (ended := op.tick()) == {"RUNNING_MODAL"}:
        lines.append(status().message)
        fractions.append(status().fraction)
    assert ended == {"FINISHED"}, op.said
    assert op.said[0][1].startswith("DualTalk: re-generated frames 20-30"), op.said
    assert len(lines) > 10, lines  # was: the line before the keying, one tick, the line after
    assert any("(Alice: keying the range, curve " in line for line in lines), lines
    assert any("(the take put back: curve " in line for line in lines), lines
    assert fractions == sorted(fractions)


def test_esc_before_a_range_is_keyed_keys_nothing(scene, take, slow_keying):
    before = deep_fingerprint(scene)
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}  # "keying the take onto Alice and Bob…" is drawn
    assert op.tick("ESC") == {"CANCELLED"}
    assert op.said == [({"WARNING"}, "DualTalk: cancelled before keying; the scene was not changed")]
    assert deep_fingerprint(scene) == before


def test_another_file_opened_between_two_steps_of_a_range_ends_it_cleanly(scene, take, slow_keying, tmp_path):
    other = tmp_path / "other_shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    for _ in range(8):  # the un-turned motion keyed on Alice, in part
        assert op.tick() == {"RUNNING_MODAL"}

    ah.blender_ends_the_operator(run)
    bpy.ops.wm.open_mainfile(filepath=str(other))  # its take, as saved before the range
    kept = deep_fingerprint(bpy.context.scene)
    ah.follow_until_done()

    line = status().last
    assert line.startswith("DualTalk: the scene was closed while its take was keyed"), line
    assert deep_fingerprint(bpy.context.scene) == kept
    assert not ui_run.generation_running() and not apply._TAKE_RANGES
    assert not range_keys._JOURNALS  # no journal left open to record the next range's keys
