"""The composition root: everything parcours runs is built here, from the settings.

From one ``Settings`` (see ``config``) it builds, one concern a module:

- ``bootstrap.keys``: the master key and the key store it opens (``open_keyring``), and
  the rotation of the master key;
- ``bootstrap.database``: the PostgreSQL pool ``PARCOURS_DATABASE_URL`` names;
- ``bootstrap.stores``: the API's answers, the people directory and the archive: files
  in the data dir, or PostgreSQL;
- ``bootstrap.temporal``: the connection to Temporal (one way for worker, API and CLI:
  metrics runtime and tracing included);
- ``bootstrap.notifying``: the notification channels and their sent-ledgers;
- ``bootstrap.worker``: the activities and the worker, and running them: a worker for any
  Temporal, or everything embedded (``up``), stopping in order on SIGINT/SIGTERM.

Adapters take plain values from here and never read the settings themselves. Every
builder is here so that no adapter reads the settings and no shell builds its own; what
the worker hosts and how it runs is ``workers.programme``. Bootstrap wires; it does not
implement.
"""
