"""Loading the settings: from the environment, an optional settings file
(``PARCOURS_SETTINGS_FILE``, in ``.env`` format) and overrides, every problem at once.

A variable in the file that looks like a parcours setting but is none is refused as a
likely typo; the variables parcours reads elsewhere (``OTHER_VARIABLES``) are not.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import ValidationError

from config import Settings
from config.errors import SettingsError, describe

SETTINGS_FILE_ENV = "PARCOURS_SETTINGS_FILE"
NEW_MASTER_KEY_ENV = "PARCOURS_NEW_MASTER_KEY"
"""The key ``parcours keys rotate-master`` rotates to (read by that command only)."""
API_URL_ENV = "PARCOURS_API_URL"
"""Where the HTTP API is, for scripts and curl: ``parcours up`` prints it to export."""
OTHER_VARIABLES = frozenset(
    {SETTINGS_FILE_ENV, "PARCOURS_TEMPORAL_BIN", NEW_MASTER_KEY_ENV, API_URL_ENV}
)
"""Variables parcours reads elsewhere: not settings, yet not typos either."""


ENV_NAMES: dict[str, str] = {
    name: str(field.validation_alias) for name, field in Settings.model_fields.items()
}
"""Attribute name -> environment variable."""


def load_settings(env_file: Path | None = None, **overrides: Any) -> Settings:
    """The settings from the environment, a settings file, and ``overrides`` (by attribute
    name, e.g. ``data_dir=...`` from a command-line option), which win over both.

    ``env_file`` defaults to ``$PARCOURS_SETTINGS_FILE``. Raises ``SettingsError``
    with every problem found.
    """
    unknown = sorted(set(overrides) - set(ENV_NAMES))
    if unknown:  # a programming error, not a user's: fail loudly
        raise TypeError(f"load_settings() got unknown settings {unknown}")
    if env_file is None and os.environ.get(SETTINGS_FILE_ENV):
        env_file = Path(os.environ[SETTINGS_FILE_ENV])
    problems: list[str] = []
    if env_file is not None:
        problems += _file_problems(env_file)
        if problems:
            raise SettingsError(problems)
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as exc:
        raise SettingsError(describe(exc, ENV_NAMES)) from None


def _file_problems(path: Path) -> list[str]:
    if not path.is_file():
        return [f"{SETTINGS_FILE_ENV}: {path} is not a file"]
    known = set(ENV_NAMES.values()) | OTHER_VARIABLES
    unknown = [
        key
        for key in dotenv_values(path)
        if key.upper().startswith(("PARCOURS_", "TEMPORAL_")) and key.upper() not in known
    ]
    return [f"{key} (in {path}): not a parcours setting; a typo?" for key in unknown]
