"""One take, however its name was typed: "Tomás" pasted from a macOS file name (decomposed, NFD) or
typed in a terminal whose locale is not UTF-8 (surrogates) is the take "Tomás", not a second take whose
actions read the same in the Action editor (review 33x F15 and F9)."""

from __future__ import annotations

import unicodedata

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.commands.animate import _name
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.motion import Motion

NFC = "Tomás"
NFD = unicodedata.normalize("NFD", NFC)
NOT_UTF8_LOCALE = NFC.encode().decode("ascii", "surrogateescape")  # what argv holds under LC_ALL=C


def test_a_take_name_in_any_form_is_one_name():
    assert NFD != NFC and NOT_UTF8_LOCALE != NFC
    assert ApplyOptions(take=NFD).take == NFC
    assert ApplyOptions(take=NOT_UTF8_LOCALE).take == NFC
    assert ApplyOptions().replace(take=NFD).take == NFC
    assert ApplyOptions(take="take").take == "take"


def test_bytes_that_are_not_utf8_stay_refused_in_one_line():
    from dualtalk.inference.core.errors import DualTalkError

    latin1 = "Tom\udce1s"  # 'á' as Latin-1, not UTF-8: no name can be read from it
    with pytest.raises(DualTalkError, match="is not valid Unicode text"):
        ApplyOptions(take=latin1).validate()


def test_a_character_named_in_a_locale_that_is_not_utf8_is_found_by_its_name():
    assert _name("Jos\udcc3\udca9") == "José" and _name(None) is None and _name("Ann") == "Ann"


@pytest.mark.usefixtures("fresh_scene")
def test_keying_the_take_again_by_its_decomposed_name_replaces_it():
    obj = br.make_character("Ann")
    motion = Motion("arkit55", np.full((20, 55), 0.2, np.float32))
    apply_motion(obj, motion, ApplyOptions(take=NFC))
    before = sorted(a.name for a in bpy.data.actions)
    apply_motion(obj, motion, ApplyOptions(take=NFD))
    assert sorted(a.name for a in bpy.data.actions) == before  # was: 2 takes, names reading the same
