"""Remove Take: a thin wrapper around ``dualtalk_blender/scene/remove_take.py``."""

from __future__ import annotations

import bpy

from ..dualtalk_blender.addon import file_takes, state, take_back
from ..dualtalk_blender.scene import reading_text, remove_take
from ..inference.core.errors import DualTalkError
from .modal import internal_error_line, poll_free, report_failure

WHICH = (
    ("BOTH", "Both", "Every chosen character that carries a take"),
    ("A", "Character A", "Only Character A"),
    ("B", "Character B", "Only Character B"),
)


def chosen(scene, which: str = "BOTH") -> list:
    """The panel's characters ``which`` names that carry a DualTalk take."""
    s = getattr(scene, "dualtalk", None)
    if s is None:
        return []
    picked = {"A": [s.char_a], "B": [s.char_b]}.get(which, [s.char_a, s.char_b])
    return [obj for obj in picked if obj is not None and remove_take.carries_take(obj)]


class DUALTALK_OT_remove_take(bpy.types.Operator):
    """Remove the DualTalk take from the chosen characters: where the file keeps another take of theirs
    whose recording is found, that take plays again (the one that played last); else DualTalk's
    tracks, actions, markers and sound strips of the take go and the action DualTalk kept below it
    plays as before. Your own tracks, actions, keys and drivers stay; keys edited by hand inside the
    take's own layers go with the take (the confirmation names them)"""

    bl_idname = "dualtalk.remove_take"
    bl_label = "Remove Take"
    bl_options = {"REGISTER", "UNDO"}

    character: bpy.props.EnumProperty(name="Character", items=WHICH, default="BOTH", options={"SKIP_SAVE"})

    @classmethod
    def poll(cls, context):
        return poll_free(cls, context)

    def invoke(self, context, event):
        try:
            objs = self._objects(context)
            back = take_back.plan_take_back(objs)
            question = (
                back.question()
                if back is not None
                else remove_take.plan_removal(objs, context.scene).question()
            ) + readings_going(objs)
        except DualTalkError as exc:
            return self._refused(context, exc)
        return context.window_manager.invoke_confirm(
            self, event, title="Remove Take", message=question, confirm_text="Remove", icon="WARNING"
        )

    def execute(self, context):
        try:
            objs = self._objects(context)
            faces = [take_back.face(obj) for obj in objs]  # whose readings' texts go, renames followed
            back = take_back.plan_take_back(objs)  # a kept take plays again: the one that played last
            if back is not None:
                message = take_back.take_back(back, context.scene) + _readings_removed(faces)
                state.set_status(context, running=False, fraction=1.0, last=message)
                self.report({"INFO"}, message)
                return {"FINISHED"}
            # it also forgets the take in the scene's history of the takes that played
            report = remove_take.remove_take(objs, context.scene, undo_push=False)
        except DualTalkError as exc:
            return self._refused(context, exc)
        except Exception as exc:  # a bug: one line, the traceback to the console (Undo restores the scene)
            import traceback

            traceback.print_exc()
            line = internal_error_line("Remove Take", exc, last_line=True, also=", Ctrl+Z undoes what it did")
            return report_failure(self, context, line)
        message = f"DualTalk: {report.summary}{_texts_clause(report.texts)}{file_takes.kept_line(objs)}"
        state.set_status(context, running=False, fraction=1.0, last=message)
        self.report({"INFO"}, message)
        for note in report.notes:  # e.g. a take of an older DualTalk: what the characters returned to
            self.report({"WARNING"}, f"DualTalk: {note}")
        return {"FINISHED"}

    def _objects(self, context) -> list:
        objs = chosen(context.scene, self.character)
        if objs:
            return objs
        s = context.scene.dualtalk
        picked = {"A": [s.char_a], "B": [s.char_b]}.get(self.character, [s.char_a, s.char_b])
        names = [take_back.face(obj).name for obj in picked if obj is not None]  # as status lines name them
        if not names:
            which = {"A": "Character A", "B": "Character B"}.get(self.character, "the characters")
            raise DualTalkError(f"choose {which} first; there is no take to remove")
        kept = file_takes.kept_line([obj for obj in picked if obj is not None])
        if len(names) == 1:
            raise DualTalkError(f"{names[0]} carries no DualTalk take; there is nothing to remove{kept}")
        raise DualTalkError(
            f"neither {names[0]} nor {names[1]} carries a DualTalk take; there is nothing to remove{kept}"
        )

    def _refused(self, context, exc: DualTalkError) -> set[str]:
        return report_failure(self, context, f"DualTalk: {exc}")


def readings_going(objs: list) -> str:
    """The confirmation's sentence on the texts of what each script line was read as that go with the
    take the characters ``objs`` play (:func:`..dualtalk_blender.scene.reading_text.unheld`); ""
    where none does. The actions that go are those of the playing take each character keyed
    (``take_owners``, as Remove Take finds them), so a character renamed since the take is asked about
    as the removal will treat it."""
    from ..dualtalk_blender.scene import take_owners
    from ..dualtalk_blender.scene.layers import take_meta

    going = []
    for i, obj in enumerate(objs):
        take = str((take_meta(obj) or {}).get("take", ""))
        if take:
            going += take_owners.keyed_actions(objs, take)[i]
    texts = [t.name for t in reading_text.unheld([take_back.face(obj) for obj in objs], going)]
    if not texts:
        return ""
    which = f"text {texts[0]!r}" if len(texts) == 1 else f"texts {', '.join(repr(n) for n in texts)}"
    return f" The {which}, what its script lines were read as, goes with it."


def _readings_removed(faces: list) -> str:
    """The texts of what each script line was read as, of the takes ``faces`` no longer hold, removed
    (:func:`..dualtalk_blender.scene.reading_text.drop_unheld`), and the line's clause naming them."""
    return _texts_clause(reading_text.drop_unheld(faces))


def _texts_clause(gone: list[str]) -> str:
    """The status line's clause naming the removed texts of what script lines were read as."""
    if not gone:
        return ""
    return f"; removed the text{'s' if len(gone) > 1 else ''} {', '.join(repr(n) for n in gone)}"


CLASSES = (DUALTALK_OT_remove_take,)
