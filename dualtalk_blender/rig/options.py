"""The scene-side options -- how a motion is keyed onto a character -- declared once (pure, no bpy).

The engine-side options live in ``inference/core/request.py`` (:class:`Request`); these use the
same :class:`Option` declaration, so ``animate``'s flags, the shot-file keys, the add-on panel's
properties and the Python API's :class:`ApplyOptions` keyword arguments are all views of
:data:`SCENE_OPTIONS`, and :meth:`ApplyOptions.validate` is the one check behind every entry point.

Adding a scene option: one :class:`Option` here and one field on :class:`ApplyOptions` with the
same name (``attr`` when the Python name differs from the flag); a test checks they agree.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ...inference.core.errors import DualTalkError
from ...inference.core.numeric import shown
from ...inference.core.request import Option, Request, amount, check
from ...inference.core.text_files import escaped, typed_text
from .gaze import GLANCE, GLANCE_DEG, HEAD_TURN, SIDE_BY_SIDE, TURN
from .layer_names import LAYER_ALIASES, LAYERS
from .mapping import CustomMap
from .retarget import GROUPS

AUTO = "auto"
# a character's up axis in the panel: (value, label, description)
UP_AXIS_ITEMS = (
    (
        AUTO,
        "Auto",
        "Read from the rig: the neck to head chain, else the armature standing Y-up, else the head bone",
    ),
    ("Y", "Y up", "The rig's Y axis is up"),
    ("Z", "Z up", "The rig's Z axis is up, as Blender's own"),
)
# two characters facing one way (side by side to the camera): (value, label, description)
SIDE_BY_SIDE_ITEMS = (
    (
        GLANCE,
        "Glance",
        f"The heads turn at most {GLANCE_DEG:g} degrees toward each other; the eyes glance the rest",
    ),
    (TURN, "Turn", "The heads turn toward each other as far as eye contact asks, as a pair face to face"),
    # last, so a file that stored Glance or Turn (as the item's number) still reads them
    (
        AUTO,
        "As the take",
        "As the characters' playing take was keyed (a take from before this setting: Turn), so the "
        "animator's head keys made over it stay as they were; Glance where no take plays",
    ),
)
MAX_FRAME = 1_048_574  # Blender's last frame (MAXFRAME); its frame range is 0..MAX_FRAME
KEYS_MODES = ("every-frame", "reduced")
RENDER_SIZE = (8, 16384)  # pixels per side Blender renders
RENDER_SAMPLES = (1, 65536)


def render_size_ok(resolution: Sequence[int]) -> bool:
    """Whether Blender can render each side of ``resolution`` (the one place the bounds are compared)."""
    lo, hi = RENDER_SIZE
    return all(lo <= int(x) <= hi for x in resolution)


def check_render(resolution: tuple[int, int] | None, samples: int | None) -> None:
    """One line for a render size or sample count Blender cannot use; shots check this before
    anything runs, so a bad value never leaves a half-made shot behind."""
    lo, hi = RENDER_SIZE
    if resolution is not None and not render_size_ok(resolution):
        got = f"{shown(resolution[0])}x{shown(resolution[1])}"
        raise DualTalkError(f"render resolution must be within {lo}..{hi} pixels, got {got}")
    lo, hi = RENDER_SAMPLES
    if samples is not None and not lo <= int(samples) <= hi:
        raise DualTalkError(f"render samples must be within {lo}..{hi}, got {shown(samples)}")


def is_unicode(text: str) -> bool:
    """Whether ``text`` is valid Unicode: no surrogate, neither a byte of a file name or argument
    that is not UTF-8 (Python's escape, U+DC80-U+DCFF) nor a lone ``\\ud800`` from JSON. A Blender
    name is UTF-8, so such a name can name no object, action or take (bpy fails inside its call)."""
    return not any("\ud800" <= c <= "\udfff" for c in text)


TAKE_NAME_BYTES = 40  # a take name's room in its layer actions, markers and records (UTF-8 bytes)


def take_name_fit(name: str) -> str:
    """The longest start of ``name`` a take name holds (:data:`TAKE_NAME_BYTES`), cut between
    characters, never inside one."""
    return name.encode(errors="surrogatepass")[:TAKE_NAME_BYTES].decode(errors="ignore")


def take_name_room(name: str) -> str:
    """Why ``name`` is too long, counted in characters a user can count: a Japanese, Chinese or
    Hindi character takes 3 of a take name's 40 bytes (review 32n F9: a 20-character Japanese name
    was refused as "must be 1-40 printable bytes")."""
    return (
        f"'{escaped(name)}' is {len(name)} characters, {len(name.encode(errors='surrogatepass'))} bytes "
        f"as Blender stores them; a take name holds {TAKE_NAME_BYTES} bytes: {TAKE_NAME_BYTES} English "
        "letters, 20 Arabic, Cyrillic or Greek, 13 Japanese, Chinese, Korean or Hindi"
    )


def take_name_cut(name: str, take: str) -> str | None:
    """The one line that says a take named after ``name`` (``--out``'s, a job shot's) was cut to
    ``take`` to fit a take name, to say once it is keyed; None when nothing was cut (review 32n F9:
    the cut went unsaid, while ``--take`` refused the same name)."""
    if len(name.encode(errors="surrogatepass")) <= TAKE_NAME_BYTES:
        return None
    return (
        f"the take is named '{escaped(take)}', cut from the shot's name: {take_name_room(name)} "
        '(--take NAME, or a job shot\'s "take", names it)'
    )


RETARGET, KEYING, API = "retarget", "keying", "api"
GROUP_TITLES = {RETARGET: "retargeting", KEYING: "layers and keys", API: "Python API"}

SCENE_OPTIONS: tuple[Option, ...] = (
    Option(
        "preset",
        RETARGET,
        "choice",
        "how motion channels find shape keys and bones (default: auto-detect)",
        default=AUTO,
        choices=(AUTO, "arkit", "flame", "vrm", "mmd"),
        items=(
            (AUTO, "Auto-detect", "Pick the preset whose names match most shape keys"),
            ("arkit", "ARKit", "52 ARKit blendshapes (also mixamorig:/CC_Base_ prefixes and case variants)"),
            ("flame", "FLAME", "FLAME add-on rig: Exp* keys plus jaw/neck bones"),
            ("vrm", "VRM", "VRM expressions (aa, ih, ou, ee, oh, blink, happy...)"),
            ("mmd", "MMD", "MMD Japanese morphs"),
        ),
        title="Rig",
        panel=True,
    ),
    Option(
        "map",
        RETARGET,
        "path",
        "custom channel -> shape key/bone map of both characters, but one with its own (--map-a, "
        "--map-b); overrides --preset",
        metavar="JSON",
        attr="mapping",
        title="Map file",
        panel=True,
    ),
    Option(
        "map_a",
        RETARGET,
        "path",
        "character A's own custom map, instead of --map (overrides --preset for A)",
        metavar="JSON",
        attr="mapping_a",
        title="A's map file",
        panel=True,
    ),
    Option(
        "map_b",
        RETARGET,
        "path",
        "character B's own custom map, instead of --map (overrides --preset for B)",
        metavar="JSON",
        attr="mapping_b",
        title="B's map file",
        panel=True,
    ),
    Option(
        "flame_map",
        RETARGET,
        "path",
        "published 51x103 ARKit->FLAME matrix (.npy/.npz/.json/.csv)",
        metavar="FILE",
    ),
    Option(
        "intensity",
        RETARGET,
        "mapping",
        "scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head",
        metavar="GROUP=X",
        attr="intensities",
        low=0.0,
        high=5.0,
        soft_high=2.0,
        keys=GROUPS,
        key_title="intensity group",
        panel=True,
    ),
    Option(
        "smoothing",
        RETARGET,
        "float",
        "temporal smoothing: Gaussian sigma in 25-fps frames (0 = off, 1-2 = gentle; the behaviour layer's blinks stay sharp)",
        default=0.0,
        metavar="FRAMES",
        low=0.0,
        high=25.0,
        soft_high=4.0,
        panel=True,
    ),
    Option(
        "start_frame",
        RETARGET,
        "int",
        "first keyed frame (default: scene start)",
        metavar="N",
        low=0,
        high=MAX_FRAME,
    ),
    Option(
        "head_turn",
        RETARGET,
        "float",
        f"on partner looks the head turns this share of the way to the partner, 0-1 (default {HEAD_TURN:g})",
        default=HEAD_TURN,
        metavar="SHARE",
        low=0.0,
        high=1.0,
        panel=True,
    ),
    Option(
        "side_by_side",
        RETARGET,
        "choice",
        "two characters facing the same way (side by side to the camera): 'glance' turns their heads at "
        f"most {GLANCE_DEG:g} deg toward each other, the eyes the rest (a pair partly turned toward each other, "
        "30-90 deg apart, takes part of it); 'turn' turns them to face each other; "
        "'auto' (default) as their playing take was keyed (one from before this setting: turn), else glance",
        default=AUTO,
        choices=(*SIDE_BY_SIDE, AUTO),
        items=SIDE_BY_SIDE_ITEMS,
        title="Side by side",
        panel_help="two characters facing the same way, side by side to the camera: glance at each other "
        f"(the head turns at most {GLANCE_DEG:g} degrees), or turn to face each other",
        panel=True,
    ),
    Option(
        "up_axis",
        RETARGET,
        "choice",
        "both rigs' up axis for head rotation (default: from the neck->head chain, the armature's "
        'rotation, then the head bone; a map\'s "up_axis" says it for its rig)',
        default=AUTO,
        choices=(AUTO, "Y", "Z"),
    ),
    Option(
        "up_axis_a",
        RETARGET,
        "choice",
        "character A's own rig up axis, instead of --up-axis (a Y-up Maya rig beside a Z-up one)",
        default=AUTO,
        choices=(AUTO, "Y", "Z"),
        items=UP_AXIS_ITEMS,
        title="A's up axis",
        panel_help="which way character A's rig is up, for turning its head (a rig from Maya whose head "
        "rolls where it should turn: set Z)",
        panel=True,  # the up-axis warning's advice, followed in the panel (closing40: it named flags)
    ),
    Option(
        "up_axis_b",
        RETARGET,
        "choice",
        "character B's own rig up axis, instead of --up-axis",
        default=AUTO,
        choices=(AUTO, "Y", "Z"),
        items=UP_AXIS_ITEMS,
        title="B's up axis",
        panel_help="which way character B's rig is up, for turning its head (a rig from Maya whose head "
        "rolls where it should turn: set Z)",
        panel=True,
    ),
    Option(
        "markers",
        RETARGET,
        "bool",
        "timeline markers at turn changes",
        default=True,
        title="Turn markers",
        panel=True,
    ),
    Option(
        "take",
        RETARGET,
        "str",
        "take name used for the actions (default: the take both characters in --blend play, else OUT's name)",
        default="take",
        metavar="NAME",
    ),
    Option(
        "layer_influence",
        KEYING,
        "mapping",
        "keyed influence 0..1 of a layer: lips+jaw, head, eyes, brows+cheeks (e.g. head=0.5)",
        metavar="LAYER=X",
        low=0.0,
        high=1.0,
        keys=LAYERS,
        aliases=tuple(LAYER_ALIASES.items()),
        key_title="layer",
    ),
    Option(
        "keys",
        KEYING,
        "choice",
        "reduced: fewer keys within 0.01 on weights and 0.1 deg on rotations",
        default="every-frame",
        panel_help="How many keys the take gets: one per frame, or far fewer (easier to edit) that stay "
        "within 0.01 on weights and 0.1 degrees on rotations",
        choices=KEYS_MODES,
        items=(
            ("every-frame", "Every frame", "One key per frame on every curve: exactly the engine's output"),
            (
                "reduced",
                "Reduced",
                "Far fewer keys, within 0.01 on shape-key weights and 0.1 degrees on rotations",
            ),
        ),
        panel=True,
    ),
    Option(
        "range",
        KEYING,
        "frames",
        "re-generate only these frames of the take already in --blend (cross-faded at both ends)",
        metavar="FIRST-LAST",
        attr="replace_range",
    ),
    # The Python API's own: callers choose these (animate keys with frame_range="fit", no undo).
    Option(
        "blinks",
        API,
        "choice",
        "procedural blinks for motion without the behaviour layer's: auto (FLAME motion only), on, off",
        default=AUTO,
        choices=(AUTO, "on", "off"),
        panel_help="Whether the characters blink. Auto and On: the Behaviour panel's blinks (its Blink "
        "Amount); Off: no blinks at all",
        items=(  # motion files made before the behaviour layer have no blinks (plan.rig_values)
            (
                AUTO,
                "Auto",
                "The Behaviour panel's blinks; a take saved by an older DualTalk without them gets "
                "blinks only if the published network made it",
            ),
            (
                "on",
                "On",
                "The Behaviour panel's blinks; a take saved by an older DualTalk without them gets "
                "blinks too",
            ),
            ("off", "Off", "No blinks at all, whatever the Behaviour panel says"),
        ),
        title="Procedural Blinks",
        cli=False,
        panel=True,
    ),
    Option("blink_seed", API, "int", "seed of the procedural blinks", default=0, cli=False),
    Option("head", API, "bool", "key head rotation", default=True, cli=False),
    Option(
        "gaze",
        API,
        "bool",
        "glance at the partner and away like people do; partner looks aim at the other head",
        default=True,
        title="Eye contact",
        cli=False,
        panel=True,
    ),
    Option(
        "single_user",
        API,
        "choice",
        "shared shape keys: make them single-user, or refuse",
        default="make",
        choices=("make", "refuse"),
        cli=False,
    ),
    Option(
        "frame_range",
        API,
        "choice",
        "scene frame range: extend it to cover the take, fit it exactly, or keep it",
        default="extend",
        choices=("extend", "fit", "keep"),
        cli=False,
    ),
    Option("undo_push", API, "bool", "push one undo step", default=True, cli=False),
    Option(
        "crossfade",
        API,
        "int",
        "frames blended at each end of a replaced range",
        default=4,
        low=0,
        high=100,
        cli=False,
    ),
)
SCENE_BY_NAME = {o.name: o for o in SCENE_OPTIONS}
SCENE_BY_FIELD = {o.field: o for o in SCENE_OPTIONS}


@dataclass
class ApplyOptions:
    """How a motion is put on a character (see :data:`SCENE_OPTIONS`). Defaults suit both engines."""

    preset: str = AUTO  # auto / arkit / flame / vrm / mmd
    mapping: CustomMap | str | None = None  # custom map (parsed, or a JSON path) of both; overrides preset
    mapping_a: CustomMap | str | None = None  # character A's own map, instead of ``mapping`` (for_role)
    mapping_b: CustomMap | str | None = None  # character B's own map
    flame_map: str | None = None  # ARKit->FLAME 51x103 matrix file (FLAME <-> ARKit rigs)
    intensities: dict[str, float] = field(default_factory=dict)  # mouth/brows/eyes/cheeks/head
    smoothing: float = 0.0  # Gaussian sigma in motion frames (25 fps); 0 = off, 1-2 = gentle
    start_frame: int | None = None  # None: the scene's start frame
    head_turn: float = HEAD_TURN  # share of the way the head turns toward the partner on partner looks
    side_by_side: str = AUTO  # a pair facing one way: "glance" (head turns at most 20 deg), "turn", or "auto"
    # (as the characters' playing take was keyed, else glance: :func:`..scene.side_by_side.resolved`)
    up_axis: str = AUTO  # both rigs' up axis for head rotation: auto / Y / Z
    up_axis_a: str = AUTO  # character A's own up axis, instead of ``up_axis`` (for_role)
    up_axis_b: str = AUTO  # character B's own up axis
    markers: bool = True  # turn markers (apply_dialogue)
    take: str = "take"  # names the action: one action per character per take
    layer_influence: dict[str, float] = field(default_factory=dict)  # e.g. {"head": 0.5}
    keys: str = "every-frame"  # every-frame / reduced (within 0.01 on weights, 0.1 deg on rotations)
    replace_range: tuple[int, int] | None = None  # only rewrite these frames of the existing take
    blinks: str = AUTO  # auto (only for FLAME motion, which has no eyelids) / on / off
    blink_seed: int = 0
    head: bool = True  # key head rotation
    gaze: bool = True  # apply_dialogue: eyes on the partner's head where the motion's gaze intent says so
    single_user: str = "make"  # shared shape keys: "make" them single-user, or "refuse"
    frame_range: str = "extend"  # scene range: extend to cover the take / fit it exactly / keep
    undo_push: bool = True  # push one undo step (set False inside an UNDO operator)
    crossfade: int = 4  # frames blended at each end of a replaced range

    def __post_init__(self) -> None:
        # one take, however its name was typed: macOS gives "Tomás" decomposed (NFD), a locale that is
        # not UTF-8 gives it as surrogates; either made a second take whose actions read the same
        if isinstance(self.take, str):
            take = typed_text(self.take)
            self.take = unicodedata.normalize("NFC", take) if is_unicode(take) else take

    def validate(self) -> None:
        """Each declaration's checks (:func:`check`), plus what a take name must be; one-line errors."""
        for option in SCENE_OPTIONS:
            value = getattr(self, option.field)
            if option.kind == "path" or isinstance(value, CustomMap):
                continue  # files are read (and refused) by whoever loads them
            check(option, value)
        take = self.take
        if isinstance(take, str) and not is_unicode(take):  # a file name's bytes, a JSON "\ud800"
            raise DualTalkError(
                f"--take '{escaped(take)}' is not valid Unicode text; a take names Blender actions, "
                "whose names are UTF-8"
            )
        if not isinstance(take, str) or not take or any(ord(c) < 32 for c in take):
            shown = f"'{escaped(take)}'" if isinstance(take, str) else type(take).__name__
            raise DualTalkError(f"--take (the take's name) must be 1-40 printable bytes, got {shown}")
        if len(take.encode()) > TAKE_NAME_BYTES:
            fit = take_name_fit(take)
            raise DualTalkError(
                f"--take (the take's name) is too long: {take_name_room(take)} "
                f"(its first {len(fit)} characters: '{escaped(fit)}')"
            )

    def for_role(self, role: str) -> ApplyOptions:
        """The options character ``role`` ("A" or "B"; "" for neither) is inspected with: its own map
        (``mapping_a`` / ``mapping_b``) where given, else the shared ``mapping``, else the preset; so two
        differently rigged characters key in one ``apply_dialogue``, eye contact and all. The result
        holds that one map in all three fields: asked again, for any role, it gives the same. The up
        axis likewise: ``up_axis_a`` / ``up_axis_b`` where not auto, else the shared ``up_axis``."""
        own = {"A": self.mapping_a, "B": self.mapping_b}.get(str(role).upper())
        mapping = own if own is not None and own != "" else self.mapping
        own_up = {"A": self.up_axis_a, "B": self.up_axis_b}.get(str(role).upper(), AUTO)
        up = own_up if own_up != AUTO else self.up_axis
        return self.replace(
            mapping=mapping, mapping_a=mapping, mapping_b=mapping, up_axis=up, up_axis_a=up, up_axis_b=up
        )

    @classmethod
    def from_values(cls, values: Mapping[str, object], **fixed: object) -> ApplyOptions:
        """Typed values keyed by option name (a parsed command line, a shot) -> options; ``fixed``
        are Python-side fields the caller chooses (``frame_range="fit"``, ``undo_push=False``)."""
        kw: dict[str, object] = {}
        for name, value in values.items():
            option = SCENE_BY_NAME[name]
            if value is None:
                continue
            if option.kind == "mapping":
                value = dict(value)  # type: ignore[call-overload]
            kw[option.field] = value
        kw.update(fixed)
        return cls(**kw)  # type: ignore[arg-type]  # each value was typed by its declaration

    def replace(self, **changes: object) -> ApplyOptions:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def link(request: Request, options: ApplyOptions) -> tuple[Request, ApplyOptions]:
    """The two sides agree on blinks and eye contact: switching either off switches both off.

    Scene blinks ``off`` (panel) -> the behaviour layer adds none; ``--blinks off`` -> no procedural
    blinks either. Eye contact off (panel) -> no gaze layer; ``--gaze off`` -> no partner looks.
    """
    blinks_off = options.blinks == "off" or amount(request.blinks, "blinks") == 0.0
    gaze_off = not options.gaze or amount(request.gaze, "gaze") == 0.0
    if blinks_off:
        request, options = request.replace(blinks="off"), options.replace(blinks="off")
    if gaze_off:
        request, options = request.replace(gaze="off"), options.replace(gaze=False)
    return request, options
