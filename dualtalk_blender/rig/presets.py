"""Built-in rig presets: which shape keys / bones each motion channel drives.

Four families are known:

* ``arkit``  ARKit-52 names and their usual spellings (``eyeBlinkLeft``, ``eyeBlink_L``,
  ``EyeBlinkLeft``, ``eye_blink_left``, prefixes such as ``mixamorig:``, ``CC_Base_``,
  ``blendShape1.``). Matching goes through :func:`normalize_name`, so one table covers all.
* ``flame``  the FLAME Blender add-on rig: ``Exp<k>`` expression keys, ``jaw`` and ``neck``
  bones, optional ``Pose<k>`` corrective keys.
* ``vrm``    VRM 1.0 expressions (aa ih ou ee oh, blink, happy...), VRM 0.x names and the
  VRoid ``Fcl_*`` keys; the vowels share the lips' one budget (:mod:`.visemes`), the rest are
  linear mixes of ARKit channels written here.
* ``mmd``    MMD Japanese morphs (あ い う え お, まばたき ...), mapped as VRM's.

Pure Python (no bpy) so the tables can be inspected and tested anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ...inference.core.channels import ARKIT52
from . import visemes

FAMILY_ARKIT = "arkit"
FAMILY_FLAME = "flame"
FAMILY_VRM = "vrm"
FAMILY_MMD = "mmd"
FAMILIES = (FAMILY_ARKIT, FAMILY_FLAME, FAMILY_VRM, FAMILY_MMD)

_PREFIXES = ("cc_base_", "mixamorig", "blendshape1", "blendshape", "bs_", "arkit_")
_SEPARATORS = re.compile(r"[\s_\-.:|/]+")
_DUPLICATE = re.compile(r"\.\d{3}$")
# Maya/Max joint suffixes ("Head_JNT", "neck_bind", "Jaw_jt"): the bone's name without them
_JOINT_SUFFIX = re.compile(r"[\s_\-.](?:jnt|jt|joint|bind|bnd)$")


def normalize_name(name: str) -> str:
    """Canonical spelling used to match rig names against preset names.

    Lower case, no separators, Blender's ``.001`` duplicate suffix and namespace prefixes
    dropped (``mixamorig:Head`` -> ``head``, ``blendShape1.jawOpen`` -> ``jawopen``), Maya/Max joint
    suffixes too (``Head_JNT`` -> ``head``, ``neck_bind`` -> ``neck``),
    ``Left``/``Right`` suffixes folded to ``l``/``r`` so ``eyeBlink_L`` == ``eyeBlinkLeft``.
    """
    s = unicodedata.normalize("NFKC", name).strip()
    s = _DUPLICATE.sub("", s) or s  # Blender's "head.001" (joined or appended rigs) is still the head
    if ":" in s:  # namespace ("mixamorig:Head", "Face:jawOpen")
        s = s.rsplit(":", 1)[1] or s
    head, dot, tail = s.rpartition(".")
    if dot and len(tail) > 2 and head:  # "blendShape1.eyeBlinkLeft", but keep "eye.L"
        s = tail
    low = _JOINT_SUFFIX.sub("", s.lower()) or s.lower()
    for prefix in _PREFIXES:
        if low.startswith(prefix) and len(low) > len(prefix) + 1:
            low = low[len(prefix) :]
            break
    low = _SEPARATORS.sub("", low)
    if low.endswith("left"):
        low = low[:-4] + "l"
    elif low.endswith("right"):
        low = low[:-5] + "r"
    return low


@dataclass(frozen=True)
class Target:
    """One rig shape key a preset drives: accepted names and the ARKit mix that feeds it."""

    names: tuple[str, ...]
    mix: tuple[tuple[str, float], ...]
    # targets (by first name) that do this one's work when the rig has all of them: a both-eyes
    # blink keyed beside the one-eye blinks shut each lid twice as far (VRoid has all three)
    covered_by: tuple[str, ...] = ()
    # names accepted only where the rig has none of ``names``; a key found by one of them covers no
    # other target and is left at rest where the rig has any target in ``yields_to`` (MMD's smiling
    # winks ウィンク/ウィンク右 blink a model without まばたき, and stay still beside it)
    fallbacks: tuple[str, ...] = ()
    yields_to: tuple[str, ...] = ()


def _avg(a: str, b: str, w: float = 1.0) -> tuple[tuple[str, float], ...]:
    return ((a, 0.5 * w), (b, 0.5 * w))


ARKIT_TARGETS: tuple[Target, ...] = tuple(Target((n,), ((n, 1.0),)) for n in ARKIT52)

# The vowels share one budget split by lip shape (:mod:`.visemes`); the expressions below are
# linear mixes of ARKit channels (our own approximation; values are clipped to [0, 1] because these
# rigs are not built for negative or >1 weights).
_AA = visemes.mix("aa")
_IH = visemes.mix("ih")
_OU = visemes.mix("ou")
_EE = visemes.mix("ee")
_OH = visemes.mix("oh")
_BLINK = _avg("eyeBlinkLeft", "eyeBlinkRight")

# VRChat's consonant visemes that ARKit's lips can say: PP the lips pressed shut (b/p/m: the closure
# the vowel visemes can only show as "all low"), FF the lower lip rolled in under raised upper teeth
# (f/v: not a closure, hence minus mouthClose), TH the tongue out. The rest (DD KK CH SS NN RR) are
# tongue and teeth positions no ARKit channel describes: left at rest, and the inspection says so.
_PP = (("mouthClose", 1.5), ("mouthPressLeft", 0.5), ("mouthPressRight", 0.5))
_FF = (("mouthRollLower", 1.0), ("mouthUpperUpLeft", 0.25), ("mouthUpperUpRight", 0.25), ("mouthClose", -0.5))
_TH = (("tongueOut", 1.0),)
VRCHAT_PREFIX = "vrc."
VRCHAT_IDLE = ("vrc.v_dd", "vrc.v_kk", "vrc.v_ch", "vrc.v_ss", "vrc.v_nn", "vrc.v_rr")

VRM_TARGETS: tuple[Target, ...] = (
    Target(("aa", "A", "Fcl_MTH_A", "vrc.v_aa"), _AA),
    Target(("ih", "I", "Fcl_MTH_I", "vrc.v_ih"), _IH),
    Target(("ou", "U", "Fcl_MTH_U", "vrc.v_ou"), _OU),
    Target(("ee", "E", "Fcl_MTH_E", "vrc.v_e"), _EE),
    Target(("oh", "O", "Fcl_MTH_O", "vrc.v_oh"), _OH),
    Target(("blink", "Blink", "Fcl_EYE_Close", "vrc.blink"), _BLINK, covered_by=("blinkLeft", "blinkRight")),
    Target(("blinkLeft", "Blink_L", "Fcl_EYE_Close_L", "vrc.blink_left"), (("eyeBlinkLeft", 1.0),)),
    Target(("blinkRight", "Blink_R", "Fcl_EYE_Close_R", "vrc.blink_right"), (("eyeBlinkRight", 1.0),)),
    Target(("happy", "Joy", "Fcl_ALL_Joy"), _avg("mouthSmileLeft", "mouthSmileRight")),
    Target(("angry", "Angry", "Fcl_ALL_Angry"), _avg("browDownLeft", "browDownRight")),
    Target(("sad", "Sorrow", "Fcl_ALL_Sorrow"), _avg("mouthFrownLeft", "mouthFrownRight")),
    Target(
        ("surprised", "Surprised", "Fcl_ALL_Surprised"),
        (("browInnerUp", 0.5), ("eyeWideLeft", 0.25), ("eyeWideRight", 0.25)),
    ),
    Target(("lookUp", "LookUp"), _avg("eyeLookUpLeft", "eyeLookUpRight")),
    Target(("lookDown", "LookDown"), _avg("eyeLookDownLeft", "eyeLookDownRight")),
    Target(("lookLeft", "LookLeft"), _avg("eyeLookOutLeft", "eyeLookInRight")),
    Target(("lookRight", "LookRight"), _avg("eyeLookInLeft", "eyeLookOutRight")),
    # VRChat only (a VRM rig is never expected to have them)
    Target(("vrc.v_pp",), _PP),
    Target(("vrc.v_ff",), _FF),
    Target(("vrc.v_th",), _TH),
    Target(("vrc.lowerlid_left",), (("eyeSquintLeft", 1.0),)),
    Target(("vrc.lowerlid_right",), (("eyeSquintRight", 1.0),)),
)


def is_vrchat(key_names: list[str]) -> bool:
    """Whether the keys a preset found are mostly VRChat's ``vrc.*`` (a VRChat avatar, summarised as
    one: "/16 VRM expressions" counted names it can never have)."""
    vrc = sum(n.lower().startswith(VRCHAT_PREFIX) for n in key_names)
    return vrc > len(key_names) / 2


def expected_targets(family: str, found: dict[int, str]) -> list[int]:
    """The targets of ``family`` a rig is measured against: for VRM, a VRChat avatar's are the targets
    with a ``vrc.*`` name, a VRM model's those with another name (and any the rig has anyway)."""
    targets = PRESET_TARGETS[family]
    if family != FAMILY_VRM:
        return list(range(len(targets)))
    vrchat = is_vrchat(list(found.values()))

    def fits(target: Target) -> bool:
        vrc = [n.lower().startswith(VRCHAT_PREFIX) for n in target.names]
        return any(vrc) if vrchat else not all(vrc)

    return [i for i, t in enumerate(targets) if i in found or fits(t)]


