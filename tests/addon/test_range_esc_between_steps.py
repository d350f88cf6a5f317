"""Re-generate Preview Range keys its range in steps, as Generate keys a take (fix34 keys): an Esc
between two steps puts the take back as it was before the range, and the line says so; an Esc
before the keying keys nothing. The stories start from one take Generated and saved once
(``take_file``), each opening it as the animator reopens the file the take was made in."""

from __future__ import annotations

import addon_helpers as ah
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene import gaze, range_keys
from test_generate_keys_in_steps import Operator, deep_fingerprint, status

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


@pytest.fixture(scope="module")
def take_file(assets, tmp_path_factory):
    """The take on Alice and Bob (the real worker, a tiny engine), Generated once and saved."""
    return ah.generate_and_save(tmp_path_factory.mktemp("range_esc") / "take.blend", assets)


@pytest.fixture
def scene(scene, take_file):
    """The file holding the take, opened (the add-on enabled): the scene a story re-generates a
    range of."""
    return ah.open_take(take_file)[0]


@pytest.fixture
def slow_keying(monkeypatch):
    """A long range on a slow Blender: a tick runs one step, a step rewrites a few keys."""
    monkeypatch.setattr(ui_run, "_PACE", {False: 0.1, True: 0.1})
    monkeypatch.setattr(ui_run, "TICK_SECONDS", 0.0)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 2)
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 200)


@pytest.mark.parametrize("steps", [1, 6, 20])
def test_esc_between_two_steps_of_a_range_puts_the_take_back(scene, slow_keying, steps):
    before = deep_fingerprint(scene)
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}  # "keying the take onto Alice and Bob…" is drawn
    for _ in range(steps):
        assert op.tick() == {"RUNNING_MODAL"}
    assert "Esc puts the take back as it was" in status().message

    assert op.tick("ESC") == {"CANCELLED"}
    assert op.said == [
        ({"WARNING"}, "DualTalk: cancelled while keying the range; the take is as it was before")
    ]
    assert deep_fingerprint(scene) == before
    assert not status().running and not ui_run.generation_running()


def test_esc_before_a_range_is_keyed_keys_nothing(scene, slow_keying):
    before = deep_fingerprint(scene)
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}
    assert op.tick("ESC") == {"CANCELLED"}
    assert op.said == [({"WARNING"}, "DualTalk: cancelled before keying; the scene was not changed")]
    assert deep_fingerprint(scene) == before


def test_a_range_keyed_to_the_end_in_steps_says_what_it_redid(scene, slow_keying):
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    ticks = 0
    while (ended := op.tick()) == {"RUNNING_MODAL"}:
        ticks += 1
    assert ended == {"FINISHED"} and ticks > 10
    assert op.said[0][1].startswith("DualTalk: re-generated frames 20-30"), op.said


def test_a_range_is_keyed_over_ticks_at_this_blenders_own_pace(scene, monkeypatch):
    """At the keying's real pace a range's few thousand frames read as "quick" (a take's pace): one
    tick, the whole range frozen. A range's frame costs RANGE_COST of a take's: it goes in ticks."""
    monkeypatch.setattr(ui_run, "TICK_SECONDS", 0.0)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 2)
    monkeypatch.setattr(range_keys, "ROWS_PER_STEP", 200)
    monkeypatch.setattr(ui_run, "PACE_FROM_FRAMES", 10)  # a 2 s take would teach the pace too
    # this 2 s range's 48 frames as a 2-minute range's 3,108 at the real pace: 0.78 s as a take's
    monkeypatch.setattr(ui_run, "_PACE", {False: 8e-5, True: 2.5e-4 * 3108 / 48})
    pace = dict(ui_run._PACE)
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    ticks = 0
    while op.tick() == {"RUNNING_MODAL"}:
        ticks += 1
    assert ticks > 10, ticks
    assert ui_run._PACE == pace  # a range teaches no take's pace
