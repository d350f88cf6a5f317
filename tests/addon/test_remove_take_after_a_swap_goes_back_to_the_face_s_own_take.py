"""Alice and Bob keep takes v1 and v2, swap names (the pair was mislabelled) and key v3; then one
face plays an earlier take alone. Remove Take plays again the take each face played last before
(``scene/take_history.py``), but the history named its entries by character name, and after the swap
both names belonged to both faces: Remove Take of one face went back to the take the *other* face
had just played, and removing a take of one face forgot the other's entry of it too. The history now
records each face's shape keys by their id (``dualtalk_id``), which a swap does not change."""

from __future__ import annotations

import addon_helpers as ah
import pytest
from level_takes import generate, jaws, on_panel, play, remove, rename


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


@pytest.fixture
def swapped(scene):
    """v1 (A 0.2, B 0.7) and v2 (0.3, 0.8) keyed, the names swapped, v3 (0.4, 0.9) keyed: face ``a``
    is now called Bob, face ``b`` Alice."""
    a, b = ah.two_characters()
    on_panel(scene, a, b)
    generate(a, b, "v1", 0.2, 0.7)
    generate(a, b, "v2", 0.3, 0.8)
    rename((a, "Bob"), (b, "Alice"))
    generate(a, b, "v3", 0.4, 0.9)
    return a, b


def test_remove_take_of_one_face_goes_back_to_its_own_latest_take_not_its_partner_s(scene, swapped):
    a, b = swapped
    on_panel(scene, b)
    play(scene, "v1")  # the face now called Alice goes back to v1 alone
    assert jaws(a, b) == (0.4, 0.7)

    on_panel(scene, a)  # the face now called Bob still plays v3, and played v2 before it
    line = remove(scene)

    assert "take 'v2' plays again" in line  # was v1: the take the face now called Alice played last
    assert jaws(a, b) == (0.3, 0.7)


def test_remove_take_of_one_face_leaves_its_partner_s_history_of_that_take(scene, swapped):
    a, b = swapped
    play(scene, "v1")  # both play v1 again: v2, v3, v1
    on_panel(scene, a)
    play(scene, "v3")  # face a back on v3 alone; it played v1 just before
    assert jaws(a, b) == (0.4, 0.7)

    on_panel(scene, b)
    assert "take 'v3' plays again" in remove(scene)  # face b's v1 goes: it played v3 before it
    assert jaws(a, b) == (0.4, 0.9)

    on_panel(scene, a)
    line = remove(scene)  # face a's v3 goes: it played v1 just before

    assert "take 'v1' plays again" in line  # was v2: face b's removal of v1 forgot face a's v1 too
    assert jaws(a, b) == (0.2, 0.9)


def test_a_mix_removed_after_a_swap_sends_each_face_to_its_own_take(scene, swapped):
    a, b = swapped
    on_panel(scene, b)
    play(scene, "v1")  # face b on v1, face a on v3

    on_panel(scene, a, b)
    line = remove(scene)

    assert "Bob plays take 'v2' again and Alice plays take 'v3' again" in line  # Bob was sent to v1
    assert jaws(a, b) == (0.3, 0.9)
