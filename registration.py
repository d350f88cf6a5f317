"""The one registration tuple of the add-on: properties, preferences, operators, panels.

Class modules are imported inside :func:`register` so that ``import dualtalk`` outside
Blender never touches bpy.
"""

from __future__ import annotations

CLASSES: tuple[type, ...] = ()


def _classes() -> tuple[type, ...]:
    from .operators import generate, preferences_ops, remove_take
    from .panels import main_panel, preferences, properties

    return (
        *properties.CLASSES,
        *preferences.CLASSES,
        *generate.CLASSES,
        *remove_take.CLASSES,
        *preferences_ops.CLASSES,
        *main_panel.CLASSES,
    )


def _one_line_tooltip(cls: type) -> None:
    """An operator's or panel's docstring is its tooltip, and Blender keeps the docstring's line
    breaks and indentation ("...; the\\n    rest of the take"): joined into one line (the key the
    translation tables look up)."""
    import bpy

    if issubclass(cls, bpy.types.Operator | bpy.types.Panel) and "bl_description" not in vars(cls):
        doc = cls.__doc__ or ""
        if "\n" in doc:
            cls.bl_description = " ".join(doc.split())


def register() -> None:
    import bpy

    from .dualtalk_blender.addon import blend_paths, pickers, translations
    from .panels import properties

    global CLASSES
    CLASSES = _classes()
    for cls in CLASSES:
        _one_line_tooltip(cls)
        bpy.utils.register_class(cls)
    properties.register_props()
    blend_paths.register_handlers()
    blend_paths.drop_handler(bpy.app.handlers.depsgraph_update_post, pickers.forget_rigs)
    bpy.app.handlers.depsgraph_update_post.append(pickers.forget_rigs)
    translations.register()  # never raises: without it the interface is English


def unregister() -> None:
    import bpy

    from .dualtalk_blender.addon import blend_paths, pickers, translations, ui_run
    from .panels import properties

    translations.unregister()  # ours only; never raises
    blend_paths.unregister_handlers()
    blend_paths.drop_handler(bpy.app.handlers.depsgraph_update_post, pickers.forget_rigs)
    if ui_run.ACTIVE is not None:  # never leave a worker running behind a disabled add-on
        ui_run.ACTIVE.cancel()
        ui_run.ACTIVE = None
    properties.unregister_props()
    for cls in reversed(CLASSES):
        if getattr(cls, "is_registered", True):
            bpy.utils.unregister_class(cls)
