"""The extension package: the manifest passes Blender's own validator, the zip built with
Blender's builder holds only the product, and it installs and enables in a fresh session
where the background worker runs the installed copy of the code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import build_extension  # noqa: E402

INSTALL_SCRIPT = r"""
import json, sys
import bpy
zip_path = sys.argv[-1]
res = bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default", enable_on_install=True)
from importlib import import_module
wc = import_module("bl_ext.user_default.dualtalk.dualtalk_blender.addon.worker_client")
w = wc.WorkerProcess(sys.argv[-2]).start()
state = w.wait(120)
print("RESULT " + json.dumps({
    "op": sorted(res),
    "enabled": "bl_ext.user_default.dualtalk" in bpy.context.preferences.addons,
    "panel": hasattr(bpy.types, "DUALTALK_PT_main"),
    "scene_props": hasattr(bpy.types.Scene, "dualtalk"),
    "package_root": str(wc.PACKAGE_ROOT),
    "worker_state": state, "worker_error": w.error,
    "worker_root": (w.events[0] if w.events else {}).get("root"),
}))
"""


@pytest.fixture(scope="module")
def built_zip(tool, tmp_path_factory) -> Path:
    return build_extension.build(tool, tmp_path_factory.mktemp("dist"))


def test_manifest_follows_blender_5_rules(tool):
    build_extension.validate(tool)  # Blender's own validator
    m = tomllib.loads((REPO / "blender_manifest.toml").read_text())
    assert m["id"] == "dualtalk" and m["type"] == "add-on"
    assert len(m["tagline"]) <= 64 and m["tagline"][-1] not in ".!?,;:"
    assert all(lic.startswith("SPDX:") for lic in m["license"])
    assert set(m["permissions"]) >= {"files", "network"}
    assert tuple(int(x) for x in m["blender_version_min"].split(".")) >= (5, 0, 0)


def test_a_broken_manifest_is_rejected(tool, tmp_path):
    bad = (
        (REPO / "blender_manifest.toml")
        .read_text()
        .replace(
            'tagline = "',
            'tagline = "This tagline is far too long for the extension platform to accept it at all ',
        )
    )
    (tmp_path / "blender_manifest.toml").write_text(bad)
    (tmp_path / "__init__.py").write_text("")
    with pytest.raises(SystemExit, match="validation failed"):
        build_extension.validate(tool, tmp_path)


def test_zip_holds_the_product_only(built_zip):
    names = zipfile.ZipFile(built_zip).namelist()
    assert "blender_manifest.toml" in names and "__init__.py" in names
    for needed in ("inference/worker.py", "dualtalk_blender/addon/worker_client.py", "panels/main_panel.py"):
        assert needed in names
    assert "docs/ASSETS.md" in names  # the provenance record travels; no other page of docs/ does
    for name in names:
        top = name.split("/")[0]
        assert top not in {"tests", "bench", "training", "scripts", ".ci", ".git"}, name
        assert top != "docs" or name == "docs/ASSETS.md", name
        assert not top.startswith(".") and "__pycache__" not in name, name
        assert not any(helper in name for helper in ("testsignals", "fuzz_targets", "conftest")), name


def test_every_import_in_the_zip_resolves_inside_the_zip(built_zip):
    """Shipped code never reaches for a module the zip leaves out (training/, bench/, tests)."""
    import ast

    zf = zipfile.ZipFile(built_zip)
    modules = {
        ".".join(["dualtalk", *Path(n).with_suffix("").parts]).removesuffix(".__init__")
        for n in zf.namelist()
        if n.endswith(".py")
    } | {"dualtalk"}
    missing = []
    for name in zf.namelist():
        if not name.endswith(".py"):
            continue
        mod = ".".join(["dualtalk", *Path(name).with_suffix("").parts])
        package = mod.removesuffix(".__init__") if name.endswith("__init__.py") else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(zf.read(name))):
            if isinstance(node, ast.ImportFrom) and node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                found = base in modules or any(f"{base}.{a.name}" in modules for a in node.names)
                if not found:
                    missing.append(f"{name}: {base}")
    assert not missing, missing


def test_zip_installs_enables_and_runs_its_own_worker(built_zip, tmp_path):
    home = tmp_path / "home"
    # A throw-away user folder: the install must not touch the real Blender configuration.
    env = {**os.environ, "HOME": str(home), "BLENDER_USER_RESOURCES": str(home / "blender")}
    out = subprocess.run(
        [sys.executable, "-c", INSTALL_SCRIPT, str(tmp_path / "no_job.json"), str(built_zip)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, out.stdout[-2000:] + out.stderr[-2000:]
    r = json.loads(line[len("RESULT ") :])
    installed = home / "blender" / "extensions" / "user_default" / "dualtalk"
    assert r["op"] == ["FINISHED"] and r["enabled"] and r["panel"] and r["scene_props"]
    assert Path(r["package_root"]) == installed
    # The child ran the installed copy (not the development checkout) and spoke the protocol.
    assert Path(r["worker_root"]) == installed
    assert r["worker_state"] == "error" and "job file not found" in r["worker_error"]
