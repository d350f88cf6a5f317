"""Panel settings (``Scene.dualtalk``) and the live job status (``WindowManager.dualtalk_status``).

Settings live on the scene so they are saved with the .blend; the status is per session.
"""

from __future__ import annotations

import bpy
from bpy.props import (
    BoolProperty,
    EnumProperty,
    FloatProperty,
    IntProperty,
    PointerProperty,
    StringProperty,
)

from ..dualtalk_blender.addon.ui_run import qualifies
from ..inference.core.request import MAX_ROUNDS


def _poll_character(_self, obj) -> bool:
    return qualifies(obj)


def _intensity(group: str) -> FloatProperty:
    return FloatProperty(
        name=group.capitalize(),
        description=f"Scale of the {group} animation (1 = as generated)",
        default=1.0,
        min=0.0,
        max=5.0,
        soft_max=2.0,
    )


def _amount(what: str) -> FloatProperty:
    return FloatProperty(
        name=what.split()[0].capitalize(),
        description=f"Amount of {what}: 0 = off, 1 = like real people, up to 2",
        default=1.0,
        min=0.0,
        max=2.0,
    )


class DUALTALK_PG_settings(bpy.types.PropertyGroup):
    char_a: PointerProperty(
        name="Character A",
        type=bpy.types.Object,
        poll=_poll_character,
        description="Mesh with shape keys (or its armature) voiced by speaker A",
    )
    char_b: PointerProperty(
        name="Character B",
        type=bpy.types.Object,
        poll=_poll_character,
        description="Mesh with shape keys (or its armature) voiced by speaker B",
    )
    preset: EnumProperty(
        name="Rig",
        description="How motion channels find shape keys and bones",
        items=[
            ("auto", "Auto-detect", "Pick the preset whose names match most shape keys"),
            ("arkit", "ARKit", "52 ARKit blendshapes (also mixamorig:/CC_Base_ prefixes and case variants)"),
            ("flame", "FLAME", "FLAME add-on rig: Exp* keys plus jaw/neck bones"),
            ("vrm", "VRM", "VRM expressions (aa, ih, ou, ee, oh, blink, happy...)"),
            ("mmd", "MMD", "MMD Japanese morphs"),
            ("custom", "Custom map", "A JSON file mapping channels to shape keys or bones"),
        ],
        default="auto",
    )
    custom_map: StringProperty(name="Map file", subtype="FILE_PATH", description="Custom channel map (JSON)")
    audio_form: EnumProperty(
        name="Audio",
        description="How the two voices are recorded",
        items=[
            ("STEREO", "Stereo file", "One file; left channel is A, right channel is B"),
            ("TWO_FILES", "Two files", "One file per speaker, same length"),
            ("MONO_TURNS", "Mono + turns", "One mixed recording plus a file saying who speaks when"),
            ("MONO_AUTO", "Mono, automatic", "One mixed recording; speakers separated automatically"),
        ],
        default="STEREO",
    )
    audio: StringProperty(
        name="Audio", subtype="FILE_PATH", description="Dialogue recording (speaker A's file)"
    )
    audio_b: StringProperty(name="Audio B", subtype="FILE_PATH", description="Speaker B's recording")
    turns: StringProperty(name="Turns", subtype="FILE_PATH", description="Turns file (who speaks when)")
    speaker_a: StringProperty(
        name="Speaker A", description="Label in the turns file to animate as A (empty: the first speaker)"
    )
    swap: BoolProperty(name="Swap A/B", description="Exchange the two speakers")
    use_range: BoolProperty(name="Part of the recording", description="Only animate from Start to End")
    start: FloatProperty(
        name="Start", unit="TIME_ABSOLUTE", min=0.0, description="Seconds into the recording"
    )
    end: FloatProperty(name="End", unit="TIME_ABSOLUTE", min=0.0, description="Seconds; 0 = to the end")
    engine: EnumProperty(
        name="Engine",
        items=[
            ("EMBEDDED", "Embedded", "Small bundled model (ARKit output); works offline"),
            ("CHECKPOINT", "DualTalk checkpoint", "The published DualTalk network (FLAME output)"),
        ],
        default="EMBEDDED",
    )
    checkpoint: StringProperty(
        name="Checkpoint",
        subtype="FILE_PATH",
        description="DualTalk.pth; empty = DualTalk.pth in the model folder (Preferences)",
    )
    device: EnumProperty(
        name="Device",
        items=[
            ("AUTO", "Auto", "GPU if available"),
            ("CUDA", "CUDA", "NVIDIA GPU"),
            ("CPU", "CPU", "Processor"),
        ],
        default="AUTO",
    )
    rounds: IntProperty(
        name="Rounds",
        min=0,
        max=MAX_ROUNDS,
        default=0,
        description="Refinement rounds between the two characters (0 = default)",
    )
    intensity_mouth: _intensity("mouth")
    intensity_brows: _intensity("brows")
    intensity_eyes: _intensity("eyes")
    intensity_cheeks: _intensity("cheeks")
    intensity_head: _intensity("head")
    smoothing: FloatProperty(
        name="Smoothing",
        min=0.0,
        max=25.0,
        soft_max=4.0,
        default=0.0,
        description="Temporal smoothing (frames)",
    )
    blinks: EnumProperty(
        name="Blinks",
        items=[
            ("AUTO", "Auto", "Blinks from the behaviour layer (older motion files without it: FLAME only)"),
            ("ON", "On", "Blinks from the behaviour layer; older motion files get procedural blinks"),
            ("OFF", "Off", "No blinks added (the layer's blinks are off too)"),
        ],
        default="AUTO",
    )
    behaviour_seed: IntProperty(
        name="Seed",
        min=0,
        default=0,
        description="Seed of the blinks, glances and nods: the same seed gives the same performance, "
        "another seed another one with the same lips",
    )
    behaviour_mood: EnumProperty(
        name="Mood",
        items=[
            ("neutral", "Neutral", "Calibrated to how people behave in conversation"),
            ("friendly", "Friendly", "More nods, a light smile while listening, a little more eye contact"),
            ("serious", "Serious", "Smaller head motion, fewer brow raises, no smile"),
            ("animated", "Animated", "Much larger head motion, more brows and nods"),
        ],
        default="neutral",
    )
    behaviour_gaze_on: BoolProperty(
        name="Eye contact",
        default=True,
        description="Glance at the partner and away like people do; partner looks aim at the other head",
    )
    behaviour_head_turn: FloatProperty(
        name="Head turn",
        min=0.0,
        max=1.0,
        default=0.15,
        description="Share of the way the head turns toward the partner when looking at them",
    )
    behaviour_custom: BoolProperty(
        name="Custom amounts",
        default=False,
        description="Set each layer's amount (off: the engine's defaults, e.g. the published DualTalk "
        "model keeps its own head and face motion)",
    )
    behaviour_blinks: _amount("blinks")
    behaviour_gaze: _amount("gaze")
    behaviour_head: _amount("head motion and nods")
    behaviour_brows: _amount("brow raises and smiles")
    markers: BoolProperty(name="Turn markers", default=True, description="Timeline markers at each turn")
    sound_strip: BoolProperty(
        name="Sound strip", default=True, description="Place the audio in the sequencer"
    )
    fbx_path: StringProperty(
        name="FBX", subtype="FILE_PATH", default="//dualtalk.fbx", description="FBX output"
    )
    key_mode: EnumProperty(
        name="Keys",
        items=[
            ("EVERY_FRAME", "Every frame", "One key per frame on every curve: exactly the engine's output"),
            (
                "REDUCED",
                "Reduced",
                "Far fewer keys, within 0.01 on shape-key weights and 0.1 degrees on rotations",
            ),
        ],
        default="EVERY_FRAME",
    )
    fbx_scope: EnumProperty(
        name="Scope",
        items=[
            ("FULL", "Full", "Both characters' meshes and whole skeletons"),
            ("FACE", "Face", "Face meshes and only the bones that move (with their parents)"),
        ],
        default="FULL",
    )


class DUALTALK_PG_status(bpy.types.PropertyGroup):
    running: BoolProperty(default=False)
    fraction: FloatProperty(default=0.0, min=0.0, max=1.0, subtype="FACTOR")
    message: StringProperty(default="")
    last: StringProperty(default="", description="Outcome of the last run")
    task: StringProperty(default="", description="What is running: generate / deps / download")


CLASSES = (DUALTALK_PG_settings, DUALTALK_PG_status)


def register_props() -> None:
    bpy.types.Scene.dualtalk = PointerProperty(type=DUALTALK_PG_settings)
    bpy.types.WindowManager.dualtalk_status = PointerProperty(type=DUALTALK_PG_status)


def unregister_props() -> None:
    for owner, name in ((bpy.types.Scene, "dualtalk"), (bpy.types.WindowManager, "dualtalk_status")):
        if hasattr(owner, name):
            delattr(owner, name)
