"""Build (and validate) the Blender extension zip with Blender's own extension tool.

Blender ships its extension builder as ``addons_core/bl_pkg/cli/blender_ext.py``; with the
PyPI ``bpy`` module it sits inside the installed package, in a full Blender next to the
binary. ``blender --command extension build`` runs the same code. Usage::

    python scripts/build_extension.py                 # -> dist/dualtalk-<version>.zip
    python scripts/build_extension.py --out DIR       # another output folder
    python scripts/build_extension.py --validate-only # manifest check only
    python scripts/build_extension.py --blender-ext /path/to/blender_ext.py

What goes into the zip is decided by ``[build] paths_exclude_pattern`` in
``blender_manifest.toml`` (tests, bench, scripts, CI files and docs but ``docs/ASSETS.md``
are left out). Every other file in the folder goes in, so the built zip is checked (see
:func:`unrecorded_assets`): besides ``.py`` code and the few text files of :data:`OWN_TEXT`,
each file needs its own ``## Bundled: `path``` section in ``docs/ASSETS.md`` giving its
source, an allowed licence (:data:`ALLOWED_LICENCES`) and a sha256 the file matches, or the
build is refused in one line naming the file and no zip is left; a demo run or a synth corpus
left in the checkout never ships, and neither does a file merely mentioned in ASSETS.md.

In a git checkout the zip holds only what git tracks (:func:`untracked_in_zip`): Blender's builder
packs every file the patterns leave, so a scratch ``try.py`` (with a token in it) would ship without a
word, and the installed build id (every shipped file) would differ from the checkout's ``--version``
(git-tracked files only, ``inference/build_info.py``, whose reading of git's index the build uses too:
no git program needed). Such a build is refused in one line naming the files; a folder outside git (a
source tarball) builds as before.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import importlib
import os
import re
import runpy
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
ASSETS_DOC = "docs/ASSETS.md"
OWN_TEXT = frozenset(
    {
        "blender_manifest.toml",
        "pyproject.toml",
        "README.md",
        "MODEL_CARD.md",
        "LICENSE",
        ASSETS_DOC,
        "py.typed",
    }
)
"""Our own files the zip may hold besides code (exact zip paths; ``py.typed``: the empty PEP 561
marker, so mypy checks a script's calls into the installed extension); every other non-.py file is
an asset."""
ALLOWED_LICENCES = (
    "CC0-1.0",
    "Apache-2.0",
    "MIT",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "public domain",
    "GPL-3.0-or-later",  # our own files (the project's licence)
)
"""What an asset's ``Licence`` row may begin with; anything else (or nothing) refuses the build."""

_BUNDLED = re.compile(r"^## Bundled: `([^`]+)`[ \t]*$")
_ROW = re.compile(r"^\|\s*([^|]*?)\s*\|\s*(.*?)\s*\|\s*$")
_LICENCE = re.compile(
    "^(" + "|".join(re.escape(lic) for lic in ALLOWED_LICENCES) + r")(?:$|[.;:]\s|\s+\(|\s+—\s)"
)
_NON_COMMERCIAL = re.compile(r"\bNC\b|non[- ]?commercial", re.IGNORECASE)
_NO_SOURCE = {"", "-", "?", "unknown", "n/a", "none", "tbd"}


def find_blender_ext() -> Path:
    """Locate ``blender_ext.py`` in the installed ``bpy`` package (without importing bpy)."""
    env = os.environ.get("BLENDER_EXT")
    if env and Path(env).is_file():
        return Path(env)
    import importlib.util

    spec = importlib.util.find_spec("bpy")
    roots = []
    if spec is not None and spec.origin:
        roots.append(Path(spec.origin).resolve().parent)  # .../site-packages/bpy
    for root in roots:
        hits = sorted(
            glob.glob(str(root / "*" / "scripts" / "addons_core" / "bl_pkg" / "cli" / "blender_ext.py"))
        )
        hits += sorted(
            glob.glob(
                str(
                    root.parent
                    / "bpy"
                    / "*"
                    / "scripts"
                    / "addons_core"
                    / "bl_pkg"
                    / "cli"
                    / "blender_ext.py"
                )
            )
        )
        if hits:
            return Path(hits[-1])
    raise SystemExit(
        "error: cannot find Blender's blender_ext.py (install the bpy module or pass --blender-ext)"
    )


def manifest() -> dict:
    with open(REPO / "blender_manifest.toml", "rb") as fh:
        return tomllib.load(fh)


def run_tool(tool: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(tool), *args], capture_output=True, text=True, cwd=REPO)


