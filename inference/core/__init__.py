"""The engine's torch- and bpy-free contract: motion files, channels, errors, file i/o, progress, timebase."""
