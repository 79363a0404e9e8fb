"""The codes the generator may use, read from the project's dbt seeds at run time.

Every key the generator writes (territory, service, product, queue) comes from these files, so every
generated key resolves in the `dim` dictionaries; nothing here hard-codes a code list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

EPOCH_DATE = dt.date(1970, 1, 1)    # day numbers in the generator count days since this date
SEED_FILES = ("dim_territories.csv", "dim_services.csv", "dim_products.csv", "dim_cms_queue_map.csv",
              "dim_calendar.csv")


class DictionaryError(ValueError):
    """A seed file is missing or does not have the columns the generator needs."""


def default_seeds_dir() -> Path:
    """`seeds/dim` of the project this package is installed from (an editable install in the repo)."""
    return Path(__file__).resolve().parents[3] / "seeds" / "dim"


@dataclass(frozen=True)
class Dictionaries:
    territories: pd.DataFrame   # territory_code, territory_name, utc_offset_hours, ...
    services: pd.DataFrame      # service_code, service_name, segment
    products: pd.DataFrame      # product_code, product_name, segment
    queues: pd.DataFrame        # csq_id, csq_name, service_code, territory_code, service_level_sec (+ offsets)
    calendar: pd.DataFrame      # calendar_date (date), is_working_day, is_public_holiday, day_of_week

    def calendar_days(self, start: dt.date, days: int) -> pd.DataFrame:
        """Calendar rows for [start, start + days); a clear error when the seed does not cover them."""
        wanted = [start + dt.timedelta(days=k) for k in range(days)]
        cal = self.calendar.set_index("calendar_date")
        missing = [d for d in wanted if d not in cal.index]
        if missing:
            raise DictionaryError(
                f"dim_calendar.csv does not cover {missing[0]} (the period is {wanted[0]}..{wanted[-1]})")
        return cal.loc[wanted].reset_index()


def _read(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise DictionaryError(f"seed file not found: {path.name} (looked in {path.parent})")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    absent = [c for c in required if c not in frame.columns]
    if absent:
        raise DictionaryError(f"{path.name} lacks column(s) {', '.join(absent)}")
    return frame.sort_values(required[0], kind="stable").reset_index(drop=True)


def load(seeds_dir: Path | None = None) -> Dictionaries:
    root = Path(seeds_dir) if seeds_dir else default_seeds_dir()
    territories = _read(root / "dim_territories.csv", ("territory_code", "territory_name", "utc_offset_hours"))
    territories["utc_offset_hours"] = territories["utc_offset_hours"].astype(int)
    services = _read(root / "dim_services.csv", ("service_code", "service_name", "segment"))
    products = _read(root / "dim_products.csv", ("product_code", "product_name", "segment"))
    queues = _read(root / "dim_cms_queue_map.csv",
                   ("csq_id", "csq_name", "service_code", "territory_code", "service_level_sec"))
    queues["csq_id"] = queues["csq_id"].astype(int)
    queues["service_level_sec"] = queues["service_level_sec"].astype(int)
    queues = queues.sort_values("csq_id", kind="stable").reset_index(drop=True)
    unknown = set(queues["territory_code"]) - set(territories["territory_code"])
    unknown |= set(queues["service_code"]) - set(services["service_code"])
    if unknown:
        raise DictionaryError(f"dim_cms_queue_map.csv refers to unknown codes: {', '.join(sorted(unknown))}")
    offsets = territories.set_index("territory_code")["utc_offset_hours"]
    queues["utc_offset_hours"] = queues["territory_code"].map(offsets).astype(int)
    calendar = _read(root / "dim_calendar.csv", ("calendar_date", "is_working_day", "is_public_holiday"))
    calendar["calendar_date"] = pd.to_datetime(calendar["calendar_date"]).dt.date
    for col in ("is_working_day", "is_public_holiday"):
        calendar[col] = calendar[col].astype(int)
    calendar["day_of_week"] = [d.isoweekday() for d in calendar["calendar_date"]]
    return Dictionaries(territories, services, products, queues, calendar)


def segment_mask(segment_values: np.ndarray, wanted: str) -> np.ndarray:
    """Rows usable for a service segment: `all` matches every segment."""
    if wanted == "all":
        return np.ones(len(segment_values), dtype=bool)
    return segment_values == wanted


@dataclass(frozen=True)
class SaasDictionaries:
    """The cloud service's dictionaries (seed 004): what its billing ids, size buckets, roles and industry
    spellings mean. The generator draws only codes these seeds have, so every generated code resolves."""

    tariffs: pd.DataFrame       # billing_tariff_id (int), tariff_name, tariff_group
    prices: pd.DataFrame        # billing_tariff_price_id (int), billing_tariff_id (int), price_rub, months, valid_from
    size_buckets: pd.DataFrame  # employer_count_interval (int), size_bucket, min_employees, max_employees
    roles: pd.DataFrame         # role_id (int), role_name
    industries: pd.DataFrame    # working_direction (normalised spelling), industry


def normalised_spelling(text: str) -> str:
    """How an industry typed by sales is looked up in dim_saas_industries: lower case, no outer spaces,
    inner runs of spaces as one (the staging model applies the same rule)."""
    return " ".join(text.split()).lower()


def load_saas(seeds_dir: Path | None = None) -> SaasDictionaries:
    root = Path(seeds_dir) if seeds_dir else default_seeds_dir()
    tariffs = _read(root / "dim_saas_tariffs.csv", ("billing_tariff_id", "tariff_name", "tariff_group"))
    prices = _read(root / "dim_saas_prices.csv",
                   ("billing_tariff_price_id", "billing_tariff_id", "price_rub", "months", "valid_from"))
    buckets = _read(root / "dim_saas_size_buckets.csv", ("employer_count_interval", "size_bucket"))
    roles = _read(root / "dim_saas_roles.csv", ("role_id", "role_name"))
    industries = _read(root / "dim_saas_industries.csv", ("working_direction", "industry"))
    for frame, cols in ((tariffs, ("billing_tariff_id",)), (buckets, ("employer_count_interval",)),
                        (roles, ("role_id",)), (prices, ("billing_tariff_price_id", "billing_tariff_id", "price_rub",
                                                          "months"))):
        for col in cols:
            frame[col] = frame[col].astype(int)
    prices["valid_from"] = pd.to_datetime(prices["valid_from"]).dt.date
    tariffs, buckets, roles, prices = (frame.sort_values(key, kind="stable", ignore_index=True) for frame, key in (
        (tariffs, "billing_tariff_id"), (buckets, "employer_count_interval"), (roles, "role_id"),
        (prices, "billing_tariff_price_id")))
    unknown = set(prices["billing_tariff_id"]) - set(tariffs["billing_tariff_id"])
    if unknown:
        raise DictionaryError(f"dim_saas_prices.csv refers to unknown tariffs: {', '.join(map(str, sorted(unknown)))}")
    return SaasDictionaries(tariffs, prices, buckets, roles, industries)


def load_smart_cabinets(seeds_dir: Path | None = None) -> pd.DataFrame:
    """The monitoring service's cabinets (seed 002, dim_smart_cabinets): cabinet, distributor, branch, the two
    mailboxes and is_branch (bool). Every cabinet the generator writes is one of these."""
    root = Path(seeds_dir) if seeds_dir else default_seeds_dir()
    frame = _read(root / "dim_smart_cabinets.csv", ("cabinet", "distributor", "branch", "high_priority_mailbox",
                                                   "usage_mailbox", "is_branch"))
    frame["is_branch"] = frame["is_branch"].astype(int).astype(bool)
    return frame
