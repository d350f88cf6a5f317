"""A pipeline TD keys forty shots from one layout file whose characters play the layout's take
(``demo``): each shot re-keys that take, and every FBX held a clip called ``demo``, forty clips of one
name in the game engine (review rv35b F6). ``export_fbx(clip=...)`` names the file's clip as the
caller asks (a batch: the shot), and the take in the .blend keeps its own name. Read back with ufbx,
as an engine reads it."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.errors import DualTalkError
from test_fbx_clip_for_game_engines import FRAMES, clips, pair, scene  # noqa: F401 (scene: a fixture)


def test_each_shot_of_one_layouts_take_gets_a_clip_named_after_the_shot(scene, tmp_path):  # noqa: F811
    a, b = pair(take="demo")
    for shot in ("s01_cafe", "s02_bus"):
        (clip,) = clips(export_fbx([a, b], tmp_path / f"{shot}.fbx", clip=shot))
        assert clip["name"] == shot
        assert clip["begin"] == pytest.approx(1 / 25) and clip["end"] == pytest.approx(FRAMES / 25)
    (face,) = clips(export_fbx([a, b], tmp_path / "face.fbx", scope="face", clip="s03_face"))
    assert face["name"] == "s03_face"
    assert layers.take_meta(a)["take"] == "demo"  # the .blend's take keeps its name
    (plain,) = clips(export_fbx([a, b], tmp_path / "plain.fbx"))
    assert plain["name"] == "demo"  # no name asked: the take's, as before


@pytest.mark.parametrize("bad", ["", "  ", 7])
def test_an_empty_clip_name_is_refused_before_anything_is_written(scene, tmp_path, bad):  # noqa: F811
    a, b = pair(take="demo")
    with pytest.raises(DualTalkError, match="FBX clip name must be a non-empty text"):
        export_fbx([a, b], tmp_path / "x.fbx", clip=bad)
    assert list(tmp_path.iterdir()) == []
