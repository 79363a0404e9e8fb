"""The dictionaries (dbt seeds of group `dim`): files, YAML properties and the facts the data must hold.

These tests read the CSV files and their YAML directly, with no warehouse, so a broken dictionary fails in
seconds and names the row. The build of the same seeds on the embedded warehouse is in test_seed_build.py.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
DIM = SEEDS / "dim"

SEED_FILES = sorted(SEEDS.rglob("*.csv"))
SEED_NAMES = [path.stem for path in SEED_FILES]

EXPECTED_SEEDS = {
    "dim_territories", "dim_services", "dim_products", "dim_cms_queue_map", "dim_cms_contact_types",
    "dim_cms_contact_dispositions", "dim_cms_queue_dispositions", "dim_calendar",
    "dim_saas_tariffs", "dim_saas_prices", "dim_saas_size_buckets", "dim_saas_roles", "dim_saas_industries",
    "dim_smart_cabinets",
}

# Columns other code reads by name (the sample-data generator, the models). Columns may be added at the end,
# never renamed or reordered.
FIXED_COLUMNS = {
    "dim_territories": ["territory_code", "territory_name", "territory_name_en", "region_code", "region_name",
                        "macro_region_code", "macro_region_name", "utc_offset_hours", "timezone"],
    "dim_services": ["service_code", "service_name", "service_name_en", "segment", "description"],
    "dim_products": ["product_code", "product_name", "product_name_en", "product_family", "segment"],
    "dim_cms_queue_map": ["csq_id", "csq_name", "service_code", "territory_code", "service_level_sec",
                          "description"],
    "dim_cms_contact_types": ["contact_type", "contact_type_name", "contact_type_name_ru"],
    "dim_cms_contact_dispositions": ["contact_disposition", "contact_disposition_name",
                                     "contact_disposition_name_ru"],
    "dim_cms_queue_dispositions": ["queue_disposition", "queue_disposition_name", "queue_disposition_name_ru",
                                   "outcome"],
    "dim_calendar": ["calendar_date", "year", "month", "day_of_month", "iso_year", "iso_week", "day_of_week",
                     "is_weekend", "is_public_holiday", "is_working_day", "is_shortened_day", "day_type",
                     "holiday_name"],
    "dim_saas_tariffs": ["billing_tariff_id", "tariff_name", "tariff_group"],
    "dim_saas_prices": ["billing_tariff_price_id", "billing_tariff_id", "price_rub", "months", "valid_from"],
    "dim_saas_size_buckets": ["employer_count_interval", "size_bucket"],
    "dim_saas_roles": ["role_id", "role_name"],
    "dim_saas_industries": ["working_direction", "industry"],
    "dim_smart_cabinets": ["cabinet", "distributor", "branch", "high_priority_mailbox", "usage_mailbox", "is_branch"],
}

KEYS = {
    "dim_territories": "territory_code", "dim_services": "service_code", "dim_products": "product_code",
    "dim_cms_queue_map": "csq_id", "dim_cms_contact_types": "contact_type",
    "dim_cms_contact_dispositions": "contact_disposition", "dim_cms_queue_dispositions": "queue_disposition",
    "dim_calendar": "calendar_date",
    # a composite key: one row per component and service ('*' the component's default)
    "dim_scorecard_targets": ("component", "service_code"),
    "dim_saas_tariffs": "billing_tariff_id", "dim_saas_prices": "billing_tariff_price_id",
    "dim_saas_size_buckets": "employer_count_interval", "dim_saas_roles": "role_id",
    "dim_saas_industries": "working_direction", "dim_saas_defects": ("extract", "defect"),
    "dim_smart_cabinets": "cabinet",
}

REQUIRED_META = {
    "owner": "contact-center-analytics",
    "source_group": "dim",
    "refresh": "on change (pull request)",
    "retention": "permanent",
}

INT_RANGES = {
    "UInt8": (0, 2**8 - 1), "UInt16": (0, 2**16 - 1), "UInt32": (0, 2**32 - 1),
    "Int8": (-(2**7), 2**7 - 1), "Int16": (-(2**15), 2**15 - 1), "Int32": (-(2**31), 2**31 - 1),
}
STRING_TYPES = {"String", "LowCardinality(String)"}
CYRILLIC = re.compile("[А-Яа-яЁё]")


@cache
def read_seed(name: str) -> tuple[list[str], list[dict[str, str]]]:
    (path,) = [p for p in SEED_FILES if p.stem == name]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def rows(name: str) -> list[dict[str, str]]:
    return read_seed(name)[1]


def key_columns(name: str) -> tuple[str, ...]:
    """The columns of a seed's key (most have one)."""
    key = KEYS[name]
    return (key,) if isinstance(key, str) else key


