"""A pipeline TD installed the extension zip in Blender (README's step 1) and runs a ``blender -b --python``
script written from docs/scripting.md: there the package is ``bl_ext.user_default.dualtalk`` and
``import dualtalk`` fails, so the page's "Importing DualTalk" block must find the installed add-on, enable
it in a fresh session and import every module the page's snippets name. The same block, pip-installed
(no extension), finds ``dualtalk``. The blocks are read from the page, so the test fails if it drifts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "scripting.md"
sys.path.insert(0, str(REPO / "scripts"))
import build_extension  # noqa: E402

# what a Blender user has: no editable install of the checkout, no checkout on sys.path
HIDE_CHECKOUT = r"""
import os, sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path[:] = [p for p in sys.path if p and p != "." and not os.path.exists(os.path.join(p, "dualtalk"))]
sys.path_importer_cache.clear()
import importlib.util
assert importlib.util.find_spec("dualtalk") is None, "the checkout is still importable"
"""

INSTALL = r"""
import sys
import bpy
print("RESULT", sorted(bpy.ops.extensions.package_install_files(
    filepath=sys.argv[-1], repo="user_default", enable_on_install=False)))
"""

REPORT = r"""
import json
print("RESULT " + json.dumps({
    "names": {k: v.__module__ for k, v in globals().items() if callable(v) and hasattr(v, "__module__")
              and "dualtalk" in v.__module__},
    "modules": {k: v.__name__ for k, v in globals().items() if type(v).__name__ == "module"
                and "dualtalk" in v.__name__},
    "enabled": sorted(a for a in bpy.context.preferences.addons.keys() if "dualtalk" in a),
    "operator": bpy.ops.dualtalk.generate.idname(),
    "panel_props": hasattr(bpy.context.scene, "dualtalk"),
}))
"""


WANTED = {"set_panel", "load_motion", "layers", "apply_dialogue", "export_fbx", "add_dialogue_strip"}
"""What the page's snippets call, each imported through its dualtalk(module)."""


def _imported(r: dict) -> set[str]:
    return set(r["names"]) | set(r["modules"])


def _packages(r: dict) -> set[str]:
    """The package each imported name came from (everything from the one add-on, never a second copy)."""
    where = [*r["names"].values(), *r["modules"].values()]
    return {w.split(".dualtalk_blender.")[0].split(".inference.")[0] for w in where}


def page_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def the_script() -> str:
    """The page's import block as written, then each line of its other blocks that imports through it."""
    first, *others = page_blocks()
    assert "def dualtalk(module" in first, "docs/scripting.md's first block should define dualtalk(module)"
    uses, modules = [], set()
    for line in (ln for block in others for ln in block.splitlines()):
        code = line.split("#")[0].strip()
        said = re.fullmatch(r"([\w, ]+) = (.+)", code)
        if said is None:
            continue
        if re.fullmatch(r'dualtalk\("[\w.]+"\)', said[2]):  # `layers = dualtalk("...")`: a module
            modules.add(said[1])
        elif not re.fullmatch(r'dualtalk\("[\w.]+"\)\.\w+|\w+\.\w+(, \w+\.\w+)*', said[2]):
            continue  # a call of the snippet's own (apply_dialogue(...)), not an import
        elif not said[2].startswith("dualtalk(") and said[2].split(".")[0] not in modules:
            continue
        uses.append(line)
    assert len(uses) >= 5, uses
    return first + "\n" + "\n".join(uses) + "\n"


def _run(code: str, env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, out.stdout[-2000:] + out.stderr[-3000:]
    text = line[len("RESULT ") :]
    return json.loads(text) if text.startswith("{") else {"said": text}


@pytest.fixture
def private_blender(tmp_path) -> dict[str, str]:
    """A throw-away Blender user folder: nothing touches the real configuration."""
    home = tmp_path / "home"
    return {**os.environ, "HOME": str(home), "BLENDER_USER_RESOURCES": str(home / "blender")}


def test_the_documented_import_works_in_a_blender_that_installed_the_extension_zip(
    tool, tmp_path, private_blender
):
    built = build_extension.build(tool, tmp_path / "dist")
    installed = _run(HIDE_CHECKOUT + INSTALL, private_blender, str(built))
    assert installed == {"said": "['FINISHED']"}
    # a later `blender -b --python shot.py`: a fresh session, the add-on installed but not enabled
    r = _run(HIDE_CHECKOUT + the_script() + REPORT, private_blender)
    package = "bl_ext.user_default.dualtalk"
    assert r["enabled"] == [package] and r["operator"] == "DUALTALK_OT_generate" and r["panel_props"]
    assert _imported(r) >= WANTED and _packages(r) == {package}


def test_the_documented_import_finds_a_pip_installed_dualtalk_too(private_blender):
    r = _run(the_script() + REPORT, private_blender)
    assert r["enabled"] == ["dualtalk"] and r["operator"] == "DUALTALK_OT_generate"
    assert _imported(r) >= WANTED and _packages(r) == {"dualtalk"}
