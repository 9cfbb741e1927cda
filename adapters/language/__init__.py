"""Messages and reports in the reader's language (French or English) and time zone.

``catalogue``: one module per language (``en``, ``fr``), each a flat dict from a message
key to a ``str.format`` template. Plain Python, so it is reviewed as code and needs no
compiling step; ``tests/unit/test_language.py`` fails when a key, or a template's
fields, is in one catalogue and not the other. ``formats``: dates, times and numbers as
the reader writes them (Babel). ``zones``: IANA time zones (the standard library's).
"""
