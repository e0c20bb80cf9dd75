"""The brief: read its YAML with positions, validate it into typed facts and prose, compare its languages."""
