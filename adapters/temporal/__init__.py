"""parcours adapters.temporal."""
