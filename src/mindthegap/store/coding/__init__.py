"""The coding workspace's own records: edit versions, double-coding assignments, agreed versions, code guidance."""
