"""A pipeline TD's script calls ``pipeline.run`` with the slips a shot list invites: the shot's options
as a dict, the recording's path as ``dialogue=``, a number as ``progress``, a name as ``engines``. Each
is one ``DualTalkError`` line saying which call to make, before anything is read, locked or written:
no take folder, no lock left, and the next, right call runs. ``run_paper`` checks the same."""

from __future__ import annotations

import os

import addon_helpers as ah
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request


@pytest.fixture
def shot(tmp_path, monkeypatch):
    ah.write_dialogue_wav(tmp_path / "talk.wav", seconds=2.0)
    monkeypatch.chdir(tmp_path)
    return tmp_path


WRONG = [
    (
        ({"audio": "talk.wav"},),
        {},
        "request must be a Request, got a dict: give Request.from_mapping(values) (a wrong key or type: one line)",
    ),
    (("talk.wav",), {}, "request must be a Request, got the str 'talk.wav': give Request(audio='talk.wav')"),
    (
        (Request(audio="talk.wav"),),
        {"dialogue": "talk.wav"},
        "dialogue= takes audio held in memory, got the str 'talk.wav': give a file as Request(audio='talk.wav')",
    ),
    (
        (Request(),),
        {"dialogue": [0.0, 0.1]},
        "dialogue must be a Dialogue, got a list: give Dialogue.from_arrays(a, b, sample_rate=sr)",
    ),
    (
        (Request(audio="talk.wav"),),
        {"progress": 5},
        "progress must have update(stage, fraction, message) and check_cancel()",
    ),
    (
        (Request(audio="talk.wav"),),
        {"engines": "x"},
        "engines must be an Engines (pipeline.Engines(), reused across runs), got the str 'x'",
    ),
]


@pytest.mark.parametrize(("args", "kwargs", "said"), WRONG)
def test_a_wrong_typed_argument_is_one_line_and_writes_nothing(shot, args, kwargs, said):
    with pytest.raises(DualTalkError) as refused:
        pipeline.run(*args, "takes/k", **kwargs)
    line = str(refused.value)
    assert line.startswith(said) and "\n" not in line, line
    assert not (shot / "takes").exists()  # no folder, so no lock either


def test_after_the_slip_the_right_call_runs_into_the_same_folder(shot):
    with pytest.raises(DualTalkError):
        pipeline.run({"audio": "talk.wav", "engine": "lite"}, "takes/k")
    take = pipeline.run(Request.from_mapping({"audio": "talk.wav", "engine": "lite", "rounds": 1}), "takes/k")
    assert take.path_a.is_file() and sorted(os.listdir(shot / "takes" / "k")) == ["A.npz", "B.npz"]


@pytest.mark.parametrize(
    ("request_", "kwargs", "said"),
    [
        ({"audio": "talk.wav"}, {}, "request must be a Request, got a dict"),
        (Request(audio="talk.wav"), {"progress": 5}, "progress must have update(stage, fraction, message)"),
        (Request(audio="talk.wav"), {"engines": {}}, "engines must be an Engines"),
    ],
)
def test_paper_mode_answers_the_same_slips(shot, request_, kwargs, said):
    with pytest.raises(DualTalkError, match=r"^" + said.replace("(", r"\(").replace(")", r"\)")):
        pipeline.run_paper(request_, "talk.wav", "partner.npz", "own.npz", **kwargs)
    assert not (shot / "own.npz").exists()
