"""How a notification channel fails: for now (retry it) or for good (do not).

Both are Temporal ``ApplicationError``s, so a notifier used directly as the
``send_notification`` activity's notifier already tells Temporal what to do:
a ``ChannelRefused`` is non-retryable and ends the activity at once, a
``ChannelUnavailable`` is retried per the workflow's retry policy.
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError


class ChannelUnavailable(ApplicationError):
    """The channel could not take the message now (a 5xx, a timeout, no connection)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, type="ChannelUnavailable", non_retryable=False)


class ChannelRefused(ApplicationError):
    """The channel refused the message for good (a 4xx, a refused recipient)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, type="ChannelRefused", non_retryable=True)
