"""A researcher compares a take's head motion with a tracked person (``eval behaviour --reference``):
they say which character the tracked file is, and numbers resting on a second or two are not shown
as fact.

Before: the character was picked from the file name alone (a stem ending in ``speaker1`` meant A,
anything else B) with no way to say otherwise, and the shared clip's tracked speaker, who listens for
1.6 s, was printed with a listening head std (6.31/1.96/1.67 deg) as if it meant something."""

from __future__ import annotations

import argparse
import json
import shutil

import numpy as np
import pytest
from behaviour_takes import base_motion
from dualtalk.inference.behaviour import BehaviourSettings
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import save_motion
from dualtalk.training.evaluation import behaviour as ev


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    ev.add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture(scope="module")
def clip_take(demo_clip, tmp_path_factory):
    """The shared clip's dialogue, a take of it (A.npz, B.npz) and the tracked speaker 2's FLAME."""
    from dualtalk.inference.audio import load_dialogue

    d = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    folder = tmp_path_factory.mktemp("take")
    a, b = base_motion(d, "A"), base_motion(d, "B")
    save_motion(folder / "A.npz", a)
    save_motion(folder / "B.npz", b)
    return d, a, b, folder


def _measure(capsys, *argv: str) -> dict:
    capsys.readouterr()
    assert ev.run(_args(*argv, "--json")) == 0
    return json.loads(capsys.readouterr().out)["reference"]


def test_a_tracked_file_named_speaker1_can_be_said_to_track_b(clip_take, demo_clip, tmp_path, capsys):
    """Speaker 2's tracked motion, saved under a name ending in speaker1: the name alone says A."""
    _, _, _, folder = clip_take
    renamed = tmp_path / "tracked_speaker1.npz"
    shutil.copy(demo_clip["npz2"], renamed)
    by_name = _measure(capsys, str(folder), "--reference", str(renamed))
    assert by_name["role"] == "A" and by_name["role_from"] == "file name"
    told = _measure(capsys, str(folder), "--reference", str(renamed), "--reference-role", "B")
    assert told["role"] == "B" and told["role_from"] == "--reference-role"
    original = _measure(capsys, str(folder), "--reference", str(demo_clip["npz2"]))
    assert original["role"] == "B"
    for key in ("std", "sharpness", "after", "sharpness_after"):
        assert told[key] == original[key], key
    # the table says how the character was chosen
    capsys.readouterr()
    assert ev.run(_args(str(folder), "--reference", str(renamed))) == 0
    assert "reference (character A by its file name)" in capsys.readouterr().out
    assert ev.run(_args(str(folder), "--reference", str(renamed), "--reference-role", "B")) == 0
    assert "reference (character B) head std" in capsys.readouterr().out


def test_the_role_goes_with_a_reference_and_not_with_the_suite(clip_take, demo_clip):
    _, _, _, folder = clip_take
    with pytest.raises(DualTalkError, match="give --reference FILE too"):
        ev.run(_args(str(folder), "--reference-role", "A"))
    with pytest.raises(DualTalkError, match="drop --reference/--reference-role"):
        ev.run(_args("--suite", "--reference", str(demo_clip["npz2"]), "--reference-role", "B"))
    with pytest.raises(DualTalkError, match="--suite compares with its own tracked speaker"):
        ev.run(_args("--suite", "--reference", str(demo_clip["npz2"])))
    with pytest.raises(SystemExit):  # argparse: A or B only
        _args(str(folder), "--reference", str(demo_clip["npz2"]), "--reference-role", "C")


def test_the_tracked_listening_head_over_1_6_s_is_marked_too_short(clip_take, demo_clip):
    """Speaker 2 talks 93 % of the clip: their listening head std would rest on 40 frames."""
    d, a, b, _ = clip_take
    res = ev.evaluate_dialogue(a, b, d, BehaviourSettings(), reference=str(demo_clip["npz2"]))
    ref = res["reference"]
    assert ref["seconds"]["listening"] == pytest.approx(1.6, abs=0.05)
    assert ref["std"]["listening"] is None and ref["sharpness"]["listening"] is None
    assert ref["after"]["listening"] is None  # no ratio to a number left out
    assert len(ref["std"]["speaking"]) == 3 and np.all(np.array(ref["after"]["speaking"]) > 0)
    assert "listening n/a (1.6 s) deg" in ev.format_table(res)
    take = {**ev.pooled(res), "lips_identical": True, "reference": ref}
    rows = ev.format_suite({"seeds": 1, "takes": {"dualtalk clip": take}}).splitlines()
    tracked = next(r for r in rows if r.startswith("| dualtalk clip: tracked speaker B"))
    ratio = next(r for r in rows if r.startswith("| dualtalk clip: layer on / tracked"))
    cells = [c.strip() for c in tracked.split("|")], [c.strip() for c in ratio.split("|")]
    assert cells[0][5] == cells[1][5] == "n/a (1.6 s)"  # the listening column
    assert cells[0][4] == "6.31/7.02/3.58" and cells[0][7] == "3.7/3.5/3.6"  # speaking (22 s) is shown
