"""``eval behaviour``: the numbers an animator reads, on motion files and on a recording."""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
from behaviour_takes import base_motion
from cli_in_process import run_dualtalk
from dualtalk.inference.behaviour import BehaviourSettings, apply_behaviour
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import save_motion
from dualtalk.training.evaluation import behaviour as ev


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    ev.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_motion_files_without_the_layer_show_no_blinks_and_no_gaze(tmp_path, demo_dialogue, capsys):
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    save_motion(tmp_path / "A.npz", a)
    save_motion(tmp_path / "B.npz", b)
    assert ev.run(_args(str(tmp_path), "--json")) == 0
    result = json.loads(capsys.readouterr().out)["after"]
    assert result["A"]["blinks_per_min"] == 0.0 and result["A"]["gaze_listening"] is None


def test_a_take_with_the_layer_meets_the_blink_and_gaze_targets(demo_dialogue):
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    res = ev.evaluate_dialogue(a, b, demo_dialogue, BehaviourSettings())
    after = res["after"]
    assert res["same_seed_identical"] and res["other_seed_differs"] and res["lips_identical"]
    assert all(r["frozen_s"] == 0.0 for r in after.values())
    assert 15 <= np.mean([r["blinks_per_min"] for r in after.values()]) <= 30
    assert res["before"]["A"]["blinks_per_min"] == 0.0
    table = ev.format_table(res)
    assert "blinks/min speaking" in table and "lips identical with the layer on/off: yes" in table


def test_the_tracked_reference_is_compared_per_axis(demo_clip):
    from dualtalk.inference.audio import load_dialogue

    d = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    a, b = base_motion(d, "A"), base_motion(d, "B")
    res = ev.evaluate_dialogue(a, b, d, BehaviourSettings(), reference=str(demo_clip["npz2"]))
    ref = res["reference"]
    assert ref["role"] == "B" and len(ref["std"]["speaking"]) == 3
    before, after = np.array(ref["before"]["speaking"]), np.array(ref["after"]["speaking"])
    assert np.all(after > before)  # the layer brings the head closer to the tracked person


def test_visible_nods_are_counted_once_and_sway_is_not_a_nod():
    fps = 25.0
    t = np.arange(500) / fps
    sway = 1.2 * np.sin(2 * np.pi * 0.15 * t)  # slow wander, 2.4 deg peak to peak
    assert len(ev.nod_onsets(sway, fps)) == 0
    nods = sway.copy()
    for start in (100, 300):  # a three-cycle nod at 3 Hz, 3 deg
        u = np.arange(25) / fps
        nods[start : start + 25] += 3.0 * np.sin(np.pi * u / 1.0) * np.sin(np.pi * 3 * u) ** 2
    found = ev.nod_onsets(nods, fps)
    assert len(found) == 2 and abs(found[0] - 100) <= 3 and abs(found[1] - 300) <= 3


def test_bad_requests_are_refused(tmp_path):
    with pytest.raises(DualTalkError, match="--blinks"):
        ev.run(_args(str(tmp_path), "--blinks", "5"))
    with pytest.raises(DualTalkError, match="nothing to measure"):
        ev.run(_args())
    with pytest.raises(DualTalkError, match="not found"):
        ev.run(_args(str(tmp_path / "missing")))
    with pytest.raises(DualTalkError, match="--seeds goes with --suite"):
        ev.run(_args(str(tmp_path), "--seeds", "3"))
    with pytest.raises(DualTalkError, match="--seeds goes with --suite"):
        ev.run(_args("--suite", "--seeds", "0"))
    # accepted with the shared audio options and never read: a missing file still gave a full table
    with pytest.raises(DualTalkError, match="--transcript draws lips; eval behaviour measures"):
        ev.run(_args("--audio", str(tmp_path / "talk.wav"), "--transcript", str(tmp_path / "missing.txt")))


def test_the_layer_output_measures_the_same_from_files(tmp_path, demo_dialogue):
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    ma, mb = apply_behaviour(a, b, demo_dialogue)
    direct = ev.measure(ev.take_from(ma, mb))
    save_motion(tmp_path / "A.npz", ma)
    save_motion(tmp_path / "B.npz", mb)
    files = ev.evaluate_files([tmp_path])["after"]["A"]
    assert files["blinks_per_min"] == direct["blinks_per_min"]
    assert files["head_std_speaking"] == pytest.approx(direct["head_std_speaking"])


