"""Golden test: the warehouse's published numbers equal the generator's ground truth.

The generator computes its truth from the simulated events in Python (never from the files it writes and
never with SQL); the warehouse gets only the extracts, planted defects included, through the real loader
and a real `dbt build` on a throwaway embedded warehouse. Every row of every view the generator knows the
truth for must match: counts exactly, rates and means to 0.01.

The same is asked of the `server` target: the loader parses at the edge and sends rows over HTTP, and dbt
builds through dbt-clickhouse's HTTP transport, against the test ClickHouse server (clickhouse_http.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support import (
    Warehouse, assert_same_rows, assert_view_equals_truth, read_truth, start_clickhouse_server, whole_days,
)

from parebrick.bench.inbox import split_at_last_day

RATE_TOLERANCE = 0.01

# view → (grain columns, exact columns, columns compared to RATE_TOLERANCE)
VIEWS = {
    "v_cc_service_daily": (
        ("report_date", "service_code", "territory_code"),
        ("service_name", "territory_name", "offered", "handled", "abandoned", "short_abandoned",
         "handled_within_sl"),
        ("service_level_pct", "abandon_rate_pct", "asa_sec", "aht_sec"),
    ),
    "v_crm_cms_reconciliation_daily": (
        ("report_date", "service_code"),
        ("service_name", "cms_handled", "crm_call_appeals", "matched", "cms_only", "crm_only"),
        ("match_rate_pct",),
    ),
    "v_appeal_funnel_monthly": (
        ("report_month", "territory_code", "product_code", "service_code"),
        ("active_subscribers", "appealing_customers", "appeals", "handled", "resolved", "resolved_first_contact"),
        ("appeals_per_1000_subscribers", "fcr_pct"),
    ),
}


@pytest.fixture(scope="module")
def generated(sample_extracts: Path) -> Path:
    return sample_extracts


@pytest.fixture(scope="module", params=["local", "server"])
def built(request, sample_warehouse, generated, tmp_path_factory, repo) -> Iterator[Warehouse]:
    """The sample loaded and built on the embedded target (the session's sample warehouse), then on a
    ClickHouse server."""
    if request.param == "local":
        yield sample_warehouse
        return
    root = tmp_path_factory.mktemp("golden_server")
    server = start_clickhouse_server(root / "server-data")
    try:
        warehouse = Warehouse(root, repo, server)
        warehouse.load(generated / "inbox")
        warehouse.dbt("build")
        yield warehouse
    finally:
        server.stop()


def as_text(value, column: str) -> str:
    """A warehouse value as the truth files write it (empty for NULL, a month as YYYY-MM)."""
    if value is None:
        return ""
    if column == "report_month":
        return value.strftime("%Y-%m")
    return str(value)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_view_matches_the_generators_truth(built, generated, view):
    grain, exact, rates = VIEWS[view]
    names, rows = built.rows(f"SELECT * FROM views.{view}")
    assert_view_equals_truth(read_truth(generated / "truth" / f"{view}.csv"), names, rows, grain, exact, rates,
                             as_text, RATE_TOLERANCE)


def national_truth(generated: Path) -> dict[str, dict[str, float | int | None]]:
    """The national daily totals from the truth of v_cc_service_daily: its counts summed over every service
    and territory of a local date, and the rates recomputed from the sums (docs/metrics.md)."""
    counts = ("offered", "handled", "abandoned", "short_abandoned", "handled_within_sl")
    days: dict[str, dict[str, int]] = {}
    for row in read_truth(generated / "truth" / "v_cc_service_daily.csv"):
        day = days.setdefault(row["report_date"], dict.fromkeys(counts, 0))
        for column in counts:
            day[column] += int(row[column])

    def pct(numerator: int, denominator: int) -> float | None:
        return None if denominator == 0 else 100 * numerator / denominator

    return {
        date: {
            **day,
            "service_level_pct": pct(day["handled_within_sl"], day["offered"] - day["short_abandoned"]),
            "abandon_rate_pct": pct(day["abandoned"] - day["short_abandoned"], day["offered"] - day["short_abandoned"]),
            "sl_only_handled_pct": pct(day["handled_within_sl"], day["handled"]),
            "sl_negative_abandon_pct": pct(day["handled_within_sl"], day["offered"]),
        }
        for date, day in days.items()
    }


def test_national_daily_totals_match_the_sums_of_the_truth(built, generated):
    """v_cc_national_daily, which `parebrick summary` reads its headline from, sums the service view's truth."""
    truth = national_truth(generated)
    names, rows = built.rows("SELECT * FROM views.v_cc_national_daily")
    got = {str(row[names.index("report_date")]): dict(zip(names, row)) for row in rows}
    assert truth and sorted(got) == sorted(truth)
    mismatches = []
    for date, expected in truth.items():
        for column, want in expected.items():
            have = got[date][column]
            if column.endswith("_pct"):
                if (want is None) != (have is None) or (want is not None and abs(want - have) > RATE_TOLERANCE):
                    mismatches.append((date, column, want, have))
            elif have != want:
                mismatches.append((date, column, want, have))
    assert mismatches == [], f"{len(mismatches)} mismatches, first: {mismatches[:10]}"
    whole = whole_days({date: day["offered"] for date, day in truth.items()})
    assert {date for date, row in got.items() if row["is_whole_day"]} == whole
    assert len(whole) < len(truth), "the sample's edges hold partial days (else the flag is not exercised)"


def test_the_summary_headline_is_the_national_view(built, generated):
    """`parebrick summary` prints the latest full day's national totals as the view publishes them."""
    result = built.run("parebrick", "summary", "--target", built.target)
    headline = next(line for line in result.output.splitlines() if line.startswith("Latest full day "))
    day = headline.split()[3].rstrip(":")
    truth = national_truth(generated)
    assert day == max(whole_days({date: row["offered"] for date, row in truth.items()})), headline
    expected = truth[day]
    for label, column in (("offered", "offered"), ("handled", "handled"), ("abandoned", "abandoned")):
        assert f"{label} {expected[column]:,}".replace(",", " ") in headline, headline
    assert f"service level {expected['service_level_pct']:.1f} %" in headline, headline


def test_every_planted_defect_left_the_numbers_right(built):
    """Rows read = loaded + rejected for every batch, and the quarantine holds the malformed rows."""
    _, rows = built.rows(
        "SELECT batch_id, any(rows_read), any(rows_loaded), any(rows_rejected) FROM raw.load_batches "
        "WHERE status = 'committed' GROUP BY batch_id"
    )
    assert rows and all(read == loaded + rejected for _, read, loaded, rejected in rows)
    _, rejected = built.rows("SELECT count() FROM raw.load_rejected_rows")
    assert rejected[0][0] > 0


def test_an_incremental_day_equals_a_full_refresh(generated, tmp_path_factory, repo):
    inbox = generated / "inbox"
    first_part = tmp_path_factory.mktemp("first_part") / "inbox"
    split_at_last_day(inbox, first_part)

    incremental = Warehouse(tmp_path_factory.mktemp("incremental"), repo)
    incremental.load(first_part)
    incremental.dbt("build")
    incremental.load(inbox)
    incremental.dbt("run")

    full = Warehouse(tmp_path_factory.mktemp("full"), repo)
    full.load(inbox)
    full.dbt("seed")
    full.dbt("run", "--full-refresh")

    for relation, order in (
        ("detail.dtl_cms__contacts", "node_id, profile_id, session_id"),
        ("detail.dtl_crm__appeals", "appeal_id"),
        ("detail.dtl_wfm__forecast_intervals", "service_code, territory_code, interval_start"),
        ("detail.dtl_wfm__operator_days", "report_date, operator_login"),
        ("detail.dtl_wfm__operator_intervals", "operator_login, interval_start"),
        ("detail.dtl_cms__agent_legs",
         "node_id, profile_id, session_id, session_seq_num, resource_id, started_at, q_index"),
        ("detail.dtl_brm__subscriber_months", "account_id, report_month"),
        ("detail.dtl_cms__chats", "chat_id"),
        ("detail.dtl_crm__campaign_members", "campaign_id, customer_id"),
        ("views.v_appeal_funnel_monthly", "report_month, territory_code, product_code, service_code"),
        ("views.v_cc_service_daily", "report_date, service_code, territory_code"),
        ("views.v_cc_national_daily", "report_date"),
        ("views.v_crm_cms_reconciliation_daily", "report_date, service_code"),
        # the aggregates that rebuild only the months the build's detail rows touched (rebuilt_months)
        ("aggregate.agg_cc__service_interval", "report_date, service_code, territory_code, interval_start"),
        ("aggregate.agg_cc__service_daily", "report_date, service_code, territory_code"),
        ("aggregate.agg_cc__service_monthly", "report_month, service_code, territory_code"),
        ("aggregate.agg_cc__reconciliation_daily", "report_date, service_code"),
        ("aggregate.agg_cc__scorecard_monthly", "report_month, level_order, member, parent"),
        ("aggregate.agg_cms__chats_daily", "report_date, service_code, territory_code, channel"),
        ("aggregate.agg_crm__appeal_funnel_monthly", "report_month, territory_code, product_code, service_code"),
        ("aggregate.agg_wfm__staffing_interval", "report_date, service_code, territory_code, interval_start"),
    ):
        # build_id names the build that wrote a row and loaded_at when its extract was loaded: they differ
        # between the two warehouses by design
        columns = "* EXCEPT (build_id)" if relation.startswith("detail.") else "*"
        if relation in ("detail.dtl_brm__subscriber_months", "detail.dtl_cms__chats", "detail.dtl_crm__appeals"):
            columns = "* EXCEPT (build_id, loaded_at)"
        if relation == "detail.dtl_crm__campaign_members":
            columns = ("* EXCEPT (build_id, member_loaded_at, campaign_loaded_at, communications_loaded_at, "
                       "accounts_loaded_at)")
        assert_same_rows(incremental, full, relation, columns, order)

    # the campaign members' run rewrote the members whose inputs changed, not every member
    _, builds = incremental.rows("SELECT build_id, count() FROM detail.dtl_crm__campaign_members GROUP BY build_id")
    assert len(builds) == 2, builds


def test_a_build_tests_what_it_changed_and_dbt_test_tests_everything(generated, tmp_path_factory, repo):
    """An old defect is left to `dbt test`; a defect in the newly loaded day fails the build itself."""
    inbox = generated / "inbox"
    first_part = tmp_path_factory.mktemp("scope_first_part") / "inbox"
    split_at_last_day(inbox, first_part)
    window = ["--vars", "{lookback_days: 1}"]  # so that the first day lies outside the rebuilt window

    warehouse = Warehouse(tmp_path_factory.mktemp("scope"), repo)
    warehouse.load(first_part)
    warehouse.dbt("build", *window)
    # An old contact delivered twice: a row of the first day, copied as it stands (same build_id).
    warehouse.execute(
        "INSERT INTO detail.dtl_cms__contacts SELECT * FROM detail.dtl_cms__contacts "
        "WHERE report_date = (SELECT min(report_date) FROM detail.dtl_cms__contacts) LIMIT 1")

    warehouse.load(inbox)
    new_batches = ("SELECT batch_id FROM raw.committed_batches "
                   "WHERE committed_at > (SELECT max(finished_at) FROM audit.dbt_builds)")
    # A call leg of the new day with a contact type the dictionary does not know.
    warehouse.execute(
        "ALTER TABLE raw.cms__uccx_contact_call_detail UPDATE contactType = 9 WHERE (sessionID, sessionSeqNum) = "
        f"(SELECT sessionID, sessionSeqNum FROM raw.cms__uccx_contact_call_detail WHERE _batch_id IN ({new_batches}) "
        "ORDER BY sessionID, sessionSeqNum LIMIT 1)", settings={"mutations_sync": 2})

    build = warehouse.run("dbt", "build", *window, *warehouse.dbt_flags, ok=False)
    assert build.returncode != 0
    failed = failed_tests(build.output)
    assert failed == {"relationships_stg_cms__contact_call_detail_contact_type__contact_type__ref_dim_cms_contact_types_"}

    test = warehouse.run("dbt", "test", "--select", "dtl_cms__contacts", *warehouse.dbt_flags, ok=False)
    assert failed_tests(test.output) == {"unique_combination_dtl_cms__contacts_node_id__profile_id__session_id"}

    _, builds = warehouse.rows("SELECT command, whole_project, failures > 0 FROM audit.dbt_builds ORDER BY started_at")
    assert builds == [("build", True, False), ("build", True, True), ("test", False, True)]


def failed_tests(output: str) -> set[str]:
    """Names of the tests dbt reports as failed in its summary."""
    return {line.split("Failure in test ", 1)[1].split(" (", 1)[0]
            for line in output.splitlines() if "Failure in test " in line}


def account_version(account_id, customer, territory, product, tariff: str, activated: str, deactivated: str,
                    status: str, updated: datetime) -> str:
    """One line of a billing accounts extract: a version of the account dated a day after `updated`."""
    later = (updated + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{account_id},{customer},{territory},{product},{tariff},{activated},{deactivated},{status},{later}\n"


def accounts_delivery(tmp_path_factory, lines: list[str]) -> Path:
    """An inbox holding one accounts delta file with these lines."""
    inbox = tmp_path_factory.mktemp("accounts_delta") / "inbox"
    folder = inbox / "brm" / "accounts"
    folder.mkdir(parents=True)
    (folder / "accounts_20990101_delta.csv").write_text(
        "account_id,customer_id,territory_code,product_code,tariff_code,activated_at,deactivated_at,status,"
        "updated_at\n" + "".join(lines))
    return inbox


def test_the_tariff_snapshot_records_every_new_version_however_billing_dated_it(generated, tmp_path_factory, repo):
    """The snapshot reads only recently delivered accounts; a late version dated before others still counts.

    The freshest account and the stalest one each get a new tariff in a later delivery. The stalest one's new
    version is dated long before the newest version the snapshot holds: it is recorded all the same, because
    the snapshot selects accounts by delivery, not by billing date. Every other account keeps one version.
    """
    warehouse = Warehouse(tmp_path_factory.mktemp("tariffs"), repo)
    warehouse.load(generated / "inbox")
    warehouse.dbt("run", "--select", "+snp_brm__account_tariffs")  # the staging views it reads
    warehouse.dbt("snapshot", "--select", "snp_brm__account_tariffs")
    _, accounts = warehouse.rows(
        "SELECT account_id, customer_id, territory_code, product_code, activated_at, status, updated_at "
        "FROM staging.stg_brm__accounts WHERE deactivated_at IS NULL ORDER BY updated_at, account_id")
    stalest, freshest = accounts[0], accounts[-1]
    assert stalest[6] + timedelta(days=1) < freshest[6]

    def version(account: tuple, tariff: str) -> str:
        account_id, customer, territory, product, activated, status, updated = account
        return account_version(account_id, customer, territory, product, tariff, f"{activated:%Y-%m-%d}", "",
                               status, updated)

    delta = accounts_delivery(tmp_path_factory, [version(stalest, "late_t9"), version(freshest, "fresh_t9")])
    assert warehouse.load(delta).returncode == 0
    warehouse.dbt("snapshot", "--select", "snp_brm__account_tariffs")

    _, versions = warehouse.rows(
        "SELECT account_id, groupArray(tariff_code) FROM (SELECT account_id, tariff_code "
        "FROM snapshots.snp_brm__account_tariffs ORDER BY dbt_valid_from) GROUP BY account_id")
    changed = {account: tariffs for account, tariffs in versions if len(tariffs) > 1}
    assert set(changed) == {stalest[0], freshest[0]}
    assert changed[stalest[0]][-1] == "late_t9" and changed[freshest[0]][-1] == "fresh_t9"
    _, current = warehouse.rows(
        "SELECT count(), countIf(dbt_valid_to IS NULL) FROM snapshots.snp_brm__account_tariffs")
    _, staged = warehouse.rows("SELECT count() FROM staging.stg_brm__accounts")
    assert current[0] == (staged[0][0] + 2, staged[0][0])


def test_an_account_left_without_months_loses_them_in_the_next_incremental_run(generated, tmp_path_factory, repo):
    """A new version can leave an account no active month at all: its activation cancelled, or its
    deactivation moved before the calendar's first month. The next incremental run removes the months it
    had, as a full refresh would; an account whose deactivation only moved earlier keeps the months before."""
    warehouse = Warehouse(tmp_path_factory.mktemp("months"), repo)
    warehouse.load(generated / "inbox")
    warehouse.dbt("seed")
    warehouse.dbt("run", "--select", "+dtl_brm__subscriber_months")
    _, accounts = warehouse.rows(
        "SELECT account_id, customer_id, territory_code, product_code, tariff_code, activated_at, status, "
        "updated_at FROM staging.stg_brm__accounts WHERE account_id IN (SELECT account_id "
        "FROM detail.dtl_brm__subscriber_months GROUP BY account_id HAVING count() >= 2) ORDER BY account_id "
        "LIMIT 3")
    cancelled, before_calendar, shortened = accounts
    _, months = warehouse.rows("SELECT min(report_month), max(report_month) FROM detail.dtl_brm__subscriber_months")
    first_month, last_month = months[0]

    def version(account: tuple, activated: str, deactivated: str) -> str:
        account_id, customer, territory, product, tariff, _, status, updated = account
        return account_version(account_id, customer, territory, product, tariff or "", activated, deactivated,
                               status, updated)

    delta = accounts_delivery(tmp_path_factory, [
        version(cancelled, "", ""),
        version(before_calendar, "2001-01-01", "2001-06-01"),
        version(shortened, f"{first_month:%Y-%m-%d}", f"{first_month:%Y-%m-%d}"),
    ])
    assert warehouse.load(delta).returncode == 0
    assert first_month < last_month

    warehouse.dbt("run", "--select", "dtl_brm__subscriber_months")
    sql = ("SELECT * EXCEPT (build_id, loaded_at) FROM detail.dtl_brm__subscriber_months "
           "ORDER BY account_id, report_month")
    _, incremental = warehouse.rows(sql)
    _, kept = warehouse.rows(
        "SELECT account_id, groupArray(report_month) FROM detail.dtl_brm__subscriber_months "
        f"WHERE account_id IN ({cancelled[0]}, {before_calendar[0]}, {shortened[0]}) GROUP BY account_id")
    assert dict(kept) == {shortened[0]: [first_month]}
    warehouse.dbt("run", "--full-refresh", "--select", "dtl_brm__subscriber_months")
    _, full = warehouse.rows(sql)
    assert incremental == full
