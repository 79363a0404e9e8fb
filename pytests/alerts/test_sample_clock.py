"""`alerts send --as-of-sample`: the clock is the as_of of the smart truth a sample's manifest lists, in UTC;
a manifest that lists none is one line, not a traceback."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from parebrick.alerts.sample_clock import SampleClockError, sample_as_of


def test_the_clock_is_the_as_of_of_the_smart_truth_the_manifest_lists(tmp_path: Path):
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "planted.json").write_text(json.dumps({"as_of": "2025-02-10 00:00:15"}), encoding="utf-8")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"truth": {"smart_planted": "truth/planted.json"}}), encoding="utf-8")
    assert sample_as_of(manifest) == datetime(2025, 2, 10, 0, 0, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize("manifest_text", ['{"truth": {}}', "not json", '{"truth": {"smart_planted": "missing.json"}}'])
def test_a_manifest_without_a_monitoring_as_of_is_refused_in_one_line(tmp_path: Path, manifest_text: str):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(manifest_text, encoding="utf-8")
    with pytest.raises(SampleClockError, match="no monitoring as-of moment") as raised:
        sample_as_of(manifest)
    assert "\n" not in str(raised.value)
