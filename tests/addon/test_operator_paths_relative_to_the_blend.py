"""A script or a pipeline tool passes Blender's own relative paths to the add-on's operators, as the
docs' examples do (``bpy.ops.dualtalk.export_fbx(filepath="//shot1.fbx")``): the file lands beside
the saved .blend, and Blender prints no "does not support blend relative" warning to the console."""

from __future__ import annotations

import warnings

import addon_helpers as ah
import bpy


def test_export_fbx_takes_a_path_relative_to_the_saved_blend_without_a_warning(scene, assets, tmp_path):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot1.blend"))
    with warnings.catch_warnings(record=True) as caught, bpy.context.temp_override(scene=bpy.context.scene):
        warnings.simplefilter("always")
        assert bpy.ops.dualtalk.export_fbx(filepath="//shot1.fbx") == {"FINISHED"}
    assert (tmp_path / "shot1.fbx").read_bytes().startswith(b"Kaydara FBX Binary")
    assert not [w for w in caught if "blend relative" in str(w.message)], [str(w.message) for w in caught]


def test_the_operators_taking_paths_accept_blend_relative_ones(scene):
    """Every path property an operator takes says it supports ``//`` (the panel's own already do)."""
    for name in ("export_fbx", "apply_take"):
        rna = getattr(bpy.ops.dualtalk, name).get_rna_type()
        paths = [p for p in rna.properties if p.type == "STRING" and p.subtype in {"FILE_PATH", "DIR_PATH"}]
        assert paths, name
        for prop in paths:
            assert prop.is_path_supports_blend_relative, f"{name}.{prop.identifier}"
