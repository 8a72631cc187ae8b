"""One demo run shared by the integration tests (it deploys and runs the whole local stack)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cdp.local.demo import DemoResult, run_demo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(ROOT, tmp_path_factory.mktemp("demo"), persons=150, seed=11)
