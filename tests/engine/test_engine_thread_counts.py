"""A render-farm wrapper copies a 64-core node's environment, ``DUALTALK_THREADS=999`` included, to a
2-core workstation; a scripter types ``engine.threads = "2"``.

Before (review rv38c, finding 1): the 999 threads were taken as asked, a 16 s dialogue took 63 s instead
of 0.44 s and left 1,999 OS threads in the process, without a word; ``engine.threads = 0``, -3, "2" or
2.5 escaped mid-run, after the audio was read, as torch's ``RuntimeError``/``TypeError``. Now a count
above the usable cores runs on those cores with one warning per value, and a bad count is one
``DualTalkError`` line when it is set.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import torch
from dualtalk.inference import engine as engine_mod
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.engine import THREADS_ENV, Engine, choose_threads, load_engine


@pytest.fixture
def two_cores(monkeypatch):
    """A 2-core box, whatever this one has; and no warnings remembered from other tests."""
    monkeypatch.setattr(engine_mod, "usable_cpus", lambda: 2)
    monkeypatch.setattr(engine_mod, "_THREADS_WARNED", set(), raising=False)
    return 2


def test_a_farm_count_above_the_cores_runs_on_the_cores_and_says_so_once(monkeypatch, two_cores, caplog):
    monkeypatch.setenv(THREADS_ENV, "999")
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        first = choose_threads("lite")
        again = choose_threads("dualtalk")  # a batch of shots: the same line is not repeated
    assert first == again == two_cores
    said = [r.getMessage() for r in caplog.records if r.name == "dualtalk"]
    assert len(said) == 1 and "999" in said[0] and "2 core(s)" in said[0], said


def test_a_count_within_the_cores_is_taken_as_asked_without_a_warning(monkeypatch, two_cores, caplog):
    monkeypatch.setenv(THREADS_ENV, "2")
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        assert choose_threads("lite") == 2
    assert not caplog.records


def test_the_farm_run_leaves_no_pool_of_999_threads(monkeypatch, two_cores):
    """The engine as loaded runs on the capped count (torch's pool is sized by it)."""
    monkeypatch.setenv(THREADS_ENV, "999")
    engine = load_engine(engine="lite", device="cpu")
    assert engine.threads == two_cores
    with engine.cpu_threads():
        assert torch.get_num_threads() == two_cores


def test_a_farm_count_in_a_two_cpu_pod_on_a_64_core_node_runs_on_two(monkeypatch, tmp_path, caplog):
    """A Kubernetes CPU limit of 2 (cgroup v2 ``cpu.max``) on a node whose 64 cores are all in the
    affinity: the cap counted 64 (review rv39a F5); now the quota's 2, in the same one warning."""
    from dualtalk.inference.core import cpu_limits

    (tmp_path / "cpu.max").write_text("200000 100000\n")
    (tmp_path / "self_cgroup").write_text("0::/\n")
    monkeypatch.setattr(cpu_limits, "CGROUP_ROOT", tmp_path)
    monkeypatch.setattr(cpu_limits, "MEMBERSHIP", tmp_path / "self_cgroup")
    monkeypatch.setattr(engine_mod.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    monkeypatch.setattr(engine_mod, "_THREADS_WARNED", set(), raising=False)
    monkeypatch.setenv(THREADS_ENV, "999")
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        assert engine_mod.usable_cpus() == 2
        assert choose_threads("lite") == 2
    said = [r.getMessage() for r in caplog.records if r.name == "dualtalk"]
    assert len(said) == 1 and "may use 2 core(s)" in said[0], said
    (tmp_path / "cpu.max").write_text("max 100000\n")  # the limit lifted: the affinity's count
    assert engine_mod.usable_cpus() == 64


@pytest.mark.parametrize("bad", [0, -3, "2", 2.5, True])
def test_a_bad_engine_threads_is_one_line_when_it_is_set(bad):
    engine = Engine(model=None, name="lite", sha256="", device=torch.device("cpu"), threads=1)  # type: ignore[arg-type]
    with pytest.raises(DualTalkError) as exc:
        engine.threads = bad
    assert str(exc.value).startswith("engine.threads must be a whole number of threads (1 or more), got ")
    assert engine.threads == 1  # the engine keeps its count: the next run still works


def test_engine_threads_takes_a_whole_number_none_or_numpys_and_caps_it(two_cores, caplog):
    engine = Engine(model=None, name="lite", sha256="", device=torch.device("cpu"))  # type: ignore[arg-type]
    engine.threads = np.int64(1)
    assert engine.threads == 1 and type(engine.threads) is int
    engine.threads = None
    assert engine.threads is None
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        engine.threads = 64
    assert engine.threads == two_cores
    assert any("engine.threads asks for 64" in r.getMessage() for r in caplog.records)