@cache
def folder_meta(name: str) -> dict:
    """The meta a seed's folder declares for it in dbt_project.yml (`seeds: parebrick: <folder>: +meta`)."""
    (path,) = [p for p in SEED_FILES if p.stem == name]
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))
    folder = project["seeds"]["parebrick"].get(path.parent.name) or {}
    return folder.get("+meta") or {}


def seed_properties(name: str) -> dict:
    (path,) = [p for p in SEED_FILES if p.stem == name]
    document = yaml.safe_load(path.with_suffix(".yml").read_text(encoding="utf-8"))
    assert document.get("version") == 2, f"{path.with_suffix('.yml').name}: version: 2"
    entries = [seed for seed in document.get("seeds", []) if seed.get("name") == name]
    assert len(entries) == 1, f"{name}.yml must describe seed {name} exactly once"
    return entries[0]


def is_english(text: str) -> bool:
    """English prose; Russian terms may appear as examples or glosses, not as the text itself."""
    letters = [char for char in text if char.isalpha()]
    cyrillic = sum(bool(CYRILLIC.match(char)) for char in letters)
    return len(re.findall(r"[A-Za-z]{3,}", text)) >= 3 and cyrillic <= 0.5 * len(letters)


def as_date(text: str) -> date:
    return date.fromisoformat(text)


# --- every seed: file format and YAML --------------------------------------------------------------------


def test_the_dim_seeds_are_all_there():
    assert EXPECTED_SEEDS <= set(SEED_NAMES)
    assert len(SEED_NAMES) == len(set(SEED_NAMES)), "seed names are unique across folders"


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_NAMES)
def test_csv_is_utf8_lf_without_bom_and_minimally_quoted(path):
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert b"\r" not in raw, "LF line endings only"
    assert raw.endswith(b"\n") and not raw.endswith(b"\n\n"), "one newline at the end, no blank lines"
    text = raw.decode("utf-8")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    widths = {len(row) for row in parsed}
    assert widths == {len(parsed[0])}, "every row has as many fields as the header"
    rewritten = io.StringIO()
    csv.writer(rewritten, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(parsed)
    assert rewritten.getvalue() == text, "fields are quoted only where needed"
    for row in parsed:
        for field in row:
            assert field == field.strip(), f"no leading or trailing blanks: {field!r}"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_fixed_columns_come_first_and_are_not_renamed(name):
    header, _ = read_seed(name)
    fixed = FIXED_COLUMNS.get(name)
    if fixed:
        assert header[: len(fixed)] == fixed
    assert len(header) == len(set(header))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", column) for column in header), "snake_case column names"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_yaml_types_and_describes_exactly_the_csv_columns(name):
    header, _ = read_seed(name)
    seed = seed_properties(name)
    assert len(seed.get("description", "").strip()) > 80, "the seed says what it is, who keeps it, when to change it"
    config = seed.get("config", {})
    column_types = config.get("column_types", {})
    assert list(column_types) == header, "column_types covers exactly the CSV columns, in order"
    # as dbt merges it: the folder's owner and source group, then the seed's own keys
    meta = {**folder_meta(name), **config.get("meta", {})}
    for key, value in REQUIRED_META.items():
        assert meta.get(key) == value, f"config.meta.{key}"
    described = {column["name"]: column.get("description", "") for column in seed.get("columns", [])}
    assert list(described) == header, "every CSV column is described, in order, and nothing else"
    for column, description in described.items():
        assert description and description.strip(), f"{column} has a description"
        assert is_english(description), f"{column}: descriptions are in English (Russian only in examples)"
    assert is_english(seed["description"])


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_value_fits_its_declared_clickhouse_type(name):
    _, data = read_seed(name)
    column_types = seed_properties(name)["config"]["column_types"]
    for line, row in enumerate(data, start=2):
        for column, ch_type in column_types.items():
            value = row[column]
            where = f"{name} line {line} {column}={value!r}"
            if ch_type in INT_RANGES:
                low, high = INT_RANGES[ch_type]
                assert re.fullmatch(r"-?\d+", value), where
                assert low <= int(value) <= high, where
            elif ch_type == "Bool":
                assert value in {"0", "1"}, where
            elif ch_type == "Date":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), where
                as_date(value)
            elif ch_type == "Float64":
                assert re.fullmatch(r"-?\d+(\.\d+)?", value), where
            else:
                assert ch_type in STRING_TYPES, f"{name}.{column}: unexpected type {ch_type}"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_key_is_unique_and_present(name):
    values = [tuple(row[column] for column in key_columns(name)) for row in rows(name)]
    assert all(all(value) for value in values)
    duplicates = [value for value, count in Counter(values).items() if count > 1]
    assert not duplicates


