"""Pure numpy rig math (presets, mapping, FLAME->ARKit, retarget, blinks): no bpy, testable anywhere."""
