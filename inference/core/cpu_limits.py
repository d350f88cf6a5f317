"""How many CPUs a container's CPU limit lets this process use.

A Docker ``--cpus=2`` or a Kubernetes CPU limit is a CFS quota (so many microseconds of CPU time per
period), not an affinity mask: on a 64-core host such a pod sees all 64 cores in
``os.sched_getaffinity`` and may use two. The engine's thread cap (``inference/engine.py``'s
``usable_cpus``) takes the smaller of the two (review rv39a F5). Read from the cgroup files, cgroup v2
(``cpu.max``: ``"200000 100000"`` or ``"max 100000"``) and v1 (``cpu.cfs_quota_us``, -1 for none,
over ``cpu.cfs_period_us``), in this process's own cgroup and every one above it (a parent's limit
holds for its children). Anything unreadable is no limit: the cap then stays the affinity's.
"""

from __future__ import annotations

from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
MEMBERSHIP = Path("/proc/self/cgroup")  # "0::/path" (v2), "4:cpu,cpuacct:/path" (v1)


def _read(path: Path, limit: int = 256) -> str:
    """The start of a small text file; "" where it cannot be read (no such file, no cgroups)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(limit).strip()
    except (OSError, ValueError):
        return ""


def _whole_cpus(quota: str, period: str) -> int | None:
    """CPUs a quota of ``quota`` microseconds per ``period`` allows, rounded up (1.5 CPUs can keep two
    threads busy part of the time); None for no limit ("max", -1) or no number."""
    try:
        q, p = int(quota), int(period)
    except ValueError:
        return None
    return max(1, -(-q // p)) if q > 0 and p > 0 else None


def _v2_limit(folder: Path) -> int | None:
    parts = _read(folder / "cpu.max").split()
    return _whole_cpus(parts[0], parts[1]) if len(parts) == 2 else None


def _v1_limit(folder: Path) -> int | None:
    return _whole_cpus(_read(folder / "cpu.cfs_quota_us"), _read(folder / "cpu.cfs_period_us"))


def _ancestry(mount: Path, own: str) -> list[Path]:
    """``mount/own`` and every folder above it up to ``mount``; only ``mount`` where ``own`` is not
    there (a container that mounts its own cgroup as the root sees the host's path in ``membership``)."""
    start = mount / own.strip("/")
    if not start.is_dir():
        return [mount]
    found = [start]
    while found[-1] != mount and mount in found[-1].parents:
        found.append(found[-1].parent)
    return found


def _mounts(root: Path, membership: Path) -> list[tuple[Path, str, bool]]:
    """(controller folder, this process's cgroup path, v2) for each hierarchy that can hold a CPU limit."""
    found: list[tuple[Path, str, bool]] = []
    for line in (_read(membership, 65536) or "0::/").splitlines():
        number, _, rest = line.partition(":")
        controllers, _, own = rest.partition(":")
        if number == "0" and not controllers:  # the unified (v2) hierarchy
            found.append((root, own, True))
        elif "cpu" in controllers.split(","):
            for name in ("cpu", controllers, "cpu,cpuacct"):
                if (root / name).is_dir():
                    found.append((root / name, own, False))
                    break
    return found


def cgroup_cpu_limit(root: Path | None = None, membership: Path | None = None) -> int | None:
    """The CPUs this process's cgroup CPU quota allows, rounded up and at least 1; None where no
    quota is set or none can be read (no cgroups, another OS). ``root``: where the cgroup file system
    is mounted (:data:`CGROUP_ROOT`); ``membership``: this process's ``/proc/self/cgroup``."""
    root = CGROUP_ROOT if root is None else root
    membership = MEMBERSHIP if membership is None else membership
    limits = []
    for mount, own, v2 in _mounts(root, membership):
        for folder in _ancestry(mount, own):
            limit = _v2_limit(folder) if v2 else _v1_limit(folder)
            if limit is not None:
                limits.append(limit)
    return min(limits) if limits else None
