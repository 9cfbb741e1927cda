"""parcours workflows."""
