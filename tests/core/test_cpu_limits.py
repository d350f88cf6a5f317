"""A farm runs DualTalk in a container limited to a few CPUs (``docker --cpus=2``, a Kubernetes CPU
limit) on a large node. The limit is a CFS quota in the cgroup files, not an affinity mask, so the
engine's thread cap counted every core of the node (review rv39a F5). ``cgroup_cpu_limit`` reads the
quota, cgroup v2 and v1, here from a cgroup tree written for each story."""

from __future__ import annotations

from pathlib import Path

import pytest
from dualtalk.inference.core.cpu_limits import cgroup_cpu_limit


def tree(root: Path, membership: str, files: dict[str, str]) -> tuple[Path, Path]:
    """A cgroup file system at ``root/fs`` holding ``files`` (path: text), and this process's
    ``/proc/self/cgroup`` saying ``membership``."""
    fs = root / "fs"
    fs.mkdir()
    for name, text in files.items():
        (fs / name).parent.mkdir(parents=True, exist_ok=True)
        (fs / name).write_text(text + "\n")
    proc = root / "cgroup"
    proc.write_text(membership)
    return fs, proc


@pytest.mark.parametrize(
    ("cpu_max", "cpus"),
    [
        ("200000 100000", 2),  # docker --cpus=2
        ("150000 100000", 2),  # 1.5 CPUs: rounded up
        ("50000 100000", 1),  # half a CPU: still one thread
        ("800000 200000", 4),  # another period
        ("max 100000", None),  # no limit
        ("not a quota", None),
    ],
)
def test_a_cgroup_v2_container_limit_is_read_from_cpu_max(tmp_path, cpu_max, cpus):
    fs, proc = tree(tmp_path, "0::/\n", {"cpu.max": cpu_max})
    assert cgroup_cpu_limit(fs, proc) == cpus


def test_a_parents_limit_holds_for_a_pod_nested_under_it(tmp_path):
    """Kubernetes sets the limit on the pod's cgroup; the container's own may say "max"."""
    fs, proc = tree(
        tmp_path,
        "0::/kubepods/pod7/ctr\n",
        {
            "kubepods/cpu.max": "max 100000",
            "kubepods/pod7/cpu.max": "300000 100000",
            "kubepods/pod7/ctr/cpu.max": "max 100000",
        },
    )
    assert cgroup_cpu_limit(fs, proc) == 3


def test_a_container_that_sees_its_own_cgroup_as_the_root_reads_it_there(tmp_path):
    """``/proc/self/cgroup`` may name the host's path while the container mounts its own cgroup at the root."""
    fs, proc = tree(tmp_path, "0::/docker/4f2a\n", {"cpu.max": "200000 100000"})
    assert cgroup_cpu_limit(fs, proc) == 2


@pytest.mark.parametrize(
    ("quota", "cpus"),
    [("200000", 2), ("250000", 3), ("-1", None)],  # -1: no limit
)
def test_a_cgroup_v1_limit_is_read_from_the_cfs_quota_and_period(tmp_path, quota, cpus):
    fs, proc = tree(
        tmp_path,
        "12:memory:/docker/4f2a\n4:cpu,cpuacct:/docker/4f2a\n0::/\n",
        {
            "cpu,cpuacct/docker/4f2a/cpu.cfs_quota_us": quota,
            "cpu,cpuacct/docker/4f2a/cpu.cfs_period_us": "100000",
        },
    )
    assert cgroup_cpu_limit(fs, proc) == cpus


def test_no_cgroups_is_no_limit(tmp_path):
    """Another OS, or a machine without the cgroup file system: the affinity alone decides."""
    assert cgroup_cpu_limit(tmp_path / "none", tmp_path / "no_such_file") is None
