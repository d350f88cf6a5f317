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
from dualtalk.inference.engine import THREADS_ENV, load_engine, usable_cpus


@pytest.fixture
def own_threads():
    """The researcher's own thread count, put back after the test whatever happens."""
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    yield 3
    torch.set_num_threads(before)


def threads_during(monkeypatch, owner, name: str) -> list[int]:
    """torch's CPU thread count each time ``owner.name`` is called (it still runs as before)."""
    seen: list[int] = []
    real = getattr(owner, name)

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
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
    assert engine.threads == (1 if env is None else min(2, usable_cpus()))  # the lite choice, or the override
    seen = threads_during(monkeypatch, engine.model, "decode")
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


def test_two_threads_running_the_engine_at_once_each_keep_their_own_count():
    """torch keeps the CPU thread count per OS thread. The first version shared one count across
    threads: the second thread ran on its own count instead of the engine's, and the first to leave
    was not given its count back."""
    import threading

    from dualtalk.inference.engine import Engine

    lite = Engine(model=None, name="lite", sha256="", device=torch.device("cpu"), threads=1)
    seen: dict[str, int] = {}
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        torch.set_num_threads(2)
        with lite.cpu_threads():
            seen["first inside"] = torch.get_num_threads()
            first_in.set()
            second_in.wait(10)
        seen["first after"] = torch.get_num_threads()
        first_out.set()

    def second():
        torch.set_num_threads(3)
        first_in.wait(10)
        with lite.cpu_threads():
            seen["second inside"] = torch.get_num_threads()
            second_in.set()
            first_out.wait(10)
        seen["second after"] = torch.get_num_threads()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert seen == {"first inside": 1, "first after": 2, "second inside": 1, "second after": 3}


def test_the_audio_analysis_runs_on_the_engines_threads_too(tmp_path, monkeypatch, own_threads):
    """Reading the recording (voice activity, the speaker encoder of ``--diarize``) is part of the
    run: it uses the engine's count as generating does, not the notebook's 3 threads."""
    monkeypatch.delenv(THREADS_ENV, raising=False)
    engines = pipeline.Engines()
    engine = engines.get(Request(engine="lite"))
    seen = threads_during(monkeypatch, pipeline, "load_dialogue")
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    pipeline.run(Request(audio=str(wav), engine="lite", rounds=1), tmp_path / "out", engines=engines)
    assert seen == [engine.threads]
    assert torch.get_num_threads() == own_threads
