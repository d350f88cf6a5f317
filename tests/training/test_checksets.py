"""Rebuilding a real-speech check set from the archives a user downloaded, and telling whether it
is the set the published rows were measured on.

Every archive here is a tiny fake made on the fly (a source tar.gz, a Debian package); nothing is
fetched and no shared data is read.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.training.evaluation import checksets
from dualtalk.training.evaluation.checkset_archives import ArchiveReader, sha256_of
from dualtalk.training.evaluation.lipsync import find_alignments

GRID = """File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0
xmax = 1.0
tiers? <exists>
size = 1
item []:
    item [1]:
        class = "IntervalTier"
        name = "phones"
        xmin = 0
        xmax = 1.0
        intervals: size = 3
        intervals [1]:
            xmin = 0
            xmax = 0.3
            text = "M"
        intervals [2]:
            xmin = 0.3
            xmax = 0.7
            text = "AA1"
        intervals [3]:
            xmin = 0.7
            xmax = 1.0
            text = ""
"""


def _wav_bytes(seed: int, seconds: float = 1.0) -> bytes:
    buf = io.BytesIO()
    x = 0.1 * np.random.default_rng(seed).standard_normal(int(16000 * seconds))
    sf.write(buf, x, 16000, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def _tar_gz(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _deb(path: Path, members: dict[str, bytes]) -> Path:
    """A Debian package as dpkg writes one: an ar archive of debian-binary, control and data tars."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:xz") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo("./" + name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    parts = [("debian-binary", b"2.0\n"), ("control.tar.xz", b"x" * 3), ("data.tar.xz", data.getvalue())]
    out = bytearray(b"!<arch>\n")
    for name, body in parts:
        out += f"{name:<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(body):<10}`\n".encode()
        out += body + (b"\n" if len(body) % 2 else b"")
    path.write_bytes(bytes(out))
    return path


def _archive_entry(path: Path, fetch: str) -> dict:
    return {
        "file": path.name,
        "package": "fakepkg",
        "version": "1.0",
        "registry": "PyPI",
        "sha256": sha256_of(path),
        "fetch": fetch,
        "licence": "MIT",
    }


@pytest.fixture
def sdist(tmp_path):
    """A source archive holding two recordings with MFA-style TextGrids and .lab transcripts."""
    root = "fakepkg-1.0/tests/data/"
    members = {}
    for i, stem in enumerate(("talk_b", "talk_a")):
        members[f"{root}wav/{stem}.wav"] = _wav_bytes(i)
        members[f"{root}textgrid/{stem}.TextGrid"] = GRID.encode()
        members[f"{root}lab/{stem}.lab"] = b"so um <VOCNOISE> my [adif] mom\n"
    dl = tmp_path / "downloads"
    dl.mkdir()
    return _tar_gz(dl / "fakepkg-1.0.tar.gz", members)


def _grid_manifest(sdist: Path, **published) -> dict:
    root = "fakepkg-1.0/tests/data/"
    clips = [
        {
            "stem": s,
            "archive": "fake",
            "member": f"{root}wav/{s}.wav",
            "text_member": f"{root}lab/{s}.lab",
            "grid_member": f"{root}textgrid/{s}.TextGrid",
        }
        for s in ("talk_a", "talk_b")
    ]
    fetch = "pip download --no-deps --no-binary fakepkg fakepkg==1.0"
    spec = {"recipe": "textgrid", "lang": "en", "backs": "a row", "clips": clips, **published}
    return {"archives": {"fake": _archive_entry(sdist, fetch)}, "sets": {"free": spec}}


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_user_without_the_archives_is_told_how_to_fetch_each_one_and_nothing_is_written(tmp_path, capsys):
    first = _tar_gz(tmp_path / "one-1.0.tar.gz", {"a.wav": b"x"})
    second = _deb(tmp_path / "two_1.0_all.deb", {"usr/a.txt": b"x"})
    doc = {
        "archives": {
            "one": _archive_entry(first, "pip download --no-deps --no-binary one one==1.0"),
            "two": _archive_entry(second, "apt-get download two=1.0"),
        },
        "sets": {
            "pair": {
                "recipe": "align_tts",
                "lang": "it",
                "clips": [
                    {"stem": "a", "archive": "one", "member": "a.wav", "text": "ciao"},
                    {"stem": "b", "archive": "two", "member": "usr/a.txt", "text": "ciao"},
                ],
            }
        },
    }
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    code = checksets.main(
        [
            "--manifest",
            str(_write(tmp_path, doc)),
            "build",
            "pair",
            "--out",
            str(out),
            "--archives",
            str(empty),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [
        f"error: missing one-1.0.tar.gz in {empty}: fetch it with `pip download --no-deps --no-binary one one==1.0`",
        f"error: missing two_1.0_all.deb in {empty}: fetch it with `apt-get download two=1.0`",
    ]
    assert not out.exists()


def test_an_archive_with_other_bytes_under_the_same_name_is_refused(tmp_path, sdist, capsys):
    doc = _grid_manifest(sdist)
    other = tmp_path / "other"
    other.mkdir()
    _tar_gz(other / sdist.name, {"fakepkg-1.0/README": b"a later release"})
    out = tmp_path / "out"
    code = checksets.main(
        [
            "--manifest",
            str(_write(tmp_path, doc)),
            "build",
            "free",
            "--out",
            str(out),
            "--archives",
            str(other),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "SHA-256" in err and "fakepkg 1.0" in err and "pip download" in err
    assert not out.exists()


def test_a_set_is_cut_from_its_archive_and_its_fingerprint_is_the_heldout_scheme(tmp_path, sdist, capsys):
    out = tmp_path / "free"
    code = checksets.main(
        ["--manifest", str(_write(tmp_path, _grid_manifest(sdist))), "build", "free", "--out", str(out),
         "--archives", str(sdist.parent)]
    )  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert sorted(p.name for p in out.glob("talk_*")) == [
        "talk_a.TextGrid", "talk_a.txt", "talk_a.wav", "talk_b.TextGrid", "talk_b.txt", "talk_b.wav",
    ]  # fmt: skip
    assert (out / "talk_a.txt").read_text(encoding="utf-8") == "so um my mom\n"  # <...> and [...] dropped
    with tarfile.open(sdist) as tar:  # the recordings are the archive's bytes, unchanged
        ref = tar.extractfile("fakepkg-1.0/tests/data/wav/talk_b.wav").read()  # type: ignore[union-attr]
    assert (out / "talk_b.wav").read_bytes() == ref
    # cat $(ls out/*.wav | LC_ALL=C sort) | sha256sum
    cat = b"".join((out / n).read_bytes() for n in ("talk_a.wav", "talk_b.wav"))
    assert f"recordings fingerprint {hashlib.sha256(cat).hexdigest()}" in printed.out
    assert [c.stem for c in find_alignments(out)] == ["talk_a", "talk_b"]
    assert (out / ".dualtalk-evaluation-only").is_file()  # never packed for training
    made = json.loads((out / "checkset.json").read_text(encoding="utf-8"))
    assert made["clips"] == 2 and made["seconds"] == 2.0 and made["archives"][0]["sha256"] == sha256_of(sdist)
    assert "no fingerprint to compare with" in printed.err


def test_the_recordings_and_words_before_alignment_can_be_kept_for_eval_scripts(tmp_path, sdist):
    made = checksets.build("free", tmp_path / "set", [sdist.parent], _grid_manifest(sdist), tmp_path / "src")
    kept = sorted(p.name for p in (tmp_path / "src").iterdir())
    assert kept == sorted([".dualtalk-evaluation-only", *(p.name for p in (tmp_path / "set").glob("talk_*"))])
    assert made["fingerprint"] == checksets.fingerprint(tmp_path / "src")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(checksets.DualTalkError, match="--sources .* already holds files"):
        checksets.build("free", tmp_path / "set2", [sdist.parent], _grid_manifest(sdist), mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"] and not (tmp_path / "set2").exists()


def test_a_rebuild_says_whether_it_is_the_published_set(tmp_path, sdist, capsys):
    first = checksets.build("free", tmp_path / "a", [sdist.parent], _grid_manifest(sdist))
    same = _grid_manifest(sdist, fingerprint=first["fingerprint"], labels=first["labels"])
    code = checksets.main(
        ["--manifest", str(_write(tmp_path, same)), "build", "free", "--out", str(tmp_path / "b"),
         "--archives", str(sdist.parent)]
    )  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0
    assert f"recordings match the published set ({first['fingerprint'][:16]}…)" in printed.out
    assert "labels match" in printed.out and printed.err == ""
    other = _grid_manifest(sdist, fingerprint="0" * 64, labels=first["labels"])
    checksets.main(
        ["--manifest", str(_write(tmp_path, other)), "build", "free", "--out", str(tmp_path / "c"),
         "--archives", str(sdist.parent)]
    )  # fmt: skip
    printed = capsys.readouterr()
    assert "the recordings differ from the published set (0000000000000000…)" in printed.err
    assert "labels match" in printed.out


def test_a_folder_that_already_holds_files_is_left_alone(tmp_path, sdist, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "talk_a.wav").write_bytes(b"my own take")
    code = checksets.main(
        ["--manifest", str(_write(tmp_path, _grid_manifest(sdist))), "build", "free", "--out", str(out),
         "--archives", str(sdist.parent)]
    )  # fmt: skip
    assert code == 2 and "already holds files" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["talk_a.wav"]
    assert (out / "talk_a.wav").read_bytes() == b"my own take"


def test_a_set_cut_short_leaves_no_half_set_behind(tmp_path, sdist, capsys):
    """Here the second clip's labels are not a TextGrid: found when the set is read back, after
    both folders were written."""
    doc = _grid_manifest(sdist)
    doc["sets"]["free"]["clips"][1]["grid_member"] = "fakepkg-1.0/tests/data/lab/talk_b.lab"
    out, src = tmp_path / "free", tmp_path / "src"
    code = checksets.main(
        ["--manifest", str(_write(tmp_path, doc)), "build", "free", "--out", str(out), "--sources", str(src),
         "--archives", str(sdist.parent)]
    )  # fmt: skip
    assert code == 2 and "talk_b.TextGrid: not a Praat TextGrid" in capsys.readouterr().err
    assert not out.exists() and not src.exists()


def test_a_manifest_clip_name_that_leaves_the_folder_is_refused(tmp_path, sdist, capsys):
    doc = _grid_manifest(sdist)
    doc["sets"]["free"]["clips"][0]["stem"] = "../outside"
    code = checksets.main(
        ["--manifest", str(_write(tmp_path, doc)), "build", "free", "--out", str(tmp_path / "o"),
         "--archives", str(sdist.parent)]
    )  # fmt: skip
    assert code == 2 and "'../outside' in the manifest is not a plain file name" in capsys.readouterr().err
    assert not (tmp_path / "outside.wav").exists() and not (tmp_path / "o").exists()


def test_a_manifest_entry_without_a_field_is_named_in_one_line(tmp_path, sdist, capsys):
    doc = _grid_manifest(sdist)
    del doc["sets"]["free"]["clips"][0]["member"]
    manifest = _write(tmp_path, doc)
    code = checksets.main(
        [
            "--manifest",
            str(manifest),
            "build",
            "free",
            "--out",
            str(tmp_path / "o"),
            "--archives",
            str(sdist.parent),
        ]
    )
    assert code == 2
    assert capsys.readouterr().err.strip() == f"error: {manifest}: an entry lacks the field 'member'"
    assert not (tmp_path / "o").exists()


def test_an_unknown_set_is_named_with_the_sets_there_are(tmp_path, sdist, capsys):
    code = checksets.main(
        [
            "--manifest",
            str(_write(tmp_path, _grid_manifest(sdist))),
            "build",
            "nope",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    assert capsys.readouterr().err.strip() == "error: no check set named 'nope'; the sets are: free"


def test_a_prompt_and_its_words_come_out_of_debian_packages(tmp_path):
    """Asterisk's prompts: the sound in one package, every prompt's words as ``id: text`` lines of a
    gzipped list in another."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    tone = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=1.5:sample_rate=16000",
         "-c:a", "g722", "-f", "g722", "pipe:1"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    words = b"; Core sounds\n\nbeep-a: Prima riga.\nbeep-b: Seconda riga, piu lunga.\n"
    sounds = _deb(tmp_path / "snd_1.0_all.deb", {"usr/share/sounds/v/beep-b.g722": tone})
    docs = _deb(tmp_path / "doc_1.0_all.deb", {"usr/share/doc/snd/core.txt.gz": gzip.compress(words)})
    readers = {"snd": ArchiveReader(sounds), "doc": ArchiveReader(docs)}
    spec = {
        "recipe": "align_tts",
        "clips": [
            {"stem": "beep-b", "archive": "snd", "member": "./usr/share/sounds/v/beep-b.g722", "decode": "g722",
             "text_archive": "doc", "text_member": "usr/share/doc/snd/core.txt.gz", "text_id": "beep-b"}
        ],
    }  # fmt: skip
    folder = tmp_path / "sources"
    folder.mkdir()
    checksets.write_sources(spec, readers, folder)
    assert (folder / "beep-b.lab").read_text(encoding="utf-8") == "Seconda riga, piu lunga.\n"
    info = sf.info(str(folder / "beep-b.wav"))
    assert (info.samplerate, info.channels) == (16000, 1) and abs(info.duration - 1.5) < 0.05
    first = (folder / "beep-b.wav").read_bytes()
    checksets.write_sources(spec, readers, folder)  # decoded twice: the same bytes, no encoder tag
    assert (folder / "beep-b.wav").read_bytes() == first and b"Lavf" not in first


def test_the_shipped_manifest_pins_every_archive_and_publishes_every_sets_fingerprint():
    doc = checksets.load_manifest()
    assert doc["sets"], "no sets"
    for key, arc in doc["archives"].items():
        assert re.fullmatch(r"[0-9a-f]{64}", arc["sha256"]), key
        assert arc["version"] in arc["fetch"] and arc["licence"], key
        assert arc["fetch"].split()[0] in {"pip", "apt-get", "npm"}, key
    for name, spec in doc["sets"].items():
        assert spec["recipe"] in checksets.RECIPES, name
        assert re.fullmatch(r"[0-9a-f]{64}", spec.get("fingerprint", "")), f"{name}: no fingerprint"
        assert re.fullmatch(r"[0-9a-f]{64}", spec.get("labels", "")), f"{name}: no labels fingerprint"
        assert spec["backs"], name
        stems = [c["stem"] for c in spec["clips"]]
        assert len(stems) == len(set(stems)), name
        assert all(c["archive"] in doc["archives"] for c in spec["clips"]), name
