"""The worker process: what a parcours worker hosts, and how it runs.

``workers.programme`` holds the worker's task queue, its activities, its interceptors
and its tuning; ``workers.sandbox`` the workflows it hosts and what its sandbox passes
through; ``workers.replay`` replays
running programmes with this worker's code before a deploy. ``parcours worker`` (any
Temporal) and ``parcours up`` (an embedded dev server) build one through ``bootstrap``,
which reads the settings: nothing here does.
"""
