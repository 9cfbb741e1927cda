"""parcours adapters.payloads."""
