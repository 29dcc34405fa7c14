"""Pytest hooks and fixtures for the model and CLI tests; helpers live in model_helpers.py."""

import sys
from pathlib import Path

import numpy as np
import pytest

from model_helpers import BELONGING


@pytest.fixture(scope="session")
def belonging_exe() -> Path:
    if not BELONGING.exists():
        pytest.fail(f"{BELONGING} is missing: run scripts/setup.sh --test")
    return BELONGING


def pytest_report_header(config):
    return f"belonging tests: python {sys.version.split()[0]}, numpy {np.__version__}"
