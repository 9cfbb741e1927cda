"""A worker's build (``workers.deployment``): a change of the code a run replays is a new
build, anything else is not; which Temporal can version workers; what a build id may be."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from config import Settings, SettingsError
from config.loading import load_settings
from config.values import MAX_BUILD_ID
from workers.deployment import (
    DEPLOYMENT_NAME,
    ROOT,
    default_build_id,
    deployment_config,
    source_hash,
    unsupported_by,
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the versioned sources, and one other part, to change."""
    for part in ("workflows", "domain", "gateway"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_default_build_is_the_package_version_and_the_sources_hash() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+[^-]*-[0-9a-f]{12}", default_build_id())
    assert default_build_id().endswith(source_hash()[:12])
    assert source_hash(ROOT) == source_hash(ROOT)  # the same tree, the same build


def test_a_change_to_the_workflow_or_the_domain_is_a_new_build(tree: Path) -> None:
    before = source_hash(tree)
    (tree / "gateway" / "services.py").write_text("# not replayed by any run\n")
    (tree / "domain" / "__pycache__").mkdir(exist_ok=True)
    (tree / "domain" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert source_hash(tree) == before
    decided = tree / "domain" / "rules.py"  # any module of the domain
    decided.write_text(decided.read_text() + "\n# one more line\n")
    changed = source_hash(tree)
    assert changed != before
    (tree / "workflows" / "new_module.py").write_text("X = 1\n")
    assert source_hash(tree) not in (before, changed)


def test_a_worker_declares_its_version_with_runs_pinned() -> None:
    config = deployment_config("2027-01-rc1")
    assert config.version.deployment_name == DEPLOYMENT_NAME
    assert config.version.build_id == "2027-01-rc1"
    assert config.use_worker_versioning
    assert config.default_versioning_behavior.name == "PINNED"
    assert deployment_config().version.build_id == default_build_id()


@pytest.mark.parametrize(
    ("server", "supported"),
    [("1.32.0", True), ("1.33.1-rc.2", True), ("2.0.0", True), ("", True), ("cloud", True),
     ("1.28.0", False), ("1.31.2", False)],
)  # fmt: skip
def test_which_servers_can_version_workers(server: str, supported: bool) -> None:
    reason = unsupported_by(server)
    assert (reason is None) is supported
    if reason is not None:
        assert reason == (
            f"Temporal Server {server} has no upgrade on continue-as-new "
            "(Worker Versioning needs 1.32 or later)"
        )


@pytest.mark.parametrize(
    "build_id", ["", " ", "a/b", "-leading", "b c", "é", "x" * (MAX_BUILD_ID + 1)]
)
def test_a_build_id_is_bounded_and_named_when_refused(build_id: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(build_id=build_id)
    assert f"PARCOURS_BUILD_ID: must be 1 to {MAX_BUILD_ID} letters" in str(refused.value)


def test_a_build_id_within_bounds_is_taken_trimmed() -> None:
    assert Settings(build_id=" 0.2.0-abc_1 ").build_id == "0.2.0-abc_1"
    assert Settings(build_id="x" * MAX_BUILD_ID).build_id == "x" * MAX_BUILD_ID
    assert Settings().build_id is None
    assert Settings().worker_versioning
    assert Settings().make_current
