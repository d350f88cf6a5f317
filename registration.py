"""The one registration tuple of the add-on: properties, preferences, operators, panels.

Class modules are imported inside :func:`register` so that ``import dualtalk`` outside
Blender never touches bpy.
"""

from __future__ import annotations

import contextlib

CLASSES: tuple[type, ...] = ()


def _classes() -> tuple[type, ...]:
    from .operators import generate, preferences_ops, remove_take, takes
    from .panels import main_panel, preferences, properties

    return (
        *properties.CLASSES,
        *preferences.CLASSES,
        *generate.CLASSES,
        *remove_take.CLASSES,
        *takes.CLASSES,
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


# How the line written when disabling the add-on stopped a job names it, and what it adds (by the
# job's ``task``)
_JOB_TAILS = {"generate": "; the scene was not changed", "download": "; run it again to resume"}
STOPPED = "stopped: the add-on was disabled (or its scripts reloaded)"


def _stop_jobs() -> list[str]:
    """Stop every job still running (the add-on is being disabled, or F3 > Reload Scripts runs):
    its worker, pip or download stopped and its clean-up run (a generation's temp folder removed),
    also for a generation a script started itself (``ui_run.ACTIVE``, not a live job of an
    operator). Runs before the properties go: a generation whose worker is already done keys its
    take as it would have on the next timer tick. Returns one line per job (also printed): what was
    stopped, or how the job ended where it had ended already."""
    from .dualtalk_blender.addon import ui_run
    from .dualtalk_blender.addon.panel_options import in_panel_words
    from .operators import modal

    ended = modal.stop_live_jobs(also=(ui_run.ACTIVE,) if ui_run.ACTIVE is not None else ())
    ui_run.ACTIVE = None
    lines = []
    for job, outcome in ended:
        task = getattr(job, "task", "")
        words = modal.task_words(task) if task else "a DualTalk job"
        if isinstance(outcome, Exception):  # a broken job (its traceback printed): the others still stop
            lines.append(modal.internal_error_line(words, outcome))
            continue
        message = outcome.message.strip()
        if outcome.cancelled or not message:  # (a download's thread says "cancelled" a moment later)
            lines.append(f"DualTalk: {words} {STOPPED}{_JOB_TAILS.get(task, '')}")
        else:  # it had ended: a take keyed, or its own error
            lines.append(
                in_panel_words(message if message.startswith("DualTalk:") else f"DualTalk: {message}")
            )
    for line in lines:
        print(line)
    return lines


def _reset_status(last: str | None = None, *, add: str = "") -> None:
    """No job runs: the window manager's status says so (its stored values outlive a disable, and
    the next enable would show them again); ``last``, when given, becomes its line; ``add`` is
    added to the line there is (what the disable stopped stays first)."""
    import bpy

    from .dualtalk_blender.addon import state

    with contextlib.suppress(AttributeError, ReferenceError, RuntimeError):  # no window manager yet
        if bpy.context.window_manager is not None:
            if add:
                before = bpy.context.window_manager.dualtalk_status.last  # type: ignore[attr-defined]
                last = f"{before}; {add.removeprefix('DualTalk: ')}" if before else add
            state.set_status(bpy.context, running=False, last=last)


def _restore_preferences() -> str:
    """The preferences kept when the add-on was last disabled, taken back if Blender dropped them
    (``kept_preferences``); the line saying so (also printed), or ""."""
    from .dualtalk_blender.addon import kept_preferences, state

    try:
        prefs = state.get_prefs()
        line = kept_preferences.restore(prefs)
        if not line:  # the preferences Blender kept (its saved ones at start-up): the copy follows them
            kept_preferences.keep(prefs)
    except (AttributeError, RuntimeError):  # no preferences to read (registered without enabling)
        return ""
    if line:
        print(line)
    return line


def _keep_preferences() -> None:
    from .dualtalk_blender.addon import kept_preferences, state

    with contextlib.suppress(AttributeError, RuntimeError):
        kept_preferences.keep(state.get_prefs())


def register() -> None:
    import bpy

    from .dualtalk_blender.addon import blend_paths, legacy_settings, pickers, state, translations
    from .dualtalk_blender.scene import held_pose
    from .panels import properties

    global CLASSES
    CLASSES = _classes()
    for cls in CLASSES:
        _one_line_tooltip(cls)
        bpy.utils.register_class(cls)
    properties.register_props()
    # nothing runs yet: a "running" left by a session's earlier load is stale
    _reset_status(add=_restore_preferences())
    blend_paths.register_handlers()
    blend_paths.drop_handler(bpy.app.handlers.depsgraph_update_post, pickers.forget_rigs)
    bpy.app.handlers.depsgraph_update_post.append(pickers.forget_rigs)
    blend_paths.drop_handler(bpy.app.handlers.depsgraph_update_post, held_pose.follow_layers)
    bpy.app.handlers.depsgraph_update_post.append(held_pose.follow_layers)  # the pose held outside a take
    blend_paths.drop_handler(bpy.app.handlers.load_post, held_pose.on_load)
    bpy.app.handlers.load_post.append(held_pose.on_load)  # a file saved while nothing followed its layers
    blend_paths.drop_handler(bpy.app.handlers.load_post, legacy_settings.on_load)
    bpy.app.handlers.load_post.append(legacy_settings.on_load)
    for name, fn in state.HANDLERS:  # the panel's line follows the scene through undo, redo and loads
        blend_paths.drop_handler(getattr(bpy.app.handlers, name), fn)
        getattr(bpy.app.handlers, name).append(fn)
    legacy_settings.carry_over_all()  # a file of an earlier build open while the add-on is enabled
    held_pose.on_load()  # the file open while the add-on is enabled (bpy.data restricted at start-up: skipped)
    translations.register()  # never raises: without it the interface is English


def unregister() -> None:
    import bpy

    from .dualtalk_blender.addon import blend_paths, legacy_settings, pickers, state, translations
    from .dualtalk_blender.scene import held_pose
    from .panels import properties

    # first, while the settings and the status are still registered: a take whose worker is done
    # is keyed (not lost), and the status says what stopped instead of "running" ever after
    lines = _stop_jobs()
    _keep_preferences()  # Blender drops them when the add-on is unticked: the next register takes them back
    _reset_status("; ".join([*lines[:1], *(line.removeprefix("DualTalk: ") for line in lines[1:])]) or None)
    translations.unregister()  # ours only; never raises
    blend_paths.unregister_handlers()
    blend_paths.drop_handler(bpy.app.handlers.depsgraph_update_post, pickers.forget_rigs)
    blend_paths.drop_handler(bpy.app.handlers.depsgraph_update_post, held_pose.follow_layers)
    blend_paths.drop_handler(bpy.app.handlers.load_post, held_pose.on_load)
    blend_paths.drop_handler(bpy.app.handlers.load_post, legacy_settings.on_load)
    for name, fn in state.HANDLERS:
        blend_paths.drop_handler(getattr(bpy.app.handlers, name), fn)
    properties.unregister_props()
    for cls in reversed(CLASSES):
        if getattr(cls, "is_registered", True):
            bpy.utils.unregister_class(cls)
