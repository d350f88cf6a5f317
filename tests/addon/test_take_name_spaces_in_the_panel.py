"""The animator types the next take's name with a space they can't see ('v1 ', ' v1'). The panel's
*Take* is read without the spaces around it, so Generate and Apply Saved Take (both key under the
panel's *Take*; Apply runs no worker) replace take 'v1' as the field seems to say,
instead of keeping a second take that *Takes in this file* drew as another "v1" (review rv42a, noted).
A name that differs in case ('V1') is another take, as Blender's own names are, and is listed as it is.
"""

from __future__ import annotations

from pathlib import Path

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.panels.main_panel import take_label


def _takes(*objs) -> list[str]:
    """The takes *Takes in this file* lists for the pair, as the panel draws their names."""
    found = file_takes.takes_in_file([(o, layers.character_idblocks(o)) for o in objs])
    return sorted(take_label(t.name) for t in found)


def _apply(scene, name: str, take: Path) -> None:
    scene.dualtalk.take_name = name
    assert bpy.ops.dualtalk.apply_take(directory=str(take)) == {"FINISHED"}


def test_spaces_around_the_take_name_replace_the_take_and_case_keeps_another(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    take = ah.write_two_second_take(tmp_path / "take")

    _apply(scene, "v1", take)
    _apply(scene, " v1 ", take)  # the same take, keyed again
    assert _takes(alice, bob) == ["v1"]
    assert layers.take_meta(alice)["take"] == "v1"

    _apply(scene, "V1", take)
    assert _takes(alice, bob) == ["V1", "v1"]
    # a take an earlier build kept with a space in its name is drawn quoted, not as a second "v1"
    assert (take_label("v1 "), take_label(" v1"), take_label("v1")) == ("'v1 '", "' v1'", "v1")