def target_name(target: Target, vrchat: bool) -> str:
    """The name a missing target is listed by: its ``vrc.*`` name on a VRChat avatar."""
    vrc = [n for n in target.names if n.lower().startswith(VRCHAT_PREFIX)]
    return vrc[0] if vrchat and vrc else target.names[0]


# Katakana vowels (ア, and half-width ｱ through NFKC) are another common spelling. The one-eye
# closes ウィンク２/ウィンク２右 (half-width ｳｨﾝｸ２右 folds to them) carry the blink as VRM's one-eye
# keys do; the smiling winks ウィンク/ウィンク右 only where a model has neither kind of close.
MMD_TARGETS: tuple[Target, ...] = (
    Target(("あ", "ア"), _AA),
    Target(("い", "イ"), _IH),
    Target(("う", "ウ"), _OU),
    Target(("え", "エ"), _EE),
    Target(("お", "オ"), _OH),
    Target(("まばたき",), _BLINK, covered_by=("ウィンク２", "ウィンク２右")),
    Target(("ウィンク２",), (("eyeBlinkLeft", 1.0),), fallbacks=("ウィンク",), yields_to=("まばたき",)),
    Target(("ウィンク２右",), (("eyeBlinkRight", 1.0),), fallbacks=("ウィンク右",), yields_to=("まばたき",)),
    Target(("にこり",), _avg("mouthSmileLeft", "mouthSmileRight")),
    Target(("困る",), (("browInnerUp", 1.0),)),
    Target(("怒り",), _avg("browDownLeft", "browDownRight")),
    Target(("上",), _avg("browOuterUpLeft", "browOuterUpRight")),
    Target(("びっくり",), _avg("eyeWideLeft", "eyeWideRight")),
)

