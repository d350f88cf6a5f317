"""Tonight's ``--skip-done`` re-run of last night's job. Whether a shot is done is judged from its
record: the record read, its settings and build digested, each input's fingerprint taken (its bytes
read once per process, then kept by path, size and times: about 0.5 ms a judgement after the first).
Up front that judgement was asked again by each check that stumbled over a done shot, and at its
turn twice for a shot that runs again (once to find it not done, again to say why), so one check
could take the shot for done and the next not, had another worker finished it between them. Now a
shot is judged once up front, every check going by that verdict, and once at its turn, where it is
judged again on purpose: another worker may have done it, or undone it, since."""

from __future__ import annotations

from collections import Counter

from dualtalk.dualtalk_blender.commands import batch, shot_state
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.dualtalk_blender.commands.summary import Outcome
from dualtalk.inference.core.errors import DualTalkError
from test_audit_jobs import voice
from test_job_paths_and_resume import run, with_dialogue


def test_each_shots_inputs_are_fingerprinted_once_up_front_and_once_at_its_turn(
    tmp_path, monkeypatch, capsys
):
    folder, _spec = with_dialogue(tmp_path)
    assert run(folder)[0] == 0
    voice(folder / "in" / "two.wav", 300)  # re-cut: two runs again, one stays done
    judged: Counter[str] = Counter()
    real = shot_state.input_fingerprints

    def input_fingerprints(shot):
        judged[shot.name] += 1
        return real(shot)

    monkeypatch.setattr(shot_state, "input_fingerprints", input_fingerprints)
    capsys.readouterr()

    code, report = run(folder, "--skip-done")

    assert code == 0
    assert [(s["name"], s["status"]) for s in report["shots"]] == [("one", "skipped"), ("two", "done")]
    assert "two: runs again: done by run" in capsys.readouterr().out  # why, said as before
    # one: judged up front and at its turn; two: the same, then its new set recorded (pending, then
    # done). Was two: 5, judged three times
    assert judged == {"one": 2, "two": 4}


def test_a_delivered_shot_in_a_folder_made_read_only_is_judged_done_once_up_front(tmp_path, monkeypatch):
    """After delivery the farm made both shots' ``out`` folder read-only. Tonight's ``--skip-done``
    leaves each done shot to be skipped at its turn, no line, judged once up front, not once for
    each check that stumbled over it (the folder, then the characters' file: was 2)."""
    folder, spec = with_dialogue(tmp_path)
    assert run(folder)[0] == 0
    shots = parse_jobs(spec, folder)
    asked: Counter[str] = Counter()
    real = batch.done_before

    def done_before(shot):
        asked[shot.name] += 1
        return real(shot)

    def read_only(shot, *, job=False):
        raise DualTalkError(f"out folder {shot.out.parent} is not writable")  # as a non-root worker hears

    monkeypatch.setattr(batch, "done_before", done_before)
    monkeypatch.setattr(batch, "check_output_folders", read_only)
    outcomes = [Outcome(s.name) for s in shots]

    batch.prepare(shots, outcomes, True)

    assert [o.status for o in outcomes] == ["not run", "not run"]  # both done: skipped at their turn
    assert asked == {"one": 1, "two": 1}
