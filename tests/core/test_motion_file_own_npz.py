"""A researcher writes their own motion npz for apply_dialogue, from docs/engine.md's motion-file
section alone, and gets a member slightly wrong.

Before (review rv38c, finding 4): a file with the right 55 names in another order (or only the 52 keys)
got "unexpected channel names for arkit55" naming neither the channel nor where the order is; a dict
``meta`` (what ``np.savez(meta={...})`` stores) got numpy's "Object arrays cannot be loaded"; and a
``role="C"`` loaded without a word, though apply_motion picks the character's map by it. Now each is
one line that says what to write.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT52, ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import load_motion

FRAMES = 20


def own_file(tmp_path, **members):
    """The four members the docs say are required, then the caller's own (added or replaced)."""
    values = np.zeros((FRAMES, 55), np.float32)
    values[5, ARKIT55.index("jawOpen")] = 0.75
    required = {"space": "arkit55", "channels": np.array(ARKIT55), "values": values, "fps": 25.0}
    path = tmp_path / "own.npz"
    np.savez(path, **{**required, **members})
    return path


def test_the_four_required_members_are_a_motion(tmp_path):
    motion = load_motion(own_file(tmp_path))
    assert motion.num_frames == FRAMES and motion.channel("jawOpen")[5] == np.float32(0.75)
    assert motion.role == "" and not motion.speaking.any()  # the optional ones take their defaults


def test_the_optional_members_as_the_docs_give_them(tmp_path):
    meta = json.dumps({"source": {"audio": "talk.wav"}})
    path = own_file(
        tmp_path, format="dualtalk-motion", version=1, role="B", speaking=np.ones(FRAMES, np.uint8), meta=meta
    )
    motion = load_motion(path)
    assert motion.role == "B" and motion.speaking.all() and motion.meta == {"source": {"audio": "talk.wav"}}


def test_channels_in_another_order_name_the_first_wrong_one_and_the_constant(tmp_path):
    permuted = np.array(ARKIT55[::-1])
    with pytest.raises(DualTalkError) as exc:
        load_motion(own_file(tmp_path, channels=permuted))
    assert str(exc.value) == (
        "own.npz has unexpected channel names for arkit55: channel 0 is 'head_rz', expected 'eyeBlinkLeft' "
        "(the order of dualtalk.inference.core.channels.ARKIT55)"
    )


def test_only_the_52_keys_says_how_many_it_has_and_needs(tmp_path):
    values = np.zeros((FRAMES, 52), np.float32)
    with pytest.raises(
        DualTalkError, match=r"^own\.npz has 52 channel names; arkit55 has 55 \(the order of "
    ):
        load_motion(own_file(tmp_path, channels=np.array(ARKIT52), values=values))


def test_a_dict_meta_says_to_store_json(tmp_path):
    path = tmp_path / "own.npz"
    np.savez(
        path, space="arkit55", channels=np.array(ARKIT55), values=np.zeros((FRAMES, 55)), meta={"take": 1}
    )  # numpy stores the dict as a pickled object array
    with pytest.raises(DualTalkError) as exc:
        load_motion(path)
    assert str(exc.value).startswith("own.npz: meta must be a JSON string (np.savez(..., meta=json.dumps(")
    assert "Object arrays" not in str(exc.value)


@pytest.mark.parametrize("role", ["C", "a", "AB"])
def test_a_role_other_than_a_or_b_is_refused(tmp_path, role):
    with pytest.raises(
        DualTalkError, match=rf"^own\.npz has role '{role}'; a motion file's role is \"A\", \"B\""
    ):
        load_motion(own_file(tmp_path, role=role))
