"""Generate / Cancel / Export FBX: thin wrappers around ``dualtalk_blender.ui_run``."""

from __future__ import annotations

import bpy

from ..dualtalk_blender.addon import state, ui_run
from ..dualtalk_blender.addon.state import get_prefs
from ..inference.core.errors import DualTalkError


def _prefs(context):
    return get_prefs(context)


class DUALTALK_OT_generate(bpy.types.Operator):
    """Animate both characters from the dialogue audio (runs in the background; Esc or Cancel stops it)"""

    bl_idname = "dualtalk.generate"
    bl_label = "Generate"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        return context.scene is not None and not (ui_run.ACTIVE is not None and ui_run.ACTIVE.running)

    def _start(self, context) -> bool:
        try:
            self._run = ui_run.GenerationRun(context.scene, context.scene.dualtalk, _prefs(context)).start()
        except DualTalkError as exc:
            self.report({"ERROR"}, f"DualTalk: {exc}")
            return False
        state.set_status(context, running=True, task="generate", message="starting the worker")
        return True

    def _end(self, context) -> set[str]:
        outcome = self._run.finish()
        state.set_status(context, running=False, fraction=1.0 if outcome.ok else 0.0, last=outcome.message)
        if outcome.ok:
            self.report({"INFO"}, outcome.message)
            return {"FINISHED"}
        cancelled = "cancelled" in outcome.message
        self.report({"WARNING" if cancelled else "ERROR"}, outcome.message)
        return {"CANCELLED"}

    def _update(self, context) -> None:
        self._run.step()
        state.set_status(
            context, running=True, task="generate", fraction=self._run.fraction, message=self._run.message
        )

    def execute(self, context):
        # Headless (blender -b, the bpy module): same worker, polled in a loop.
        if not self._start(context):
            return {"CANCELLED"}
        state.wait(self._update_quiet, lambda: not self._run.running)
        return self._end(context)

    def _update_quiet(self) -> None:
        self._run.step()

    def invoke(self, context, event):
        if state.headless() or context.window is None:
            return self.execute(context)
        if not self._start(context):
            return {"CANCELLED"}
        wm = context.window_manager
        self._timer = wm.event_timer_add(state.TIMER_STEP, window=context.window)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        if event.type == "ESC":
            self._run.cancel()
        elif event.type != "TIMER":
            return {"PASS_THROUGH"}
        self._update(context)
        if self._run.running:
            return {"RUNNING_MODAL"}
        context.window_manager.event_timer_remove(self._timer)
        return self._end(context)

    def cancel(self, context):
        """Blender ends the modal run (file load, quit): stop the worker, change nothing."""
        self._run.cancel()
        self._run.finish()
        try:
            context.window_manager.event_timer_remove(self._timer)
            state.set_status(context, running=False, last="DualTalk: cancelled")
        except (ReferenceError, RuntimeError, AttributeError):
            pass


class DUALTALK_OT_cancel(bpy.types.Operator):
    """Stop the running DualTalk generation; the scene stays as it was"""

    bl_idname = "dualtalk.cancel"
    bl_label = "Cancel"

    @classmethod
    def poll(cls, context):
        return ui_run.ACTIVE is not None and ui_run.ACTIVE.running

    def execute(self, context):
        ui_run.ACTIVE.cancel()
        state.set_status(context, running=True, task="generate", message="cancelling")
        return {"FINISHED"}


class DUALTALK_OT_export_fbx(bpy.types.Operator):
    """Export both characters with their animation and shape keys to FBX"""

    bl_idname = "dualtalk.export_fbx"
    bl_label = "Export FBX"

    filepath: bpy.props.StringProperty(subtype="FILE_PATH", options={"SKIP_SAVE"})

    @classmethod
    def poll(cls, context):
        s = getattr(context.scene, "dualtalk", None)
        return s is not None and s.char_a is not None and s.char_b is not None

    def execute(self, context):
        s = context.scene.dualtalk
        try:
            path = ui_run.export_fbx(s, self.filepath or s.fbx_path, scene=context.scene)
        except DualTalkError as exc:
            self.report({"ERROR"}, f"DualTalk: {exc}")
            return {"CANCELLED"}
        self.report({"INFO"}, f"DualTalk: exported {path}")
        return {"FINISHED"}


CLASSES = (DUALTALK_OT_generate, DUALTALK_OT_cancel, DUALTALK_OT_export_fbx)
