"""read_view: the published views as DataFrames, and nothing below them."""

from __future__ import annotations

import pytest

from parebrick.analyses import PublishedViewError, read_view


@pytest.fixture
def on_sample(sample_warehouse, monkeypatch: pytest.MonkeyPatch):
    """The profile's `local` target pointed at the sample warehouse, as a notebook's kernel sees it."""
    monkeypatch.setenv("PAREBRICK_WAREHOUSE", str(sample_warehouse.path))
    monkeypatch.delenv("DBT_TARGET", raising=False)
    return sample_warehouse


def test_a_view_reads_as_its_rows_with_parameters(on_sample) -> None:
    names, rows = on_sample.rows("SELECT report_date, offered FROM views.v_cc_national_daily ORDER BY report_date")
    first = rows[0][0]
    frame = read_view("v_cc_national_daily", columns=["report_date", "offered"], where="report_date > {day:Date}",
                      parameters={"day": first}, order_by="report_date")
    assert list(frame.columns) == ["report_date", "offered"]
    assert [(d.date(), o) for d, o in frame.itertuples(index=False)] == rows[1:]


def test_a_table_of_another_layer_is_refused(on_sample) -> None:
    with pytest.raises(PublishedViewError, match="not a published view"):
        read_view("dtl_cms__contacts")
    with pytest.raises(PublishedViewError, match="not a plain view or column name"):
        read_view("detail.dtl_cms__contacts")


def test_an_unknown_column_is_named(on_sample) -> None:
    with pytest.raises(PublishedViewError, match="has no column nonsense"):
        read_view("v_cc_national_daily", columns=["report_date", "nonsense"])


def test_the_target_comes_from_dbt_target(on_sample, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel started by `parebrick analyses --target X` reads X: here a target the profile lacks."""
    from parebrick.profile import ProfileError

    monkeypatch.setenv("DBT_TARGET", "nowhere")
    with pytest.raises(ProfileError, match="no target 'nowhere'"):
        read_view("v_cc_national_daily")
