"""A user makes the demo, opens demo.blend and re-generates a few frames with ``animate --range``.
The demo's take records which recording it was made from, as ``animate``'s takes do, so the range
is checked against ``dialogue.wav`` (another recording is refused) instead of the warning that the
take "does not record which audio it was made from"."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

bpy = pytest.importorskip("bpy")

from dualtalk.cli import main  # noqa: E402
from dualtalk.dualtalk_blender.scene import range_plan  # noqa: E402
from dualtalk.inference.audio.dialogue import recording_fingerprint  # noqa: E402
from dualtalk.inference.core.errors import DualTalkError  # noqa: E402


def test_the_demo_take_names_its_recording_and_a_range_checks_it(tmp_path):
    out = tmp_path / "demo"
    args = ["--dialogue", "file", "--seconds", "2", "--preview", "none", "--no-fbx"]
    assert main(["demo", "--out", str(out), *args]) == 0
    bpy.ops.wm.open_mainfile(filepath=str(out / "demo.blend"))
    ava, ben = bpy.data.objects["Ava"], bpy.data.objects["Ben"]
    plan = range_plan.plan_range((ava, ben), 25.0, 10, 20, 4)
    assert plan.audio is not None, "the demo take does not record its audio"
    assert plan.audio["files"] == ["dialogue.wav"] and plan.audio["swap"] is False
    assert plan.audio["start"] == 0.0 and abs(plan.audio["end"] - 2.0) < 0.05
    assert plan.audio["fingerprint"] == recording_fingerprint([out / "dialogue.wav"])
    assert range_plan.check_take_recording(plan.audio, [out / "dialogue.wav"], False, "--range") == []

    other = tmp_path / "other.wav"
    sf.write(str(other), np.zeros((32000, 2), np.float32), 16000)
    with pytest.raises(DualTalkError, match=r"the take was made from dialogue\.wav .* not that recording"):
        range_plan.check_take_recording(plan.audio, [other], False, "--range")
