"""Calendars people keep: the programme calendar as iCalendar, and invitations."""
