"""Review 26, finding 10: the panel's numbers that 0 leaves unset said "(0 = default)", glued after
sentences that already gave a default (*Rounds*: "(default 2) (0 = default)") or where 0 means
something plainer (*End* 0 is "to the end"). Each tooltip now says what its 0 does."""

from __future__ import annotations

import pytest

ZERO = {
    "start": "Animate from this many seconds into the audio (0: from the beginning)",
    "end": "Animate up to this many seconds into the audio (0: to the end)",
    "rounds": "Dialogue refinement rounds, 1-20 (default 2) (0: the default)",
}


@pytest.mark.parametrize("name", sorted(ZERO))
def test_a_number_zero_leaves_unset_says_what_zero_does(scene, name):
    assert scene.dualtalk.bl_rna.properties[name].description == ZERO[name]


def test_no_tooltip_says_zero_is_the_default_after_another_default(scene):
    offset = scene.dualtalk.bl_rna.properties["offset_b"].description
    assert offset.endswith("(0: not shifted)"), offset
    said = [p.description for p in scene.dualtalk.bl_rna.properties]
    assert not [d for d in said if "(0 = default)" in d]
