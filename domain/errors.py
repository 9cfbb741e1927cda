"""Errors a person can act on."""


class DomainError(Exception):
    """A command refused by the rules of the programme, with the reason.

    ``shown`` is the reason as the employee and the platform may read it, when the reason
    names a rater (a refused answer is kept in the programme's view, which the platform
    reads; rater ids are for ops only). It changes nothing the decider decides.
    """

    def __init__(self, reason: str, *, shown: str | None = None) -> None:
        super().__init__(reason)
        self.shown = reason if shown is None else shown


class TemplateError(ValueError):
    """A template that is not valid; the message names the field and the rule."""