@pytest.mark.parametrize("name", SEED_NAMES)
def test_key_has_unique_and_not_null_data_tests(name):
    seed = seed_properties(name)
    columns = {column["name"]: column for column in seed["columns"]}
    key = key_columns(name)
    for column in key:
        assert "not_null" in columns[column].get("data_tests", []), f"{column} has not_null"
    if len(key) == 1:
        assert "unique" in columns[key[0]].get("data_tests", [])
    else:
        combinations = [test["unique_combination"]["arguments"]["columns"] for test in seed.get("data_tests", [])
                        if isinstance(test, dict) and "unique_combination" in test]
        assert list(key) in combinations, f"a unique_combination test on {key}"


def test_queue_map_has_relationship_tests_to_services_and_territories():
    columns = {column["name"]: column for column in seed_properties("dim_cms_queue_map")["columns"]}
    for column, target in (("service_code", "dim_services"), ("territory_code", "dim_territories")):
        relationships = [test["relationships"] for test in columns[column]["data_tests"]
                         if isinstance(test, dict) and "relationships" in test]
        assert relationships == [{"arguments": {"to": f"ref('{target}')", "field": column}}]


# --- territories ---------------------------------------------------------------------------------------


def test_territory_codes_and_names():
    for row in rows("dim_territories"):
        assert re.fullmatch(r"[A-Z]{2,6}", row["territory_code"]), row
        assert re.fullmatch(r"RU-[A-Z]{2,3}", row["region_code"]), row
        for column in ("territory_name", "region_name", "macro_region_name"):
            assert CYRILLIC.search(row[column]), (column, row)
        assert row["territory_name"].endswith("филиал")
        assert row["macro_region_name"].startswith("МРФ ")


def test_territory_hierarchy_is_a_tree():
    region_parent, region_name, macro_name = {}, {}, {}
    for row in rows("dim_territories"):
        for mapping, key, value in (
            (region_parent, row["region_code"], row["macro_region_code"]),
            (region_name, row["region_code"], row["region_name"]),
            (macro_name, row["macro_region_code"], row["macro_region_name"]),
        ):
            assert mapping.setdefault(key, value) == value, f"{key} has one parent and one name"
    assert len(set(region_name.values())) == len(region_name)
    assert len(set(macro_name.values())) == len(macro_name)


def test_territory_offsets_match_their_iana_zones():
    zones = available_timezones()
    now = datetime.now(timezone.utc)
    for row in rows("dim_territories"):
        offset = int(row["utc_offset_hours"])
        assert 2 <= offset <= 10, row
        assert row["timezone"] in zones, row
        zone_offset = now.astimezone(ZoneInfo(row["timezone"])).utcoffset()
        assert zone_offset == timedelta(hours=offset), row
        # No daylight-saving time in Russia since 2014: the offset is the same all year round.
        for month in (1, 7):
            assert datetime(now.year, month, 15, tzinfo=ZoneInfo(row["timezone"])).utcoffset() == zone_offset


def test_territories_span_kaliningrad_to_vladivostok():
    offsets = {row["territory_code"]: int(row["utc_offset_hours"]) for row in rows("dim_territories")}
    expected = {"KGD": 2, "SPB": 3, "MSK": 3, "SAM": 4, "EKB": 5, "OMS": 6, "NSK": 7, "KRS": 7, "IRK": 8,
                "CHT": 9, "KHV": 10, "VVO": 10, "KRD": 3, "ROV": 3}
    assert {code: offsets.get(code) for code in expected} == expected
    assert set(range(2, 11)) <= set(offsets.values()), "every offset from +2 to +10 has a branch"
    assert 16 <= len(offsets) <= 20


# --- services, products, code tables ----------------------------------------------------------------------


def test_services():
    data = rows("dim_services")
    assert {row["segment"] for row in data} <= {"b2c", "b2b", "all"}
    assert {"b2c_support", "b2b_support", "tech_l1", "tech_l2", "sales", "retention", "collections",
            "vip"} <= {row["service_code"] for row in data}
    for row in data:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", row["service_code"]), row
        assert CYRILLIC.search(row["service_name"]) and not CYRILLIC.search(row["service_name_en"]), row
        assert row["description"].endswith("."), row