def validate(tool: Path, source: Path = REPO) -> None:
    out = run_tool(tool, "validate", str(source))
    if out.returncode != 0 or "Success" not in out.stdout + out.stderr:
        raise SystemExit(f"error: manifest validation failed: {(out.stdout + out.stderr).strip()}")


def asset_records(text: str) -> dict[str, list[dict[str, str]]]:
    """The ``## Bundled: `path``` sections of ``docs/ASSETS.md``: path -> one dict of table
    rows (first column -> second, ``"_duplicate"`` naming a row given twice) per section."""
    records: dict[str, list[dict[str, str]]] = {}
    rows: dict[str, str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = _BUNDLED.match(line)
            rows = {} if heading else None
            if heading:
                records.setdefault(heading.group(1), []).append(rows)
            continue
        row = _ROW.match(line) if rows is not None else None
        if row:
            key, value = row.group(1), row.group(2)
            if key in rows:
                rows["_duplicate"] = key
            rows[key] = value
    return records


def _problem(record: dict[str, str], data: bytes) -> str:
    """Why one ``Bundled`` record does not cover the file ('' when it does)."""
    if "_duplicate" in record:
        return f"its docs/ASSETS.md section gives {record['_duplicate']} twice"
    if record.get("Source", "").strip().lower() in _NO_SOURCE:
        return "no Source in its docs/ASSETS.md section"
    licence = record.get("Licence", "")
    if not _LICENCE.match(licence) or _NON_COMMERCIAL.search(licence):
        shown = licence[:40] or "none"
        return f"licence {shown!r} in docs/ASSETS.md is not one of {', '.join(ALLOWED_LICENCES)}"
    recorded = re.fullmatch(r"`([0-9a-f]{64})`", record.get("sha256", ""))
    if not recorded:
        return "no sha256 in its docs/ASSETS.md section"
    if hashlib.sha256(data).hexdigest() != recorded.group(1):
        return "sha256 differs from docs/ASSETS.md"
    return ""


def _shown(name: str) -> str:
    """A zip path as one printable line."""
    return name if name.isprintable() else ascii(name)


def unrecorded_assets(zip_path: Path, source: Path = REPO) -> list[str]:
    """Files in the zip that ``docs/ASSETS.md`` does not cover, each as ``"path (why)"``.

    Code (``.py``) and :data:`OWN_TEXT` are ours. Every other file needs exactly one
    ``## Bundled: `path``` section whose table gives ``Source``, ``Licence`` (beginning with one
    of :data:`ALLOWED_LICENCES`, never non-commercial) and ``sha256`` (the file's). A path only
    mentioned elsewhere in ASSETS.md, in prose or under another heading, does not count. The
    record itself must travel in the zip, and a ``Bundled`` section whose file the zip lacks is
    stale (the shipped record would claim a file that is not there)."""
    import zipfile

    doc = source / ASSETS_DOC
    records = asset_records(doc.read_text(encoding="utf-8") if doc.is_file() else "")
    bad = []
    with zipfile.ZipFile(zip_path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        if ASSETS_DOC not in names:
            bad.append(f"{ASSETS_DOC} (not in the zip: the provenance record must ship with the files)")
        for name in names:
            if name.endswith(".py") or name in OWN_TEXT:
                continue
            found = records.get(name, [])
            if not found:
                bad.append(f"{_shown(name)} (no '## Bundled: `{_shown(name)}`' section in docs/ASSETS.md)")
            elif len(found) > 1:
                bad.append(f"{_shown(name)} (recorded {len(found)} times in docs/ASSETS.md)")
            elif why := _problem(found[0], zf.read(name)):
                bad.append(f"{_shown(name)} ({why})")
        bad += [
            f"{_shown(name)} (docs/ASSETS.md records it as bundled but the zip does not hold it)"
            for name in records
            if name not in names
        ]
    return bad


def _build_info() -> ModuleType:
    """This checkout's ``inference/build_info.py`` (no bpy, no torch): the build id's rule for what git
    tracks, read here too so the zip and the id agree (review rv39a F6: ``git ls-files`` here needed
    git on PATH, and disagreed with the id where the index is one build_info cannot read). Loaded as
    ``dualtalk`` from this folder unless a ``dualtalk`` is already imported (tests), by the loader
    ``animate``'s Blender entry uses too (``package_loader.py``, run by its path)."""
    loader = runpy.run_path(str(REPO / "package_loader.py"))
    try:
        loader["load_package"](REPO)
    except loader["NotThePackage"] as exc:
        raise SystemExit(f"error: {exc}") from None
    return importlib.import_module("dualtalk.inference.build_info")


def tracked_files(source: Path) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """What git tracks at ``source`` (its index: committed or ``git add``-ed; ``build_info.read_tracked``,
    which reads the index itself: worktrees, sparse folders, no git needed), or None outside a checkout
    of the project, where ``inference/build_info.py`` counts every shipped file too. An index it cannot
    read refuses the build: the zip holds only what git tracks, and that cannot be told."""
    build_info = _build_info()
    try:
        return build_info.read_tracked(source)
    except build_info.IndexUnreadable as exc:
        split = (
            "; `git update-index --no-split-index` writes it as one file" if "split index" in str(exc) else ""
        )
        raise SystemExit(
            f"error: cannot read the files git tracks in {source} ({exc}); the build ships only those{split}"
        ) from None


def untracked_in_zip(zip_path: Path, source: Path = REPO) -> list[str]:
    """Files in the zip that git does not track in the checkout ``source`` ([] outside git)."""
    import zipfile

    tracked = tracked_files(source)
    if tracked is None:
        return []
    is_tracked = _build_info().is_tracked
    with zipfile.ZipFile(zip_path) as zf:
        return [n for n in zf.namelist() if not n.endswith("/") and not is_tracked(n, tracked)]


def _listed(names: list[str]) -> str:
    """The first five names, and how many more."""
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return ", ".join(_shown(n) for n in names[:5]) + more


def build(tool: Path, out_dir: Path, source: Path = REPO) -> Path:
    with open(source / "blender_manifest.toml", "rb") as fh:
        m = tomllib.load(fh)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{m['id']}-{m['version']}.zip"
    out = run_tool(tool, "build", "--source-dir", str(source), "--output-filepath", str(target))
    if out.returncode != 0 or not target.is_file():
        raise SystemExit(f"error: extension build failed: {(out.stdout + out.stderr).strip()}")
    validate(tool, target)
    try:
        untracked = untracked_in_zip(target, source)
    except SystemExit:  # what git tracks cannot be told: no zip is left to ship
        target.unlink()
        raise
    if untracked:
        target.unlink()  # a scratch file (a token in it) must not leave the machine in a zip
        raise SystemExit(
            f"error: the zip would hold files git does not track: {_listed(untracked)}; "
            "git add them if they belong to the extension, or move them out of its folder"
        )
    bad = unrecorded_assets(target, source)
    if bad:
        target.unlink()  # a zip with a file of unknown licence must not be left to ship
        raise SystemExit(
            f"error: the zip would hold files of unrecorded provenance: {_listed(bad)}; "
            "move them out of the extension folder or record them in docs/ASSETS.md "
            "(a '## Bundled: `path`' section with Source, Licence and sha256)"
        )
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "dist", help="output folder (default: dist/)")
    ap.add_argument("--blender-ext", type=Path, help="path to Blender's blender_ext.py")
    ap.add_argument("--validate-only", action="store_true", help="only validate the manifest")
    args = ap.parse_args(argv)
    tool = args.blender_ext or find_blender_ext()
    validate(tool)
    if args.validate_only:
        print("manifest is valid")
        return 0
    print(build(tool, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
