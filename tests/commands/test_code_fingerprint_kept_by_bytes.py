"""A TD re-generates a 2-s ``--range`` of a shot. Every ``animate`` spent ~3 s (8 s under load) parsing
the 134 source files of the build for the done record's code fingerprint, even without
``--skip-done``: the range cost more than the whole take (review rv36b R4). Each file's meaning digest
is now kept by the sha256 of its exact bytes, so a process parses only files whose bytes are new,
and the fingerprint is the same one: an edit of words alone still matches, an edit of code does not,
whatever the cache holds."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dualtalk.dualtalk_blender.commands import shot_state

ENGINE = 'def gain(x):\n    """How loud."""\n    return x * 2  # doubled\n'
REWORDED = 'def gain(x):\n    """How loud the voice is."""\n    return x * 2\n'
PATCHED = 'def gain(x):\n    """How loud."""\n    return x * 3  # doubled\n'  # same size as ENGINE


def _counting(monkeypatch) -> list[bytes]:
    parsed: list[bytes] = []
    real = shot_state.code_meaning

    def counted(source: bytes) -> bytes:
        parsed.append(source)
        return real(source)

    monkeypatch.setattr(shot_state, "code_meaning", counted)
    return parsed


def test_a_second_process_parses_none_of_the_unchanged_source_and_gets_the_same_fingerprint(monkeypatch):
    """Each ``animate`` is a new process: the fingerprint it records must come without parsing the
    build again, and be the one a full parse gives (records made before stay valid)."""
    shot_state.code_fingerprint.cache_clear()
    first = shot_state.code_fingerprint()  # this build's digests kept (if not kept already)
    shot_state.code_fingerprint.cache_clear()  # as a new process starts
    parsed = _counting(monkeypatch)

    again = shot_state.code_fingerprint()

    assert parsed == []
    assert again == first
    full = shot_state.fingerprint_of(shot_state._PACKAGE_ROOT, shot_state._BUILD_CODE, None)
    assert len(parsed) > 100 and full == again


def _tree(root: Path, text: str) -> Path:
    room = root / "inference"
    room.mkdir(parents=True, exist_ok=True)
    (room / "engine.py").write_text(text)
    (room / "lips.py").write_text("RATE = 25\n")
    return room / "engine.py"


def test_the_kept_digests_never_hide_an_edit_of_code_even_at_the_same_size_and_time(tmp_path, monkeypatch):
    """A patched engine of the same size, its modification time put back (a sync tool, a restore):
    the kept digest is found by the bytes, so the edit still reads as another build, and a reworded
    docstring still as this one."""
    cache = tmp_path / "kept.json"
    engine = _tree(tmp_path / "build", ENGINE)
    shipped = shot_state.fingerprint_of(tmp_path / "build", ("inference",), cache)
    assert json.loads(cache.read_text())["meanings"]  # kept for the next process
    stamp = os.stat(engine)

    engine.write_text(PATCHED)
    os.utime(engine, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    parsed = _counting(monkeypatch)
    patched = shot_state.fingerprint_of(tmp_path / "build", ("inference",), cache)
    engine.write_text(REWORDED)
    reworded = shot_state.fingerprint_of(tmp_path / "build", ("inference",), cache)

    assert patched != shipped and reworded == shipped
    assert [p.decode() for p in parsed] == [PATCHED, REWORDED]  # lips.py: read from the cache


def test_digests_kept_by_another_rule_or_a_damaged_file_are_not_read(tmp_path):
    """A cache written by a build whose ``code_meaning`` differed (or cut short, or not JSON) could
    hold other digests for the same bytes: it is not read; the fingerprint is the one a parse gives."""
    _tree(tmp_path / "build", ENGINE)
    right = shot_state.fingerprint_of(tmp_path / "build", ("inference",), None)
    cache = tmp_path / "kept.json"
    shot_state.fingerprint_of(tmp_path / "build", ("inference",), cache)
    kept = json.loads(cache.read_text())
    wrong = {raw: "0" * 64 for raw in kept["meanings"]}
    for text in (
        json.dumps({"rule": "f" * 64, "meanings": wrong}),
        json.dumps({"rule": kept["rule"], "meanings": {raw: "zz" for raw in wrong}}),
        '{"rule": "',
        "[1, 2]",
    ):
        cache.write_text(text)
        assert shot_state.fingerprint_of(tmp_path / "build", ("inference",), cache) == right, text


def test_a_build_folder_that_cannot_be_written_still_gets_its_fingerprint(tmp_path):
    """A read-only install: nothing is kept, each process parses, the fingerprint is the same."""
    _tree(tmp_path / "build", ENGINE)
    right = shot_state.fingerprint_of(tmp_path / "build", ("inference",), None)
    blocked = tmp_path / "a file" / "kept.json"
    (tmp_path / "a file").write_text("not a folder")
    assert shot_state.fingerprint_of(tmp_path / "build", ("inference",), blocked) == right
