"""A researcher compares `bench keying` with the README's row "bulk (`keyframe_points.add` +
`foreach_set`)" and its >= 50x target. The bench had come to time the whole take (`apply_dialogue`,
`apply_motion`: layers, rest keys, the record that finds hand edits) under the name "bulk", so the
row and the target named code the bench no longer timed (review rv37c, finding 5: 19-30x printed
against 101x). Each row now says which it times, and both are timed."""

from __future__ import annotations

import json

from dualtalk.bench.bench_keying import RAW_FILL, WHOLE_TAKE
from dualtalk.cli import main


def test_the_table_names_the_whole_take_and_the_raw_fill_and_the_target_says_which(capsys):
    argv = [
        "bench",
        "keying",
        "--minutes",
        "0.05",
        "--sample-frames",
        "16",
        "--repeats",
        "1",
        "--warmup",
        "0",
    ]
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    summary = json.loads(out.strip().splitlines()[-1])
    table = [line.split("|")[1:4] for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    rows = [(method.strip(), take.strip(), int(keys)) for method, take, keys in table[1:]]
    frames = summary["frames_per_character"]
    assert rows[:4] == [
        (WHOLE_TAKE, "0.05 min x 2", summary["keys"]),
        (RAW_FILL, "0.05 min x 2", 2 * 56 * frames),  # 52 shape keys + the head's quaternion, both
        (WHOLE_TAKE, "16 frames x 1", 56 * 16),
        (RAW_FILL, "16 frames x 1", 56 * 16),
    ]
    assert "keyframe_points.add + foreach_set" in RAW_FILL and "apply_dialogue" in WHOLE_TAKE
    assert summary["ratio_raw_fill_vs_keyframe_insert"] == (
        summary["keyframe_insert_sample_seconds"] / summary["raw_fill_sample_seconds"]
    )
    assert "raw fill" in out and "(target >= 50x), whole take" in out and "whole take" in out
    assert summary["meets_targets"]["ratio_min"] == (summary["ratio_raw_fill_vs_keyframe_insert"] >= 50)