PRESET_TARGETS: dict[str, tuple[Target, ...]] = {
    FAMILY_ARKIT: ARKIT_TARGETS,
    FAMILY_VRM: VRM_TARGETS,
    FAMILY_MMD: MMD_TARGETS,
}
# Families whose mixes produce weights meant to stay in [0, 1].
CLIPPED_FAMILIES = (FAMILY_VRM, FAMILY_MMD)

# FLAME add-on rig.
FLAME_EXP_KEY = re.compile(r"^exp[_\s]?0*(\d+)$", re.IGNORECASE)
FLAME_POSE_KEY = re.compile(r"^pose[_\s]?0*(\d+)$", re.IGNORECASE)

# Bones, by normalised name, most specific first.
HEAD_BONES = ("head", "jbipchead", "頭", "defhead", "bip01head", "bip001head", "headx")
NECK_BONES = (
    "neck",
    "neck01",
    "necktwist01",
    "jbipcneck",
    "首",
    "defneck",
    "bip01neck",
    "bip001neck",
    "neckx",
)
JAW_BONES = ("jaw", "jawroot", "jbipcjaw", "defjaw", "顎", "jawx")
# "leye": Character Creator's CC_Base_L_Eye (prefix dropped) and Daz Genesis's lEye
EYE_L_BONES = ("eyel", "lefteye", "eyeleft", "jadjlfaceeye", "左目", "cceyel", "eyeballl", "leye")
EYE_R_BONES = ("eyer", "righteye", "eyeright", "jadjrfaceeye", "右目", "cceyer", "eyeballr", "reye")


