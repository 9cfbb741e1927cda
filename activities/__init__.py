"""parcours activities."""