def test_the_command_line_measures_files_and_refuses_bad_amounts(tmp_path, demo_dialogue):
    import subprocess
    import sys

    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    ma, mb = apply_behaviour(a, b, demo_dialogue)
    save_motion(tmp_path / "A.npz", ma)
    save_motion(tmp_path / "B.npz", mb)
    ok = subprocess.run(
        [sys.executable, "-m", "dualtalk", "eval", "behaviour", str(tmp_path)], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "blinks/min speaking" in ok.stdout and "eyes on partner" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "dualtalk", "eval", "behaviour", str(tmp_path), "--head", "3"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0
    assert bad.stderr.startswith("error: --head must be between 0 and 2")


def test_short_takes_pool_several_performances(demo_dialogue):
    """The demo gives each character ~15 s of listening: one seed's nod rate moves in steps of
    4/min, so the suite pools seeds; every seed's rows are kept and nods are summed over them."""
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    one = ev.evaluate_dialogue(a, b, demo_dialogue, BehaviourSettings(seed=4))
    three = ev.evaluate_seeds(a, b, demo_dialogue, BehaviourSettings(seed=4), 3)
    assert three["seeds"] == 3 and sorted(three["after"]) == ["A", "A s2", "A s3", "B", "B s2", "B s3"]
    assert three["after"]["A"] == one["after"]["A"]  # the first performance is the plain one
    later = ev.evaluate_dialogue(a, b, demo_dialogue, BehaviourSettings(seed=6))
    assert three["after"]["A s3"] == later["after"]["A"]
    pooled = ev.pooled(three)["after"]
    assert pooled["nods"] == sum(r["nods"] for r in three["after"].values())
    assert pooled["listening_min"] == pytest.approx(3 * ev.pooled(one)["after"]["listening_min"])
    assert three["lips_identical"] and three["same_seed_identical"]


def test_the_suite_table_names_each_missed_target_and_only_those():
    row = {
        "blinks_per_min": 22.0, "head_std_speaking": [1.9, 1.9, 1.8], "head_std_listening": [1.0, 1.1, 1.05],
        "head_ratio_listen_speak": [0.55, 0.6, 0.6], "nods": 8, "listening_min": 1.0,
        "nods_per_listening_min": 8.0, "nods_in_window": 6, "nods_with_own_backchannel": 1,
        "gaze_listening": 0.72, "gaze_speaking": 0.43, "frozen_s": 0.0,
    }  # fmt: skip
    assert ev.missed_targets(row) == []
    ref = {"after": {"speaking": [0.33, 0.7, 0.9], "listening": [0.5, 0.5, 0.5]}}
    assert ev.missed_targets(row, ref) == ["head vs tracked (0.33/0.70/0.90)"]
    # nods that go with one's own "mm-hm" are the other trigger: the lag target times the rest
    assert ev.missed_targets({**row, "nods_in_window": 4, "nods_with_own_backchannel": 4}) == []
    few = {**row, "nods": 8, "nods_in_window": 2, "blinks_per_min": 31.0, "frozen_s": 0.4}
    assert ev.missed_targets(few) == [
        "blinks/min (31.00)",
        "phrase-end nods in 0.2-1.0 s (0.29)",
        "frozen (0.40)",
    ]
    # "most" is more than half: exactly half of the timed nods in the window misses, one more meets
    assert ev.missed_targets({**row, "nods": 9, "nods_in_window": 4}) == [
        "phrase-end nods in 0.2-1.0 s (0.50)"
    ]
    assert ev.missed_targets({**row, "nods": 9, "nods_in_window": 5}) == []
    # nothing to measure is not a miss: a take where nobody listens has no nods
    assert ev.missed_targets({**row, "nods": 0, "nods_per_listening_min": None, "gaze_listening": None}) == []
    table = ev.format_suite(
        {"seeds": 1, "takes": {"t": {"before": row, "after": few, "lips_identical": True}}}
    )
    on_row = [line for line in table.splitlines() if line.startswith("| t | on")][0]
    assert on_row.rstrip(" |").endswith("frozen (0.40)") and "targets missed" in table


def test_the_suite_says_which_rows_it_could_not_measure(tmp_path):
    """No team data folder: the table still has the demo, and a warning names the rows left out."""

    def suite(*extra: str) -> subprocess.CompletedProcess[str]:
        return _eval("--suite", *extra)

    nowhere = suite("--shared", str(tmp_path / "nope"))
    assert nowhere.returncode == 2 and nowhere.stderr.strip().count("\n") == 0
    assert nowhere.stderr.startswith(f"error: --shared {tmp_path / 'nope'}: no such folder")
    empty = suite("--shared", str(tmp_path), "--seeds", "1")
    assert empty.returncode == 0, empty.stderr
    assert f"warning: the DualTalk clip and the AMI excerpts not found under {tmp_path}" in empty.stderr
    assert "| demo |" in empty.stdout and "AMI" not in empty.stdout


def test_head_sharpness_tells_a_twitch_from_a_sway_of_the_same_size():
    """Velocity std over angle std: a sine of f Hz reads 2 pi f whatever its size."""
    fps = 25.0
    t = np.arange(1000) / fps
    sway = np.stack([np.sin(2 * np.pi * 0.5 * t)] * 3, axis=1)
    twitch = np.stack([3.0 * np.sin(2 * np.pi * 2.0 * t)] * 3, axis=1)
    every = np.ones(len(t), bool)
    assert ev.head_sharpness(sway, every, fps) == pytest.approx([np.pi] * 3, rel=0.01)
    assert ev.head_sharpness(twitch, every, fps) == pytest.approx([4 * np.pi] * 3, rel=0.02)
    alternate = np.arange(len(t)) % 2 == 0  # no two consecutive frames in the state: no velocity
    assert ev.head_sharpness(sway, alternate, fps) is None


def test_the_tracked_reference_compares_sharpness_and_the_suite_names_a_miss(demo_clip):
    from dualtalk.inference.audio import load_dialogue

    d = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    a, b = base_motion(d, "A"), base_motion(d, "B")
    res = ev.evaluate_dialogue(a, b, d, BehaviourSettings(), reference=str(demo_clip["npz2"]))
    ref = res["reference"]
    assert len(ref["sharpness"]["speaking"]) == 3 and len(ref["sharpness_after"]["speaking"]) == 3
    row = {**ev.pooled(res)["after"]}
    assert not any("sharpness" in m for m in ev.missed_targets(row, ref))
    twitchy = {**ref, "sharpness_after": {"speaking": [2.1, 1.0, 1.0], "listening": None}}
    assert any(m.startswith("head sharpness vs tracked (2.10") for m in ev.missed_targets(row, twitchy))
    assert "sharpness x reference speaking" in ev.format_table(res)


def test_a_nod_right_after_the_speakers_last_beat_is_counted_where_it_starts():
    """A speaker's last head beat a moment before the turn ends, then the listener's nod: the beat
    read as the nod's first (small) cycle, so the nod seemed to start mid-turn and was not counted."""
    fps = 25.0
    pitch = np.zeros(200)
    pitch[74:86] += 1.0 * np.sin(np.pi * np.arange(12) / 12) ** 2  # the beat, top at frame 80
    pitch[85:99] += 2.5 * np.sin(np.pi * np.arange(14) / 14) ** 2  # a 0.56 s nod
    listening = np.arange(200) >= 84
    merged = ev.nod_onsets(pitch, fps)
    assert len(merged) == 1 and not listening[merged[0]]  # what the count used to see
    found = ev.nod_onsets(pitch, fps, within=listening)
    assert len(found) == 1 and 85 <= found[0] <= 88


def _header(table: str) -> list[str]:
    return [cell.strip() for cell in table.splitlines()[0].split("  ") if cell.strip()]


def test_a_take_folder_is_measured_per_character_with_no_after_lacking_its_before(
    tmp_path, demo_dialogue, capsys
):
    """Review 25, R13: ``eval behaviour takes/scene1`` headed its columns "after A", "after B", and
    nothing said after what. A take on disk has no before: one column per character."""
    a, b = base_motion(demo_dialogue, "A"), base_motion(demo_dialogue, "B")
    ma, mb = apply_behaviour(a, b, demo_dialogue)
    save_motion(tmp_path / "A.npz", ma)
    save_motion(tmp_path / "B.npz", mb)
    assert ev.run(_args(str(tmp_path), "--reference", str(tmp_path / "B.npz"))) == 0
    table = capsys.readouterr().out
    assert _header(table) == ["metric", "A", "B"]
    assert "after A" not in table and "after:" not in table and "  take: x reference speaking" in table
    # a recording it runs itself keeps the engine alone (before) beside the layer on (after)
    res = ev.evaluate_dialogue(a, b, demo_dialogue, BehaviourSettings())
    assert _header(ev.format_table(res)) == ["metric", "before A", "before B", "after A", "after B"]


def test_the_help_says_what_the_columns_are():
    out = subprocess.run(
        [sys.executable, "-m", "dualtalk", "eval", "behaviour", "--help"], capture_output=True, text=True
    ).stdout
    words = " ".join(out.split())
    assert "one column per character (A, B)" in words
    assert "before A/B: the engine alone; after A/B: with the behaviour layer" in words


def _take(folder, dialogue, source=None, start=0.0):
    """A take folder as infer writes it: A.npz and B.npz, each recording its character (and, given
    ``source``, the recording it was made from, the part starting ``start`` seconds in)."""
    a, b = apply_behaviour(base_motion(dialogue, "A"), base_motion(dialogue, "B"), dialogue)
    folder.mkdir(parents=True, exist_ok=True)
    for motion in (a, b):
        if source is not None:
            motion.meta["source"] = dict(source)
        if start:
            motion = dataclasses.replace(motion, start_time=start)
        save_motion(folder / f"{motion.role}.npz", motion)
    return folder


def _eval(*argv: str) -> subprocess.CompletedProcess:
    """``python -m dualtalk eval behaviour ARGV`` run in this process (cli_in_process): no Python and
    torch started for each of a test's many refusals. ``--help`` and a measure with a bad amount still
    go through a real ``python -m dualtalk`` above."""
    return run_dualtalk("eval", "behaviour", *argv)


def _refused(run: subprocess.CompletedProcess, start: str) -> None:
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip().count("\n") == 0 and run.stderr.startswith("error: " + start), run.stderr


def test_engine_and_layer_flags_with_a_take_on_disk_are_refused_not_dropped(tmp_path, demo_dialogue):
    """Review 26c, finding 13: a take's files already hold their performance, so ``--mood animated
    --head 2`` changed nothing and the table came out byte-identical, with no word; and ``--suite``
    measured its own recordings, the take given never mentioned."""
    take = str(_take(tmp_path / "scene1", demo_dialogue))
    (tmp_path / "afile.txt").write_text("not weights")
    flags = ["--mood", "animated", "--head", "2", "--blinks", "off", "--behaviour-seed", "7"]
    run = _eval(take, *flags, "--checkpoint", str(tmp_path / "afile.txt"))
    _refused(run, "--checkpoint, --behaviour-seed, --blinks, --head, --mood apply with --audio; these motion")
    _refused(_eval(take, "--engine", "lite"), "--engine applies with --audio")
    _refused(_eval(take, "--audio-b", str(tmp_path / "b.wav")), "--audio-b applies with --audio")
    _refused(_eval("--suite", take), "--suite measures its own recordings")
    _refused(_eval(take, "--shared", str(tmp_path)), "--shared names the team data folder --suite reads")
    # what it reads of files is still taken, and a typed-out default changes nothing
    ok = _eval(take, "--mood", "neutral", "--reference", take + "/B.npz", "--reference-role", "B", "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["reference"]["role"] == "B"


def test_the_suite_refuses_how_to_read_a_recording_it_does_not_take(tmp_path):
    """``--suite`` reads its own recordings as they are: ``--swap``, ``--start 2`` or ``--audio-b`` were
    parsed and then dropped without a word (the leftover of review 26c, finding 13)."""
    _refused(
        _eval("--suite", "--swap"),
        "--suite measures its own recordings as they are; --swap reads a recording",
    )
    _refused(
        _eval("--suite", "--start", "2", "--audio-b", str(tmp_path / "b.wav")),
        "--suite measures its own recordings as they are; --audio-b, --start read a recording you give: drop them",
    )


def test_a_character_measured_against_itself_or_another_take_is_refused(tmp_path, demo_dialogue):
    """Review 26c, finding 14: ``eval behaviour A.npz A.npz`` read A against itself (rc 0), and the
    partner-relative numbers (nod lag, eyes on partner) meant nothing. The files say whose they are
    and which recording they were made from, as ``eval --pred --gt`` and ``animate`` read them."""
    take = _take(tmp_path / "scene1", demo_dialogue)
    a, b = str(take / "A.npz"), str(take / "B.npz")
    _refused(_eval(a, a), "scene1/A.npz and scene1/A.npz both hold character A (as the files record it)")
    _refused(_eval(b, b), "scene1/B.npz and scene1/B.npz both hold character B")
    _refused(_eval(b, a), "B.npz holds character B and A.npz character A")
    renamed = tmp_path / "renamed"  # a folder whose A.npz is character B: the names were swapped
    renamed.mkdir()
    (renamed / "A.npz").write_bytes((take / "B.npz").read_bytes())
    (renamed / "B.npz").write_bytes((take / "A.npz").read_bytes())
    _refused(_eval(str(renamed)), "A.npz holds character B and B.npz character A")
    # two takes of one length, from two recordings (or two parts of one): no dialogue either
    src = {"audio": "talk.wav", "fingerprint": "f1", "end": demo_dialogue.num_frames / 25}
    one = _take(tmp_path / "one", demo_dialogue, src)
    # (a later part of the same length: its start and end both 2 s on, as its frames say)
    for name, other, start in (
        ("f2", {**src, "fingerprint": "f2"}, 0.0),
        ("later", {**src, "end": src["end"] + 2}, 2.0),
    ):
        two = _take(tmp_path / name, demo_dialogue, other, start)
        _refused(
            _eval(str(one / "A.npz"), str(two / "B.npz")),
            "A.npz and B.npz are from two takes (A.npz: talk.wav",
        )
    # a take's own two files, in a folder or one by one, are measured as before
    for argv in ([str(one)], [str(one / "A.npz"), str(one / "B.npz")], [a, b]):
        ok = _eval(*argv)
        assert ok.returncode == 0 and "eyes on partner" in ok.stdout, ok.stderr