def flame_exp_index(key_name: str) -> int | None:
    """Index of a FLAME add-on expression key (``Exp000`` / ``Exp12`` / ``exp_3``), else None."""
    m = FLAME_EXP_KEY.match(key_name.strip())
    return int(m.group(1)) if m else None


def flame_pose_index(key_name: str) -> int | None:
    """1-based index of a FLAME add-on corrective key (``Pose1`` .. ``Pose36``), else None."""
    m = FLAME_POSE_KEY.match(key_name.strip())
    return int(m.group(1)) if m else None


def match_targets(targets: tuple[Target, ...], key_names: list[str]) -> dict[int, str]:
    """Map each target index to the rig key it found (first accepted name wins)."""
    by_norm: dict[str, str] = {}
    for name in key_names:
        by_norm.setdefault(normalize_name(name), name)
    found: dict[int, str] = {}
    used: set[str] = set()
    for i, target in enumerate(targets):
        for candidate in target.names + target.fallbacks:
            hit = by_norm.get(normalize_name(candidate))
            if hit is not None and hit not in used:
                found[i] = hit
                used.add(hit)
                break
    return found


def covered(targets: tuple[Target, ...], found: dict[int, str]) -> set[int]:
    """The found targets left unkeyed: the rig has every target that does their work, or they were
    found by a fallback name and the rig has a target they yield to."""
    present = {targets[i].names[0] for i in found}
    fallback = {i for i in found if _by_fallback(targets[i], found[i])}
    have = {targets[i].names[0] for i in found if i not in fallback}
    out = {i for i in found if targets[i].covered_by and set(targets[i].covered_by) <= have}
    # a both-eyes blink keyed because one of its one-eye keys is missing does their work: the one
    # that is there stays still (まばたき with ウィンク２ alone shut the left lid twice: rv39i F3)
    partial = {n for i in found if i not in out for n in targets[i].covered_by}
    out |= {i for i in found if i not in fallback and targets[i].names[0] in partial}
    return out | {i for i in fallback if set(targets[i].yields_to) & present}


def _by_fallback(target: Target, key: str) -> bool:
    return normalize_name(key) not in {normalize_name(n) for n in target.names}


def head_candidate(bone_names: list[str]) -> str | None:
    """The bone a rig without a known head or neck bone most likely turns the head with (named in
    the warning): the shortest name that holds "head" (not an end or top joint), else "neck"."""
    for word in ("head", "頭", "neck", "首"):
        hits = [
            b
            for b in bone_names
            if word in (n := normalize_name(b)) and not n.endswith(("end", "top", "tip", "nub", "null"))
        ]
        if hits:
            return min(hits, key=lambda b: (len(b), b))
    return None


def find_bone(bone_names: list[str], candidates: tuple[str, ...]) -> str | None:
    """First rig bone whose normalised name is in ``candidates`` (in candidate order)."""
    by_norm: dict[str, str] = {}
    for name in bone_names:
        by_norm.setdefault(normalize_name(name), name)
    for candidate in candidates:
        if candidate in by_norm:
            return by_norm[candidate]
    return None
