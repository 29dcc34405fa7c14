"""Every preset, at its defaults, on two seeds, gives the very numbers recorded in
tests/snapshots/presets.json (written by tests/snapshots/preset_digest.py; recorded first on the
commit before the behavioural constants became scenario parameters, which kept every number,
and again when social capital became the 27-item Resource Generator-UK, a deliberate change of
the model). A refactor that moves a constant, reorders an operation or changes a dtype fails here."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "snapshots"
sys.path.insert(0, str(HERE))
from preset_digest import SEEDS, digest  # noqa: E402

EXPECTED = json.loads((HERE / "presets.json").read_text())


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_preset_is_bit_identical_to_its_snapshot(key):
    preset, seed = key.split("/seed")
    got = digest(preset, int(seed))
    want = EXPECTED[key]
    for part in ("series", "citizens", "ties", "costs"):
        diff = sorted(k for k in want[part] if got[part].get(k) != want[part][k])
        assert not diff, f"{key}: {part} differ from the snapshot: {diff}"
        assert set(got[part]) == set(want[part]), f"{key}: {part} columns changed"


def test_every_preset_has_a_snapshot():
    from sim.scenarios.loader import presets
    assert {f"{p}/seed{s}" for p in presets() for s in SEEDS} == set(EXPECTED)
