"""Play Take: a thin wrapper around ``dualtalk_blender/addon/file_takes.py``."""

from __future__ import annotations

import bpy

from ..dualtalk_blender.addon import file_takes, state, take_back
from ..dualtalk_blender.scene import reading_text
from ..inference.core.errors import DualTalkError
from .modal import internal_error_line, poll_free, report_failure


class DUALTALK_OT_play_take(bpy.types.Operator):
    """Play an earlier take the file keeps (made under another Take name) on the chosen characters
    instead of the one playing, which stays in the file; your tracks, keys and the layers' influence
    stay"""

    # The panel's Take becomes the played take's name: Generate then replaces what plays, as the
    # field says, never the take just switched away from.

    bl_idname = "dualtalk.play_take"
    bl_label = "Play Take"
    bl_options = {"REGISTER", "UNDO"}

    take: bpy.props.StringProperty(name="Take", description="The take's name", options={"SKIP_SAVE"})

    @classmethod
    def poll(cls, context):
        return poll_free(cls, context)

    def execute(self, context):
        s = context.scene.dualtalk
        try:
            # by their face meshes, as every other status line names the characters (not 'Ava_rig')
            chars = [take_back.face(o) for o in (s.char_a, s.char_b) if o is not None]
            message = file_takes.play_take(chars, self.take, context.scene) + _reading_of(chars, self.take)
        except DualTalkError as exc:
            return report_failure(self, context, f"DualTalk: {exc}")
        except Exception as exc:  # a bug: one line, the traceback to the console
            import traceback

            traceback.print_exc()
            line = internal_error_line("Play Take", exc, last_line=True, also=", Ctrl+Z undoes what it did")
            return report_failure(self, context, line)
        s.take_name = self.take  # the next Generate replaces the take that plays, as the field says
        state.set_status(context, running=False, fraction=1.0, last=message)
        self.report({"INFO"}, message)
        return {"FINISHED"}


def _reading_of(chars: list, take: str) -> str:
    """The line's pointer to the text of what each script line of the played take was read as
    (:func:`..dualtalk_blender.scene.reading_text.find`); "" for a take made without a script."""
    if len(chars) != 2:
        return ""
    text = reading_text.find(take, chars)  # renamed since the take: its reading still (take_owners' names)
    return f"; each script line as read is in the text {text.name!r}" if text is not None else ""


class DUALTALK_OT_use_take_settings(bpy.types.Operator):
    """Fill the panel from the take the characters play: its name (Generate then replaces it), the
    characters, the audio form, files, part, turns file and speaker, and keys it was made with, where
    the take records them and its files are found; nothing is keyed"""

    bl_idname = "dualtalk.use_take_settings"
    bl_label = "Use Take's Settings"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        return poll_free(cls, context)

    def execute(self, context):
        try:
            message = file_takes.use_take_settings(context.scene, context.scene.dualtalk)
        except DualTalkError as exc:
            return report_failure(self, context, f"DualTalk: {exc}")
        except Exception as exc:  # a bug: one line, the traceback to the console
            import traceback

            traceback.print_exc()
            line = internal_error_line("Use Take's Settings", exc, last_line=True)
            return report_failure(self, context, line)
        state.set_status(context, running=False, fraction=1.0, last=message)
        self.report({"INFO"}, message)
        return {"FINISHED"}


CLASSES = (DUALTALK_OT_play_take, DUALTALK_OT_use_take_settings)
