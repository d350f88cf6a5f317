"""Build (and validate) the Blender extension zip with Blender's own extension tool.

Blender ships its extension builder as ``addons_core/bl_pkg/cli/blender_ext.py``; with the
PyPI ``bpy`` module it sits inside the installed package, in a full Blender next to the
binary. ``blender --command extension build`` runs the same code. Usage::

    python scripts/build_extension.py                 # -> dist/dualtalk-<version>.zip
    python scripts/build_extension.py --out DIR       # another output folder
    python scripts/build_extension.py --validate-only # manifest check only
    python scripts/build_extension.py --blender-ext /path/to/blender_ext.py

What goes into the zip is decided by ``[build] paths_exclude_pattern`` in
``blender_manifest.toml`` (tests, bench, docs, scripts and CI files are left out).
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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


def build(tool: Path, out_dir: Path) -> Path:
    m = manifest()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{m['id']}-{m['version']}.zip"
    out = run_tool(tool, "build", "--source-dir", str(REPO), "--output-filepath", str(target))
    if out.returncode != 0 or not target.is_file():
        raise SystemExit(f"error: extension build failed: {(out.stdout + out.stderr).strip()}")
    validate(tool, target)
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
