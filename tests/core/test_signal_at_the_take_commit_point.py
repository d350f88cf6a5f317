"""A farm's SIGTERM (or a TD's Ctrl-C) lands just as ``infer`` puts its take in place.

The renames that put A.npz, B.npz and the script's reading in place are the take's commit point:
before it nothing of the new take is trusted, after it the job is done. A signal the renames held
back used to end the run with 130/143 "interrupted" although the new take was whole in the folder
(review rv42b F5, check42's hand-off), so a farm re-queued or dropped a finished take. Now a signal
from the commit point on is too late to stop the run: it prints its result line, says in one
warning line what came, and exits 0; a signal before it still stops the run (143) with the earlier
take whole. The worker, whose product is the same take, agrees: its ``done`` line and exit 0."""

from __future__ import annotations

import io
import json
import os
import signal

import addon_helpers as ah
import pytest
from dualtalk.inference import generate, worker
from dualtalk.inference.core import fileio
from dualtalk.inference.core import motion as core_motion
from robustness_util import run_cli

LATE_TERM = (
    "warning: SIGTERM came too late to stop this run: the take had gone in place whole, so it "
    "finished (exit 0)"
)


@pytest.fixture(scope="module")
def talk(tmp_path_factory):
    return ah.write_dialogue_wav(tmp_path_factory.mktemp("commit") / "talk.wav")


def _infer(wav, out, *extra: str) -> list[str]:
    return ["infer", "--quiet", "--audio", str(wav), "--engine", "lite", "--rounds", "1", "--out", str(out),
            *extra]  # fmt: skip


def _take(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _signal_as_the_renames_end(monkeypatch, sig: int) -> None:
    """A real ``sig`` sent while the set's renames run (held by them, delivered as they end)."""
    real = fileio._replace_set

    def renamed_then_signalled(paths, tmps):
        real(paths, tmps)
        os.kill(os.getpid(), sig)

    monkeypatch.setattr(fileio, "_replace_set", renamed_then_signalled)


def test_a_signal_at_the_commit_point_is_too_late_and_one_before_it_stops_the_run(
    talk, tmp_path, capsys, monkeypatch
):
    take = tmp_path / "take"
    assert run_cli(capsys, _infer(talk, take))[0] == 0
    first = _take(take)

    # SIGTERM as the new take (a shorter part: other bytes) is renamed into place: the job is done
    with monkeypatch.context() as m:
        _signal_as_the_renames_end(m, signal.SIGTERM)
        code, err, out = run_cli(capsys, _infer(talk, take, "--end", "1.5"))
    assert (code, err) == (0, [LATE_TERM])
    assert out.startswith(f"wrote {take / 'A.npz'} and {take / 'B.npz'}: 38 frames (1.52 s")
    second = _take(take)
    assert sorted(second) == ["A.npz", "B.npz"] and second != first

    # Ctrl-C just after the writer returned (the result line still to come): noted, not raised
    real_write = generate.write_dialogue

    def written_then_ctrl_c(*args, **kwargs):
        paths = real_write(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return paths

    with monkeypatch.context() as m:
        m.setattr(generate, "write_dialogue", written_then_ctrl_c)
        code, err, out = run_cli(capsys, _infer(talk, take, "--end", "1.25"))
    assert code == 0 and err == [LATE_TERM.replace("SIGTERM", "Ctrl-C (SIGINT)")], err
    assert out.startswith("wrote ") and " frames (1.2" in out, out
    third = _take(take)

    # SIGTERM while the set is still being written (before the commit point): stopped, nothing new
    real_archive = core_motion.motion_archive

    def archive_then_sigterm(motion):
        data = real_archive(motion)
        os.kill(os.getpid(), signal.SIGTERM)
        return data

    with monkeypatch.context() as m:
        m.setattr(core_motion, "motion_archive", archive_then_sigterm)
        code, err, out = run_cli(capsys, _infer(talk, take))
    assert (code, err, out) == (143, ["error: terminated (SIGTERM)"], "")
    assert _take(take) == third

    # the worker writes the same take: SIGTERM at its commit point, and it still ends with done
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"out_dir": "wtake", "audio": {"audio": str(talk)},
                               "engine": {"engine": "lite", "device": "cpu"},
                               "generate": {"rounds": 1}}), encoding="utf-8")  # fmt: skip
    protocol = io.StringIO()
    with monkeypatch.context() as m:
        m.setattr(worker, "_protocol_stream", lambda: protocol)
        _signal_as_the_renames_end(m, signal.SIGTERM)
        code, err, _ = run_cli(capsys, ["worker", "--job", str(job)])
    events = [json.loads(line)["event"] for line in protocol.getvalue().splitlines()]
    assert (code, events[-1], err[-1]) == (0, "done", LATE_TERM), (code, events, err)
    assert (tmp_path / "wtake" / "result.json").is_file()