def test_products():
    data = rows("dim_products")
    assert {row["product_family"] for row in data} == {"connectivity", "tv", "mobile", "voice", "smart",
                                                        "equipment"}
    assert {row["segment"] for row in data} == {"b2c", "b2b"}
    for row in data:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", row["product_code"]), row
        assert CYRILLIC.search(row["product_name"]) and not CYRILLIC.search(row["product_name_en"]), row


def test_uccx_code_tables_hold_the_uccx_codes():
    assert {row["contact_type"]: row["contact_type_name"] for row in rows("dim_cms_contact_types")} == {
        "1": "Incoming", "2": "Outgoing", "3": "Internal", "4": "Redirect in", "5": "Transfer in",
        "6": "Preview outbound"}
    assert {row["contact_disposition"]: row["contact_disposition_name"]
            for row in rows("dim_cms_contact_dispositions")} == {
        "1": "Abandoned", "2": "Handled", "3": "Do not care", "4": "Aborted", "5": "Rejected"}
    queue = {row["queue_disposition"]: (row["queue_disposition_name"], row["outcome"])
             for row in rows("dim_cms_queue_dispositions")}
    assert queue == {"1": ("Abandoned", "abandoned"), "2": ("Handled", "handled"), "3": ("Dequeued", "other"),
                     "4": ("Handled by script", "other"), "5": ("Handled by another queue", "other")}
    for name in ("dim_cms_contact_types", "dim_cms_contact_dispositions", "dim_cms_queue_dispositions"):
        (ru_column,) = [column for column in read_seed(name)[0] if column.endswith("_name_ru")]
        assert all(CYRILLIC.search(row[ru_column]) for row in rows(name))


# --- queue map --------------------------------------------------------------------------------------------


def test_queue_map_points_at_known_services_and_territories():
    services = {row["service_code"] for row in rows("dim_services")}
    territories = {row["territory_code"] for row in rows("dim_territories")}
    data = rows("dim_cms_queue_map")
    assert 40 <= len(data) <= 60
    for row in data:
        assert row["service_code"] in services, row
        assert row["territory_code"] in territories, row
    assert {row["service_code"] for row in data} == services, "every service has a queue"
    assert {row["territory_code"] for row in data} == territories, "every territory has a queue"


def test_queue_map_names_and_thresholds():
    data = rows("dim_cms_queue_map")
    names = [row["csq_name"] for row in data]
    assert len(names) == len(set(names))
    pairs = Counter((row["service_code"], row["territory_code"]) for row in data)
    assert max(pairs.values()) == 1, "one queue per service and territory"
    for row in data:
        assert re.fullmatch(r"CSQ_[A-Z0-9_]+", row["csq_name"]) and len(row["csq_name"]) <= 50, row
        assert row["csq_name"].endswith("_" + row["territory_code"]), row
        assert 5 <= int(row["service_level_sec"]) <= 300, row
    by_service = {}
    for row in data:
        by_service.setdefault(row["service_code"], set()).add(int(row["service_level_sec"]))
    # The targets are ordered by the kind of line: VIP fastest, collections slowest.
    ladder = ["vip", "b2c_support", "tech_l1", "collections"]
    for faster, slower in zip(ladder, ladder[1:]):
        assert max(by_service[faster]) < min(by_service[slower]), (faster, slower)
    national = [row for row in data if row["is_national"] == "1"]
    assert national and len(national) < len(data)


# --- calendar ---------------------------------------------------------------------------------------------

FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2026, 12, 31)

# Labour Code art. 112: the non-working public holidays.
HOLIDAYS = {
    (1, 1): "Новогодние каникулы", (1, 2): "Новогодние каникулы", (1, 3): "Новогодние каникулы",
    (1, 4): "Новогодние каникулы", (1, 5): "Новогодние каникулы", (1, 6): "Новогодние каникулы",
    (1, 7): "Рождество Христово", (1, 8): "Новогодние каникулы", (2, 23): "День защитника Отечества",
    (3, 8): "Международный женский день", (5, 1): "Праздник Весны и Труда", (5, 9): "День Победы",
    (6, 12): "День России", (11, 4): "День народного единства",
}

# The government decrees on transferring days off (and art. 112's own transfer of a holiday on a weekend).
WORKING_WEEKENDS = {date(2024, 4, 27), date(2024, 11, 2), date(2024, 12, 28), date(2025, 11, 1)}
WEEKDAYS_OFF = {
    date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 10), date(2024, 12, 30), date(2024, 12, 31),
    date(2025, 5, 2), date(2025, 5, 8), date(2025, 6, 13), date(2025, 11, 3), date(2025, 12, 31),
    date(2026, 1, 9), date(2026, 3, 9), date(2026, 5, 11), date(2026, 12, 31),
}

