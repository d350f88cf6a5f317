"""A worker that answers a job it has seen before from its record: run by the add-on as its worker
(``python worker_replay.py RECORDS -- ARGV...``, where ``ARGV`` is the real worker's command line).

A file's keying stories (steps, Esc, data gone between two steps) each wait on the same job: the same
take's range, the same Generate. The first time a job is seen the real worker runs (torch, the tiny
engine) and what it printed, said on stderr, wrote into its run folder and exited with is kept under
``RECORDS``; the next time the same job comes the add-on gets all of that back from a child of its own
again, without the engine's seconds. Jobs are told apart by their text less the run folder's name.
Module scope only (:func:`addon_helpers.replay_workers`): each file still runs the real worker."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

HERE = "<run folder>"  # the run folder's place in a kept record


# what the add-on's environment may tell the worker besides its job, other than where its home is and
# who its parent is (a test's own, each time): a fault a story plants (DUALTALK_WORKER_FAULT) is a job
# of its own, never answered with the record of a run without it
_NOT_THE_JOB = ("DUALTALK_HOME", "DUALTALK_WORKER_PARENT")


def _inputs(value: object, run_dir: Path) -> list[tuple[str, str]]:
    """Each file outside the run folder the job names (a recording, a script, a motion file) and a
    digest of its bytes: a story that rewrites its input under the same name is a new job."""
    if isinstance(value, dict):
        return [item for v in value.values() for item in _inputs(v, run_dir)]
    if isinstance(value, list):
        return [item for v in value for item in _inputs(v, run_dir)]
    if not isinstance(value, str) or not value or len(value) > 4096:
        return []
    path = Path(value)
    if not path.is_absolute() or not path.is_file() or run_dir in path.parents:
        return []
    return [(value, hashlib.sha256(path.read_bytes()).hexdigest())]


def _job_key(job_path: Path) -> str:
    raw = job_path.read_text(encoding="utf-8")
    text = raw.replace(str(job_path.parent), HERE)
    try:
        inputs = sorted(_inputs(json.loads(raw), job_path.parent))
    except ValueError:
        inputs = []
    told = sorted(
        (k, v) for k, v in os.environ.items() if k.startswith("DUALTALK_") and k not in _NOT_THE_JOB
    )
    return hashlib.sha256(json.dumps([text, inputs, told]).encode("utf-8")).hexdigest()[:24]


def _files(run_dir: Path) -> dict[str, int]:
    """Each file under the run folder (its path inside it) and when it was last written."""
    return {
        p.relative_to(run_dir).as_posix(): p.stat().st_mtime_ns for p in run_dir.rglob("*") if p.is_file()
    }


def _replay(record: Path, run_dir: Path) -> int:
    meta = json.loads((record / "meta.json").read_text(encoding="utf-8"))
    for name in meta["files"]:
        (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(record / "files" / name, run_dir / name)
    for line in meta["stdout"]:
        print(line.replace(HERE, str(run_dir)), flush=True)
    for line in meta["stderr"]:
        print(line.replace(HERE, str(run_dir)), file=sys.stderr, flush=True)
    return int(meta["code"])


def _pipe(stream, sink, out) -> None:
    for line in iter(stream.readline, ""):
        out.write(line)
        out.flush()
        sink.append(line.rstrip("\r\n"))


def _record(argv: list[str], record: Path, run_dir: Path) -> int:
    before = _files(run_dir)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    said: tuple[list[str], list[str]] = ([], [])
    threads = [
        threading.Thread(target=_pipe, args=(proc.stdout, said[0], sys.stdout)),
        threading.Thread(target=_pipe, args=(proc.stderr, said[1], sys.stderr)),
    ]
    for t in threads:
        t.start()
    code = proc.wait()
    for t in threads:
        t.join()
    if code != 0:  # only a finished take is worth answering again
        return code
    made = [name for name, when in _files(run_dir).items() if before.get(name) != when and name != "job.json"]
    tmp = record.with_name(record.name + ".part")
    for name in made:
        (tmp / "files" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(run_dir / name, tmp / "files" / name)
    (tmp / "files").mkdir(parents=True, exist_ok=True)
    here = str(run_dir)
    meta = {
        "files": made,
        "stdout": [line.replace(here, HERE) for line in said[0]],
        "stderr": [line.replace(here, HERE) for line in said[1]],
        "code": code,
    }
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    tmp.rename(record)
    return code


def main(args: list[str]) -> int:
    records, argv = Path(args[0]), args[2:]
    job_path = Path(argv[argv.index("--job") + 1])
    record = records / _job_key(job_path)
    if (record / "meta.json").is_file():
        with (records / "replayed.log").open("a", encoding="utf-8") as log:
            log.write(record.name + "\n")
        return _replay(record, job_path.parent)
    return _record(argv, record, job_path.parent)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
