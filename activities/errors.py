"""How a notification channel fails: for now (retry it) or for good (do not).

Both are Temporal ``ApplicationError``s, so a notifier used directly as the
``send_notification`` activity's notifier already tells Temporal what to do:
a ``DeliveryRefused`` is non-retryable and ends the activity at once, a
``DeliveryFailed`` is retried per the workflow's retry policy.
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError


class DeliveryFailed(ApplicationError):
    """The channel could not take the message now (a 5xx, a timeout, no connection)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, type="DeliveryFailed", non_retryable=False)


class DeliveryRefused(ApplicationError):
    """The channel refused the message for good (a 4xx, a refused recipient)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, type="DeliveryRefused", non_retryable=True)
