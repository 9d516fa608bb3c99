"""The coding workspace: read a source, code it, compare double coding, and retrieve coded segments."""
