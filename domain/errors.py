"""Errors a person can act on."""


class DomainError(Exception):
    """A command refused by the rules of the programme, with the reason."""


class TemplateError(ValueError):
    """A template that is not valid; the message names the field and the rule."""
