"""Where this machine keeps the app's files: databases, keys, checkpoint logs, logs, backups."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "RSO Manager"
DATA_DIR_ENV = "RSO_MANAGER_DATA_DIR"
DB_NAME = "rso-manager.db"
DEMO_DB_NAME = "rso-manager-demo.db"


def _platform() -> PlatformDirs:
    return PlatformDirs(APP_NAME, "RSO Manager", ensure_exists=True)


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        path = Path(override)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return _platform().user_data_path


def log_dir() -> Path:
    if os.environ.get(DATA_DIR_ENV):
        path = data_dir() / "logs"
        path.mkdir(exist_ok=True)
        return path
    return _platform().user_log_path
