"""A researcher runs DualTalk in the same Python process as their own torch work: the engine runs on
its own CPU threads (``choose_threads``; ``DUALTALK_THREADS`` overrides) and leaves torch's process-wide
thread count as the researcher set it.

(The audit that found this: after torch.set_num_threads(2) and one run, torch ran on 1 thread for the
rest of the notebook session.)
"""

from __future__ import annotations

import addon_helpers as ah
import pytest
import torch
from dualtalk.inference import pipeline
from dualtalk.inference.core.request import Request
from dualtalk.inference.engine import THREADS_ENV, load_engine


@pytest.fixture
def own_threads():
    """The researcher's own thread count, put back after the test whatever happens."""
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    yield 3
    torch.set_num_threads(before)


def threads_while_decoding(engine, monkeypatch) -> list[int]:
    seen: list[int] = []
    decode = engine.model.decode

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return decode(*args, **kwargs)

    monkeypatch.setattr(engine.model, "decode", spy)
    return seen


@pytest.mark.parametrize("env", [None, "2"])
def test_a_run_leaves_the_notebooks_torch_threads_as_they_were(tmp_path, monkeypatch, own_threads, env):
    if env is None:
        monkeypatch.delenv(THREADS_ENV, raising=False)
    else:
        monkeypatch.setenv(THREADS_ENV, env)
    engines = pipeline.Engines()
    engine = engines.get(Request(engine="lite"))
    assert torch.get_num_threads() == own_threads  # loading leaves it
    assert engine.threads == (1 if env is None else 2)  # the lite network's choice, or the override
    seen = threads_while_decoding(engine, monkeypatch)
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    pipeline.run(Request(audio=str(wav), engine="lite", rounds=1), tmp_path / "out", engines=engines)
    assert seen and set(seen) == {engine.threads}  # the engine's own count while it runs
    assert torch.get_num_threads() == own_threads  # and the researcher's again after it


def test_loading_the_engine_for_the_step_by_step_path_leaves_them_too(monkeypatch, own_threads):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    engine = load_engine(engine="lite", device="cpu")
    assert torch.get_num_threads() == own_threads and engine.threads == 1
    with engine.cpu_threads():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == own_threads
