"""A VTuber's VRM/MMD face says one clear vowel at a time: the five vowel keys share the lips' one
budget (A+I+U+E+O <= 1), the vowel whose shape the ARKit lips make leads, a closed mouth moves none,
and the smile stays in Joy (review rv39f F1)."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig import plan, presets
from dualtalk.inference.core.channels import CHANNELS, SPACE_ARKIT

ARKIT55 = list(CHANNELS[SPACE_ARKIT])
VRM_KEYS = ["A", "I", "U", "E", "O", "Joy"]
MMD_KEYS = ["あ", "い", "う", "え", "お", "にこり"]

# ARKit lips a face tracker shows on each spoken vowel, and on m/b/p (lips pressed over a dropped jaw)
SAID = {
    "ah": {"jawOpen": 0.45, "mouthFunnel": 0.05, "mouthPucker": 0.05, "mouthStretchLeft": 0.05, "mouthStretchRight": 0.05},
    "ee": {"jawOpen": 0.1, "mouthStretchLeft": 0.4, "mouthStretchRight": 0.4},
    "oo": {"jawOpen": 0.1, "mouthFunnel": 0.5, "mouthPucker": 0.7},
    "eh": {"jawOpen": 0.3, "mouthStretchLeft": 0.2, "mouthStretchRight": 0.2},
    "oh": {"jawOpen": 0.3, "mouthFunnel": 0.5, "mouthPucker": 0.3},
    "mm": {"jawOpen": 0.1, "mouthClose": 0.12, "mouthPressLeft": 0.3, "mouthPressRight": 0.3, "mouthRollLower": 0.2},
}  # fmt: skip
VOWEL_OF = {"ah": 0, "ee": 1, "oo": 2, "eh": 3, "oh": 4}


def lips(said: dict[str, float], scale: float = 1.0, smile: float = 0.0) -> np.ndarray:
    out = np.zeros((1, len(ARKIT55)), np.float32)
    for name, w in said.items():
        out[0, ARKIT55.index(name)] = w * scale
    out[0, ARKIT55.index("mouthSmileLeft")] = out[0, ARKIT55.index("mouthSmileRight")] = smile
    return out


def keyed(family: str, names: list[str], out: np.ndarray) -> np.ndarray:
    targets = presets.PRESET_TARGETS[family]
    found = presets.match_targets(targets, names)
    keys = {found[i]: list(targets[i].mix) for i in sorted(found)}
    assert list(keys) == names
    return plan.shape_key_values(out, SPACE_ARKIT, keys, clip=(0.0, 1.0))


@pytest.mark.parametrize(("family", "names"), [("vrm", VRM_KEYS), ("mmd", MMD_KEYS)])
@pytest.mark.parametrize("vowel", list(VOWEL_OF))
def test_each_spoken_vowel_plays_its_own_key_and_the_five_never_stack(family, names, vowel):
    """Before, an 'ah' gave A 0.37 with U, O and E on as well, an 'ee' led with E, an 'oo' gave U
    0.55 beside O 0.14: no vowel read clearly, and the five summed past what one mouth can say."""
    v = keyed(family, names, lips(SAID[vowel]))[0, :5]
    lead = VOWEL_OF[vowel]
    assert int(v.argmax()) == lead, v
    assert v[lead] >= 0.5 and v[lead] >= 2 * np.delete(v, lead).max(), v
    assert v.sum() <= 1.0 + 1e-6


def test_an_open_ah_reaches_a_clear_a():
    """A wide 'ah' (jawOpen 0.5) opened the VRM 'A' to 0.46 at most before."""
    v = keyed("vrm", VRM_KEYS, lips(SAID["ah"], scale=1.2))[0]
    assert v[0] >= 0.85


def test_lips_pressed_for_m_b_p_open_no_vowel():
    v = keyed("vrm", VRM_KEYS, lips(SAID["mm"]))[0, :5]
    assert v.max() < 0.05, v


def test_a_smile_is_joy_not_an_eh():
    """A smiling speaker with the mouth shut: before, 'E' read 0.56 from the smile alone."""
    v = keyed("vrm", VRM_KEYS, lips({}, smile=0.8))[0]
    assert np.allclose(v[:5], 0.0) and v[5] == pytest.approx(0.8)


def test_louder_lips_open_the_vowel_further_and_keep_one_mouth():
    """``--intensity mouth=k`` scales the ARKit lips before the keys: it scales the one budget, so
    the split between vowels stays and the sum stays within 1 (before: 1.9 at mouth=3)."""
    soft = keyed("vrm", VRM_KEYS, lips(SAID["oh"], scale=0.5))[0, :5]
    loud = keyed("vrm", VRM_KEYS, lips(SAID["oh"], scale=1.0))[0, :5]
    assert np.allclose(loud, 2 * soft, atol=1e-5)
    wide = keyed("vrm", VRM_KEYS, lips(SAID["ah"], scale=3.0))[0, :5]
    assert wide.sum() == pytest.approx(1.0) and wide[0] > 0.85


def test_vowel_keys_stay_in_the_lips_layer_and_read_the_jaw():
    """The jaw channel stays in the vowel's mix: a rig with these keys and a jaw bone keeps its bone
    still (the key opens the mouth), and the key lives in the lips+jaw layer."""
    from dualtalk.dualtalk_blender.rig import visemes
    from dualtalk.dualtalk_blender.rig.layer_names import mix_layer

    for target in presets.VRM_TARGETS[:5]:
        assert any(ch == "jawOpen" for ch, _ in target.mix)
        assert mix_layer(target.mix) == "lips+jaw"
        assert visemes.vowel_of(target.mix) is not None


def test_plain_mixes_are_still_weighted_sums():
    """ARKit, FLAME and custom maps keep their linear keys."""
    out = lips(SAID["ah"])
    values = plan.shape_key_values(out, SPACE_ARKIT, {"Jaw": [("jawOpen", 1.0)]}, clip=None)
    assert values[0, 0] == pytest.approx(0.45)
