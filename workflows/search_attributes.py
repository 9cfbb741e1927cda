"""Search attributes that keep ops listings cheap (registered by ``parcours up``)."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

PROGRAMME_STAGE = SearchAttributeKey.for_keyword("ProgrammeStage")
PROGRAMME_STATUS = SearchAttributeKey.for_keyword("ProgrammeStatus")
EMPLOYEE_ID = SearchAttributeKey.for_keyword("EmployeeId")
COHORT_ID = SearchAttributeKey.for_keyword("CohortId")
TEMPLATE_ID = SearchAttributeKey.for_keyword("TemplateId")

ALL = (PROGRAMME_STAGE, PROGRAMME_STATUS, EMPLOYEE_ID, COHORT_ID, TEMPLATE_ID)

LISTING = "listing"
"""The memo's key for what a programme's row in a listing shows that no search attribute
may hold: the employee's name (sealed), language and time zone (``gateway.client.listed``)."""
