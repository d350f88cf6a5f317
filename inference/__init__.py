"""Blender-free engine: audio intake, networks, generation, training, metrics.

Nothing in this package imports ``bpy``; heavy modules (torch) are imported by the
submodules that need them, so ``import dualtalk.inference`` stays cheap.
"""
