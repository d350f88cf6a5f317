"""Every bpy read and write: characters, applying motion, keying, sound, .blend i/o, FBX, render, compat."""
