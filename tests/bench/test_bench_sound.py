"""A developer checks what judging DualTalk's sound strips costs in a file of many takes (each Generate
and Remove Take does it once). The count of take records read per call was pinned in a unit test
(review rv38d F7); it is measured by ``bench sound`` now, and this checks the bench measures what it
says: both calls on the file's takes, and its target judged on the replace call's reads."""

from __future__ import annotations

import argparse

from dualtalk.bench import bench_sound


def test_the_bench_counts_the_records_each_call_reads_on_a_file_of_many_takes(capsys):
    result = bench_sound.run(argparse.Namespace(takes=6, repeats=2, warmup=1, json=True))
    result.emit(True)

    rows = {row[0]: row[1:] for row in result.rows}
    assert list(rows) == [bench_sound.JUDGE, bench_sound.REPLACE]
    assert {row[0] for row in rows.values()} == {result.summary["takes"]}
    assert result.summary["takes"] >= 6  # the first take's own actions count too
    takes, reads, per_take, seconds = rows[bench_sound.REPLACE]
    assert reads > 0 and per_take == reads / takes == result.summary["reads_per_take"] and seconds > 0
    assert result.summary["meets_targets"] == {"reads_per_take_max": per_take <= 1}
    assert "## bench sound" in capsys.readouterr().out
