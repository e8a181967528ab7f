"""The inventory plugin's TUI screens (built from the UI kit, :mod:`medoffice.ui`)."""