# Official totals of the production calendar for a five-day 40-hour week.
WORKING_DAYS = {2024: 248, 2025: 247, 2026: 247}
WORKING_HOURS_40H = {2024: 1979, 2025: 1972, 2026: 1972}


@cache
def calendar() -> dict[date, dict[str, str]]:
    return {as_date(row["calendar_date"]): row for row in rows("dim_calendar")}


def flag(row: dict[str, str], column: str) -> bool:
    return row[column] == "1"


def test_calendar_is_complete_and_gap_free():
    dates = [as_date(row["calendar_date"]) for row in rows("dim_calendar")]
    assert dates == sorted(dates)
    assert dates[0] == FIRST_DAY and dates[-1] == LAST_DAY
    assert len(dates) == (LAST_DAY - FIRST_DAY).days + 1


def test_calendar_date_parts():
    for day, row in calendar().items():
        iso_year, iso_week, iso_weekday = day.isocalendar()
        assert [int(row[column]) for column in ("year", "month", "day_of_month", "iso_year", "iso_week",
                                                  "day_of_week")] == [
            day.year, day.month, day.day, iso_year, iso_week, iso_weekday], day
        assert flag(row, "is_weekend") == (iso_weekday >= 6), day


def test_every_public_holiday_is_listed_and_nothing_else():
    for day, row in calendar().items():
        expected = HOLIDAYS.get((day.month, day.day), "")
        assert flag(row, "is_public_holiday") == bool(expected), day
        assert row["holiday_name"] == expected, day
        if expected:
            assert not flag(row, "is_working_day"), day
    for year in WORKING_DAYS:
        assert sum(flag(calendar()[date(year, m, d)], "is_public_holiday") for m, d in HOLIDAYS) == 14


def test_transfers_follow_the_decrees():
    transferred_working = {day for day, row in calendar().items()
                           if flag(row, "is_weekend") and flag(row, "is_working_day")}
    transferred_off = {day for day, row in calendar().items()
                       if not flag(row, "is_weekend") and not flag(row, "is_working_day")
                       and not flag(row, "is_public_holiday")}
    assert transferred_working == WORKING_WEEKENDS
    assert transferred_off == WEEKDAYS_OFF


def test_day_type_agrees_with_the_flags():
    for day, row in calendar().items():
        weekend, holiday, working = (flag(row, c) for c in ("is_weekend", "is_public_holiday", "is_working_day"))
        if holiday:
            expected = "holiday"
        elif working:
            expected = "transferred_working_day" if weekend else "working"
        else:
            expected = "weekend" if weekend else "transferred_day_off"
        assert row["day_type"] == expected, day


def test_working_days_per_year_match_the_official_totals():
    totals = Counter(day.year for day, row in calendar().items() if flag(row, "is_working_day"))
    assert dict(totals) == WORKING_DAYS


def test_shortened_days_give_the_official_hour_norms():
    hours = Counter()
    for day, row in calendar().items():
        if flag(row, "is_working_day"):
            hours[day.year] += 7 if flag(row, "is_shortened_day") else 8
        else:
            assert not flag(row, "is_shortened_day"), f"{day}: only a working day can be shortened"
    assert dict(hours) == WORKING_HOURS_40H


def test_shortened_days_precede_holidays():
    days = calendar()
    for day, row in days.items():
        if not flag(row, "is_working_day") or day == LAST_DAY:
            continue
        next_row = days[day + timedelta(days=1)]
        if flag(next_row, "is_public_holiday"):
            assert flag(row, "is_shortened_day"), f"{day}: the working day before a holiday is shortened"
        if flag(row, "is_shortened_day"):
            # Only days off between it and the holiday (a working Saturday before a Monday holiday).
            following = [days.get(day + timedelta(days=n)) for n in range(1, 4)]
            assert not flag(following[0], "is_working_day"), day
            ahead = []
            for later in following:
                if later is None or flag(later, "is_working_day"):
                    break
                ahead.append(later)
            assert any(flag(later, "is_public_holiday") for later in ahead), day


def test_scorecard_targets_point_the_way_each_component_improves():
    """AHT is the one component where lower is better: its floor is above its target, every other's below."""
    for row in rows("dim_scorecard_targets"):
        floor, target = float(row["floor"]), float(row["target"])
        lower_is_better = row["component"] == "aht_sec"
        assert (floor > target) == lower_is_better, row
        assert float(row["weight"]) > 0, row
    services = {row["service_code"] for row in rows("dim_services")}
    assert {row["service_code"] for row in rows("dim_scorecard_targets")} <= services | {"*"}
