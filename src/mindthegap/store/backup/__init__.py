"""Backing up one study to a file and restoring it: see :mod:`.archive`."""
