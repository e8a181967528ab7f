"""The shell's screens, one per module. Each takes what it needs in its constructor."""
