"""The rooms stay apart: a walk over every import in the package (lazy ones included) checks the
layering that docs/ARCHITECTURE.md promises, so a shortcut import fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOT_PACKAGE = {"tests", "scripts", "docs", "build", "dist", ".git", ".ci", "assets"}
BLENDER_MODULES = {"bpy", "bpy_extras", "mathutils", "aud", "gpu", "blf", "bmesh", "addon_utils"}
# Old paths kept for one release (README's public API); code of ours must use the new homes.
SHIMS = {
    "dualtalk.inference.motion",
    "dualtalk.inference.channels",
    "dualtalk.inference.errors",
    "dualtalk.inference.fileio",
    "dualtalk.inference.progress",
    "dualtalk.dualtalk_blender.apply",
    "dualtalk.dualtalk_blender.fbx_export",
    "dualtalk.dualtalk_blender.cmd_animate",
}


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["dualtalk", *parts])


def package_files() -> list[Path]:
    return sorted(
        p
        for p in REPO.rglob("*.py")
        if p.relative_to(REPO).parts[0] not in NOT_PACKAGE and ".venv" not in p.parts
    )


def imports_of(path: Path) -> set[str]:
    """Absolute names of everything ``path`` imports (``from X import y`` gives X and X.y)."""
    mod = module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


GRAPH = {module_name(p): imports_of(p) for p in package_files()}


def ours(names: set[str]) -> set[str]:
    return {n for n in names if n == "dualtalk" or n.startswith("dualtalk.")}


def under(name: str, *rooms: str) -> bool:
    return any(name == f"dualtalk.{r}" or name.startswith(f"dualtalk.{r}.") for r in rooms)


def modules_in(*rooms: str) -> list[str]:
    return sorted(m for m in GRAPH if under(m, *rooms) and m not in SHIMS)


def test_the_walk_sees_the_whole_package():
    assert "dualtalk.inference.core.request" in GRAPH
    assert "dualtalk.dualtalk_blender.scene.apply" in GRAPH
    assert "dualtalk.operators.generate" in GRAPH
    assert len(GRAPH) > 80


@pytest.mark.parametrize("mod", modules_in("inference.core"))
def test_core_imports_nothing_of_ours_outside_core(mod):
    bad = {n for n in ours(GRAPH[mod]) if not under(n, "inference.core") and n != "dualtalk.inference"}
    assert not bad, f"{mod} imports {sorted(bad)}"
    assert not {n for n in GRAPH[mod] if n.split(".")[0] in BLENDER_MODULES | {"torch"}}


@pytest.mark.parametrize("mod", modules_in("inference"))
def test_inference_never_imports_the_blender_side_or_training(mod):
    bad = {n for n in GRAPH[mod] if under(n, "dualtalk_blender", "operators", "panels", "training", "bench")}
    bad |= {n for n in GRAPH[mod] if n.split(".")[0] in BLENDER_MODULES}
    assert not bad, f"{mod} imports {sorted(bad)}"


@pytest.mark.parametrize("mod", modules_in("dualtalk_blender.rig"))
def test_rig_is_pure_numpy(mod):
    bad = {n for n in GRAPH[mod] if n.split(".")[0] in BLENDER_MODULES}
    bad |= {
        n
        for n in GRAPH[mod]
        if under(n, "dualtalk_blender")
        and not under(n, "dualtalk_blender.rig")
        and n != "dualtalk.dualtalk_blender"
    }
    assert not bad, f"{mod} imports {sorted(bad)}"


@pytest.mark.parametrize("mod", modules_in("operators", "panels"))
def test_operators_and_panels_never_import_each_other(mod):
    other = "panels" if under(mod, "operators") else "operators"
    bad = {n for n in GRAPH[mod] if under(n, other)}
    assert not bad, f"{mod} imports {sorted(bad)}"


@pytest.mark.parametrize("mod", modules_in("dualtalk_blender", "inference", "operators", "panels"))
def test_shipped_code_never_reaches_training_bench_or_old_paths(mod):
    """The zip holds no training/ or bench/, and the old-path shims go away next release."""
    bad = {n for n in GRAPH[mod] if under(n, "training", "bench") or n in SHIMS}
    assert not bad, f"{mod} imports {sorted(bad)}"


@pytest.mark.parametrize("mod", modules_in("dualtalk_blender.scene", "dualtalk_blender.rig"))
def test_scene_and_rig_never_reach_up_into_commands_demo_or_addon(mod):
    bad = {
        n
        for n in GRAPH[mod]
        if under(n, "dualtalk_blender.commands", "dualtalk_blender.demo", "dualtalk_blender.addon")
        or under(n, "operators", "panels")
    }
    assert not bad, f"{mod} imports {sorted(bad)}"
