"""Build (and validate) the Blender extension zip with Blender's own extension tool.

Blender ships its extension builder as ``addons_core/bl_pkg/cli/blender_ext.py``; with the
PyPI ``bpy`` module it sits inside the installed package, in a full Blender next to the
binary. ``blender --command extension build`` runs the same code. Usage::

    python scripts/build_extension.py                 # -> dist/dualtalk-<version>.zip
    python scripts/build_extension.py --out DIR       # another output folder
    python scripts/build_extension.py --validate-only # manifest check only
    python scripts/build_extension.py --blender-ext /path/to/blender_ext.py

What goes into the zip is decided by ``[build] paths_exclude_pattern`` in
``blender_manifest.toml`` (tests, bench, docs, scripts and CI files are left out). Every
other file in the folder goes in, so the built zip is checked: each file that is not our
code or text must be named in ``docs/ASSETS.md`` (and match the sha256 recorded there), or
the build is refused; a demo run or a synth corpus left in the checkout never ships.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OWN_TEXT = {"blender_manifest.toml", "pyproject.toml", "README.md", "MODEL_CARD.md", "LICENSE"}
"""Our own files the zip may hold besides code; every other non-.py file is an asset."""


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


def unrecorded_assets(zip_path: Path, source: Path = REPO) -> list[str]:
    """Files in the zip whose provenance ``docs/ASSETS.md`` does not record (or records another sha256)."""
    import zipfile

    doc = source / "docs" / "ASSETS.md"
    text = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    named = set(re.findall(r"`([^`]+)`", text))
    sections = text.split("\n## ")
    bad = []
    with zipfile.ZipFile(zip_path) as zf:
        for name in zf.namelist():
            if name.endswith("/") or name.endswith(".py") or name in OWN_TEXT:
                continue
            if name not in named:
                bad.append(f"{name} (not in docs/ASSETS.md)")
                continue
            for section in sections:
                recorded = re.search(r"sha256 \| `([0-9a-f]{64})`", section)
                if f"`{name}`" in section.splitlines()[0] and recorded:
                    if hashlib.sha256(zf.read(name)).hexdigest() != recorded.group(1):
                        bad.append(f"{name} (sha256 differs from docs/ASSETS.md)")
    return bad


def build(tool: Path, out_dir: Path, source: Path = REPO) -> Path:
    with open(source / "blender_manifest.toml", "rb") as fh:
        m = tomllib.load(fh)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{m['id']}-{m['version']}.zip"
    out = run_tool(tool, "build", "--source-dir", str(source), "--output-filepath", str(target))
    if out.returncode != 0 or not target.is_file():
        raise SystemExit(f"error: extension build failed: {(out.stdout + out.stderr).strip()}")
    validate(tool, target)
    bad = unrecorded_assets(target, source)
    if bad:
        target.unlink()  # a zip with a file of unknown licence must not be left to ship
        raise SystemExit(
            f"error: the zip would hold files of unrecorded provenance: {', '.join(bad[:5])}"
            f"{f' and {len(bad) - 5} more' if len(bad) > 5 else ''}; "
            "move them out of the extension folder or record them in docs/ASSETS.md"
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
