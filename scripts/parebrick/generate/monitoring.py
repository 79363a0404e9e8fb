"""The installation monitoring of seed 002: a few distributors' clients' installations, the registry versions
their managers send, the sysinfo reports the installations send on their own clocks and the service's polls,
simulated over the smart span (`SmartParams.weeks`, ending at the end of the run's last day, UTC).

The world: the cabinets of `dim_smart_cabinets` (one very large distributor with its head cabinet and three
branch cabinets, three small distributors), a few hundred installations of two kinds — reachable from the
internet (polled every `poll_minutes`, their sysinfo fetched at every `polls_per_report`-th successful poll)
and on the client's own machines (the smartupload agent uploads every few hours) — each on its machine's
clock, UTC+2 to UTC+12 (tz_correction -2 to 8 relative to Saratov). Each cabinet's registry is versioned: the
first version is dated the span's first day, later ones (on Wednesdays and Thursdays) add and drop
installations, hand installations to other managers and correct time zones (a machine moved to another zone).

So that every reading of "in force from the file's date" gives the same rows, an installation whose clock
changes with a version sends nothing from 13 hours before to 1 hour after 00:00 UTC of the version's date, a
dropped one stops 13 hours or more before it and an added one starts an hour or more after it; an installation
handed to another manager has no empty search on the local days before and of the change. Planted events are
on installations no version changes (`PLANTED` below says what each must open) and the defects of SOURCES.md
are data here (`Monitoring.defects`), written exactly by `groups/smart.py`; the truth (`smart_truth.py`)
applies the rules to these rows. Every draw comes from the `smart-*` streams.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from parebrick.generate.params import SmartParams
from parebrick.generate.rng import stream

DAY, HOUR, MINUTE = 86_400, 3_600, 60
EPOCH = dt.date(1970, 1, 1)
SARATOV_UTC_OFFSET = 4                 # tz_correction is relative to Saratov: the machine's offset is 4 + it
INTERNET, PREMISES = "internet", "on_premises"
INTERNET_CONSTANT = "download,upload,process,ping"
PREMISES_CONSTANT = "smartupload,download,upload,process,donotping"
QUIET_BEFORE, QUIET_AFTER = 13 * HOUR, 1 * HOUR
STATUS_FAILED = "failed"
CONNECTION_ERRORS = ("connect timeout after 10000 ms", "connection refused", "name or service not known")
SERVER_ERRORS = (502, 503, 500)
# Local-hour profile of use (0..23) on a working day.
HOUR_PROFILE = np.array([0.02] * 7 + [0.15, 0.5, 0.9, 1.0, 1.0, 0.8, 0.9, 1.0, 1.0, 0.9, 0.6, 0.3, 0.15, 0.08, 0.05,
                                      0.03, 0.02])
SURNAMES = ("ivanova", "petrov", "smirnova", "kuznetsov", "popova", "sokolov", "lebedeva", "kozlov", "novikova",
            "morozov", "volkova", "solovyov", "vasilieva", "zaitsev", "pavlova", "semenov", "golubeva", "vinogradov",
            "bogdanova", "vorobyov", "fedorova", "mikhailov", "belyaeva", "tarasov", "belova", "komarov",
            "kiselev", "makarova", "andreev", "nikitina")
NAME_HEADS = ("Agro", "Stroy", "Neft", "Energo", "Med", "Trans", "Prom", "Avto", "Gaz", "Les", "Torg", "Invest",
              "Snab", "Proekt", "Ural", "Volga", "Sib", "Dal", "Sever", "Yug", "Zapad", "Vostok", "Nord", "Metall",
              "Khim", "Techno", "Elektro", "Teplo", "Vodo", "Zoloto", "Kama", "Don", "Neva", "Baikal", "Amur")
NAME_TAILS = ("Invest", "Servis", "Proekt", "Snab", "Stroy", "Torg", "Tekh", "Plus", "Grupp", "Resurs", "Kom",
              "Lab", "Mash", "Sintez", "Montazh", "Holding", "Logistik", "Energo", "Industriya", "Kapital")
CLOUD_HOST = "cloud.tehexpert.example"
# Fixed choices of the planted world: the conflicting manager, the ghost installation, the defective rows.
CONFLICT_LOGIN, CONFLICT_EMAIL = "orlova_e", "e.orlova@kodeks.example"
DIRECTOR_LOGIN, DIRECTOR_EMAIL = "director", "director@kodeks.example"
GHOST = ("kodeks-ekb", "Teneviki")                 # reports all along, no registry lists it
CYRILLIC_CLIENT = ("volgainfo", "Ромашка")          # a registry row with a client name in Cyrillic
WRONG_CONSTANT = ("sibnorma", "Polyus", "smartupload,download,upload,proces,donotping")
DUPLICATED = "kodeks-ekb"                           # the first list repeats one line
REFUSED = "kodeks-spb"                              # a version sent with its blocks swapped, corrected 2 days later
CONFLICT_CABINETS = ("kodeks-spb", "kodeks-nsk")   # the manager moves to nsk; spb's lists keep her


@dataclass
class Manager:
    login: str
    email: str


@dataclass
class Install:
    """One installation: who lists it, how it reports, and its history (times are UTC seconds)."""

    idx: int
    cabinet: str
    client: str
    kind: str
    host: str
    port: int
    protocol: str
    start: int                                   # first moment it reports or is polled
    stop: int                                    # it sends nothing from here on
    clock: list[tuple[int, int]]                 # (from, UTC offset hours of the machine's clock)
    managers: list[tuple[int, Manager]]          # (from day, manager as the registry lists it)
    interval_h: float
    users_total: int
    empty_rate: float
    operup: bool
    extra_fields: bool
    run_minute: int                              # the nightly OperUP run: 02:00 + this many minutes, local
    version_base: tuple[int, int, int]
    listed: bool = True
    changed: bool = False                        # some version changes it (no planted event on it)
    quiet: list[tuple[int, int]] = field(default_factory=list)
    no_empty_days: list[int] = field(default_factory=list)     # local days with no empty search (manager change)

    @property
    def url(self) -> str:
        return f"{self.protocol}://{self.host}:{self.port}/"

    def offset_at(self, t: int) -> int:
        return [o for since, o in self.clock if since <= t][-1] if t >= self.clock[0][0] else self.clock[0][1]

    def manager_on(self, day: int) -> Manager:
        return [m for since, m in self.managers if since <= day][-1]


@dataclass(frozen=True)
class RegistryFile:
    """One registry file as sent: its rows as fields (defective ones included), block order, blank line."""

    cabinet: str
    day: int
    internet: tuple[tuple[str, ...], ...]
    premises: tuple[tuple[str, ...], ...]
    swapped: bool = False
    blank_line: bool = False

    @property
    def name(self) -> str:
        return f"{self.cabinet}_manager_{ddmmyyyy(self.day)}"

    def lines(self) -> list[str]:
        """The file's lines (without line ends), in the order sent."""
        first, second = (self.premises, self.internet) if self.swapped else (self.internet, self.premises)
        out = [";".join(r) for r in first]
        if self.blank_line:
            out.append("")
        return out + [";".join(r) for r in second]


@dataclass(frozen=True)
class OnlineFile:
    cabinet: str
    day: int
    rows: tuple[tuple[str, str, str, str, str], ...]      # client, url, login, password, catalog

    @property
    def name(self) -> str:
        return f"{self.cabinet}_online_{ddmmyyyy(self.day)}"


@dataclass
class Monitoring:
    """The simulated monitoring: cabinets, installations, files, reports, polls, what was planted."""

    params: SmartParams
    cabinets: pd.DataFrame
    first_day: int
    last_day: int
    installs: list[Install]
    registry: list[RegistryFile]
    online: list[OnlineFile]
    reports: pd.DataFrame        # one row per report, sorted by (utc, cabinet, client); `local` is the machine clock
    polls: pd.DataFrame          # one row per poll, sorted by (utc, cabinet, client)
    planted: list[dict]
    defects: list[dict]
    corrupt_lines: list[tuple[int, str, str]]     # (report row after which, kind, text): extra lines, not reports

    @property
    def end_sec(self) -> int:
        return (self.last_day + 1) * DAY

    def week_files(self) -> list[int]:
        """The first day of each weekly sysinfo and polls file (UTC days): the span cut into 7-day pieces."""
        return list(range(self.first_day, self.last_day + 1, 7))

    def file_day(self, utc: np.ndarray) -> np.ndarray:
        """The first day of the weekly file a report or poll at `utc` goes to."""
        return self.first_day + (np.asarray(utc) // DAY - self.first_day) // 7 * 7


def ddmmyyyy(day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day))).strftime("%d%m%Y")


def day_iso(day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day))).isoformat()


def utc_text(sec: int | float | None) -> str | None:
    """`YYYY-MM-DD HH:MM:SS` (UTC) of epoch seconds, None for None/NaN."""
    if sec is None or (isinstance(sec, float) and np.isnan(sec)):
        return None
    return dt.datetime.fromtimestamp(int(sec), dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def simulate(cabinets: pd.DataFrame, calendar: pd.DataFrame | None, params: SmartParams, seed: int,
             last_day: int) -> Monitoring:
    """The monitoring over its span, ending at the end of `last_day` (UTC)."""
    first_day = last_day - params.weeks * 7 + 1
    rng = stream(seed, "smart-world")
    world = _World(params, cabinets, first_day, last_day, rng)
    world.build_registry()
    working = _working_days(calendar, first_day - 2, last_day + 2)
    reports, polls = world.events(stream(seed, "smart-events"), working)
    mon = Monitoring(params, cabinets, first_day, last_day, world.installs, world.files, [], reports, polls, [],
                     world.defects, [])
    _Planter(mon, world, stream(seed, "smart-planted")).plant_all()
    mon.reports = _with_operup(mon.reports, world)
    mon.online = _online(mon, stream(seed, "smart-online-passwords"))
    _corrupt_lines(mon)
    return mon


def _working_days(calendar: pd.DataFrame | None, first: int, last: int) -> np.ndarray:
    """Whether each day first..last is a working day (dim_calendar where it covers the day, else Mon-Fri)."""
    known = {}
    if calendar is not None:
        known = {(d - EPOCH).days: bool(w) for d, w in zip(calendar["calendar_date"], calendar["is_working_day"])}
    days = range(first, last + 1)
    return np.array([known.get(d, (EPOCH + dt.timedelta(days=d)).isoweekday() <= 5) for d in days])


class _World:
    """The cabinets' installations and registry versions (see the module's docstring)."""

    def __init__(self, params: SmartParams, cabinets: pd.DataFrame, first_day: int, last_day: int,
                 rng: np.random.Generator) -> None:
        self.p, self.cabinets, self.first_day, self.last_day, self.rng = params, cabinets, first_day, last_day, rng
        self.installs: list[Install] = []
        self.files: list[RegistryFile] = []
        self.defects: list[dict] = []
        self.names: dict[str, list[str]] = {}
        self.managers: dict[str, list[Manager]] = {}
        self.version_days: dict[str, list[int]] = {}
        self._surnames = list(SURNAMES)
        rng.shuffle(self._surnames)

    # --- people and names --------------------------------------------------------------------------------

    def _domain(self, cabinet: str) -> str:
        return f"{self.cabinets.set_index('cabinet').loc[cabinet, 'distributor']}.example"

    def _new_manager(self, cabinet: str) -> Manager:
        surname = self._surnames.pop()
        initial = "abdegiklmnostv"[int(self.rng.integers(0, 14))]
        return Manager(f"{surname}_{initial}", f"{initial}.{surname}@{self._domain(cabinet)}")

    def _new_client(self, cabinet: str) -> str:
        pool = self.names.setdefault(cabinet, [])
        if not pool:
            pool.extend(h + t for h in NAME_HEADS for t in NAME_TAILS if h != t)
            self.rng.shuffle(pool)
        return pool.pop()

    # --- installations -----------------------------------------------------------------------------------

    def _install(self, cabinet: str, start: int, kind: str | None = None, offset: int | None = None,
                 interval_h: float | None = None, client: str | None = None, listed: bool = True) -> Install:
        p, rng = self.p, self.rng
        kind = kind or (INTERNET if rng.random() < p.internet_share else PREMISES)
        if offset is None:
            offsets = p.utc_offsets[cabinet]
            offset = int(rng.choice(list(offsets), p=np.array(list(offsets.values())) / sum(offsets.values())))
        client = client or self._new_client(cabinet)
        if kind == INTERNET:
            interval_h = p.poll_minutes * p.polls_per_report / 60
            if rng.random() < 0.6:
                host, port, protocol = f"{client.lower()}.{CLOUD_HOST}", 443, "https"
            else:
                host, port = f"dc.{self._domain(cabinet)}", int(rng.choice([8080, 8081, 8443, 9000, 80]))
                protocol = "https" if port in (8443,) else "http"
        else:
            host, port, protocol = "", 0, ""
            if interval_h is None:
                interval_h = float(rng.choice(p.agent_hours, p=p.agent_hours_share))
        users = int(np.clip(np.round(np.exp(rng.normal(np.log(15), 0.8))), 3, 150))
        managers = self.managers[cabinet]
        inst = Install(
            idx=len(self.installs), cabinet=cabinet, client=client, kind=kind, host=host, port=port,
            protocol=protocol, start=start, stop=self.end_sec, clock=[(start, offset)],
            managers=[(start // DAY, managers[int(rng.integers(0, len(managers)))])], interval_h=interval_h,
            users_total=users, empty_rate=float(rng.uniform(*p.empty_search_rate)),
            operup=kind == INTERNET or rng.random() >= p.no_operup_share,
            extra_fields=rng.random() < p.extra_fields_share, run_minute=int(rng.integers(0, 90)),
            version_base=(int(rng.integers(2, 5)), int(rng.integers(0, 4)), int(rng.integers(2600, 3100))),
            listed=listed)
        self.installs.append(inst)
        return inst

    @property
    def end_sec(self) -> int:
        return (self.last_day + 1) * DAY

    def build_registry(self) -> None:
        """Every cabinet's installations and versions, the defects of the lists among them."""
        p, rng = self.p, self.rng
        start = self.first_day * DAY
        for cabinet in self.cabinets["cabinet"]:
            self.managers[cabinet] = [self._new_manager(cabinet) for _ in range(p.managers[cabinet])]
        # The conflicting manager is first spb's; the head cabinet and spb both list the director (allowed).
        self.managers["kodeks-spb"][0] = Manager(CONFLICT_LOGIN, CONFLICT_EMAIL)
        for cabinet in self.cabinets["cabinet"]:
            for _ in range(p.installations[cabinet]):
                self._install(cabinet, start + int(rng.integers(0, 3 * HOUR)))
        for cabinet in ("kodeks", "kodeks-spb"):
            director = Manager(DIRECTOR_LOGIN, DIRECTOR_EMAIL)
            for inst in self._of(cabinet)[:2]:
                inst.managers = [(self.first_day, director)]
        # The ghost: reports from the first day on, in no list.
        self._install(GHOST[0], start + HOUR, kind=PREMISES, offset=5, interval_h=4.0, client=GHOST[1], listed=False)
        self._plan_versions()

    def _of(self, cabinet: str) -> list[Install]:
        return [i for i in self.installs if i.cabinet == cabinet and i.listed]

    def _plan_versions(self) -> None:
        """Later versions per cabinet: Wednesdays and Thursdays of distinct weeks, from the second week on. spb's
        last one is first sent with its blocks swapped (refused whole) and again, in order, two days later."""
        p, rng = self.p, self.rng
        weeks = list(range(1, p.weeks - 1))
        for cabinet in self.cabinets["cabinet"]:
            n = 1 if cabinet == "dalinfo" else p.registry_changes
            chosen = sorted(int(w) for w in rng.choice(weeks, size=min(n, len(weeks)), replace=False))
            days = [self.first_day]
            for w in chosen:
                monday = self.first_day + 7 * w - (EPOCH + dt.timedelta(days=self.first_day + 7 * w)).weekday()
                days.append(monday + 2 + int(rng.integers(0, 2)))
            days = sorted(set(days))
            if cabinet == REFUSED:
                self.refused_day = days[-1]
                days[-1] += 2
            self.version_days[cabinet] = days
        for cabinet in self.cabinets["cabinet"]:
            days = self.version_days[cabinet]
            self._snapshot(cabinet, days[0])
            for day in days[1:]:
                self._change(cabinet, day)
                self._snapshot(cabinet, day)
        corrected = next(f for f in self.files if f.cabinet == REFUSED and f.day == self.version_days[REFUSED][-1])
        refused = RegistryFile(REFUSED, self.refused_day, corrected.internet, corrected.premises, swapped=True,
                               blank_line=corrected.blank_line)
        self.files.append(refused)
        self.files.sort(key=lambda f: (f.day, f.cabinet))
        self.defects.append(dict(defect="blocks_out_of_order", table="registry", file=refused.name, cabinet=REFUSED,
                                 client="", row=1,
                                 expected="file refused whole (the on-premises block comes first); the version "
                                          "before stays in force until the corrected list of "
                                          f"{day_iso(corrected.day)} ({corrected.name})"))

    def _change(self, cabinet: str, day: int) -> None:
        """One later version's changes: drops, another manager, a corrected time zone, additions."""
        rng, at = self.rng, day * DAY
        live = [i for i in self._of(cabinet) if i.start < at < i.stop]
        stable = [i for i in live if not i.changed and i.managers[0][1].login != DIRECTOR_LOGIN]
        rng.shuffle(stable)
        picks = iter(stable)
        for _ in range(int(rng.integers(1, 3))):                       # dropped: stops well before the date
            inst = next(picks)
            inst.stop, inst.changed = at - QUIET_BEFORE - int(rng.integers(0, 3 * HOUR)), True
        for _ in range(int(rng.integers(1, 3))):                       # handed to another manager
            inst = next(picks)
            others = [m for m in self.managers[cabinet] if m != inst.manager_on(day)]
            if not others:
                continue
            inst.managers.append((day, others[int(rng.integers(0, len(others)))]))
            inst.changed = True
            inst.no_empty_days.extend([day - 1, day])
        movable = [i for i in picks if i.interval_h <= 8]
        if movable and rng.random() < 0.7:                             # moved to another time zone
            inst = movable[0]
            old = inst.clock[-1][1]
            inst.clock.append((at, old + (1 if old < 12 else -1)))
            inst.quiet.append((at - QUIET_BEFORE, at + QUIET_AFTER))
            inst.changed = True
        for _ in range(int(rng.integers(1, 4))):                       # added: starts after the date
            inst = self._install(cabinet, at + QUIET_AFTER + int(rng.integers(0, 4 * HOUR)))
            inst.managers = [(day, inst.managers[0][1])]
            inst.changed = True
        if cabinet == CONFLICT_CABINETS[1] and day == self.version_days[cabinet][-1]:
            moved = Manager(CONFLICT_LOGIN, CONFLICT_EMAIL)
            candidates = [i for i in self._of(cabinet) if not i.changed and i.start < at < i.stop]
            for inst in candidates[:3]:
                inst.managers.append((day, moved))
                inst.no_empty_days.extend([day - 1, day])
            self.conflict_day = day
            self.conflict_installs = [i.idx for i in candidates[:3]]

    def _row(self, inst: Install, day: int) -> tuple[str, ...]:
        m = inst.manager_on(day)
        tz = str(inst.offset_at(day * DAY + QUIET_AFTER) - SARATOV_UTC_OFFSET)
        if inst.kind == INTERNET:
            return (f"{inst.host}:{inst.port}", m.login, m.email, inst.protocol, INTERNET_CONSTANT, tz, inst.client)
        return (m.login, m.email, PREMISES_CONSTANT, tz, inst.client)

    def _snapshot(self, cabinet: str, day: int) -> None:
        """The cabinet's list as of `day`, with the list defects planted in it."""
        at = day * DAY
        listed = [i for i in self._of(cabinet) if i.start < at + 6 * HOUR and i.stop > at]
        internet = [self._row(i, day) for i in listed if i.kind == INTERNET]
        premises = [self._row(i, day) for i in listed if i.kind == PREMISES]
        blank = bool(self.rng.random() < 0.5)
        days = self.version_days[cabinet]
        name = RegistryFile(cabinet, day, (), ()).name
        line = len(internet) + blank        # lines before the on-premises block
        if cabinet == DUPLICATED and day == days[0]:
            k = len(premises) // 2
            premises.insert(k + 1, premises[k])
            self.defects.append(dict(defect="duplicated_client", table="registry", file=name, cabinet=cabinet,
                                     client=premises[k][-1], row=line + k + 2,
                                     expected="the line repeats the one before it exactly: the installation is "
                                              "listed once and the repeated line is reported as a duplicate"))
        if cabinet == CYRILLIC_CLIENT[0] and day == days[-1]:
            m = self.managers[cabinet][0]
            premises.append((m.login, m.email, PREMISES_CONSTANT, "0", CYRILLIC_CLIENT[1]))
            self.defects.append(dict(defect="client_not_latin", table="registry", file=name, cabinet=cabinet,
                                     client=CYRILLIC_CLIENT[1], row=line + len(premises),
                                     expected="row rejected (a client's short name has Latin letters only); the "
                                              "rest of the list loads"))
        if cabinet == WRONG_CONSTANT[0] and day == days[-1]:
            m = self.managers[cabinet][-1]
            self._install(cabinet, at + 2 * HOUR, kind=PREMISES, offset=7, interval_h=4.0, client=WRONG_CONSTANT[1],
                          listed=False)
            premises.append((m.login, m.email, WRONG_CONSTANT[2], "3", WRONG_CONSTANT[1]))
            self.defects.append(dict(defect="wrong_constant", table="registry", file=name, cabinet=cabinet,
                                     client=WRONG_CONSTANT[1], row=line + len(premises),
                                     expected=f"row rejected (the constant must be {PREMISES_CONSTANT}); the "
                                              "installation is not monitored and its reports belong to no "
                                              "installation"))
        self.files.append(RegistryFile(cabinet, day, tuple(internet), tuple(premises), blank_line=blank))

    # --- reports and polls ---------------------------------------------------------------------------------

    def events(self, rng: np.random.Generator, working: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every installation's reports and polls, in time order."""
        reports, polls = [], []
        for inst in self.installs:
            if inst.kind == INTERNET:
                poll, fetched = self._polls(inst, rng)
                polls.append(poll)
                utc = fetched + int(rng.integers(2, 9))
            else:
                utc = self._agent_times(inst, rng)
            for a, b in inst.quiet:
                utc = utc[(utc < a) | (utc >= b)]
            reports.append(self._reports(inst, utc, rng, working))
        rep = pd.concat(reports, ignore_index=True)
        rep = rep.sort_values(["utc", "cabinet", "client"], kind="stable", ignore_index=True)
        pol = pd.concat(polls, ignore_index=True).sort_values(["utc", "cabinet", "client"], kind="stable",
                                                             ignore_index=True)
        return rep, pol

    def _polls(self, inst: Install, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
        """The polls of a reachable installation: mostly 200, failures one or two in a row, never three."""
        step = self.p.poll_minutes * MINUTE
        first = inst.start + (inst.idx * 7 % self.p.poll_minutes) * MINUTE
        utc = np.arange(first, inst.stop, step, dtype=np.int64) + int(rng.integers(0, 40))
        n = len(utc)
        failed = rng.random(n) < self.p.poll_failure_share
        failed |= np.r_[False, failed[:-1]] & (rng.random(n) < 0.2)
        run = np.zeros(n, dtype=np.int64)
        for k in np.flatnonzero(failed):
            run[k] = run[k - 1] + 1 if k and failed[k - 1] else 1
        failed &= run <= 2
        server = failed & (rng.random(n) < 0.5)
        status = np.where(server, rng.choice(SERVER_ERRORS, n), 200)
        latency = np.round(np.exp(rng.normal(np.log(180), 0.5, n))).astype(np.int64)
        conn = failed & ~server
        errors = np.full(n, "", dtype=object)
        errors[conn] = rng.choice(CONNECTION_ERRORS, int(conn.sum()))
        errors[server] = ["HTTP " + str(s) for s in status[server]]
        frame = pd.DataFrame({"inst": inst.idx, "cabinet": inst.cabinet, "client": inst.client, "utc": utc,
                              "url": inst.url, "http_status": pd.array(status, "Int64"),
                              "latency_ms": pd.array(latency, "Int64"), "error": errors})
        frame.loc[conn, ["http_status", "latency_ms"]] = pd.NA
        phase = inst.idx % self.p.polls_per_report
        fetch = (np.arange(n) % self.p.polls_per_report == phase) & ~failed
        return frame, utc[fetch]

    def _agent_times(self, inst: Install, rng: np.random.Generator) -> np.ndarray:
        step = inst.interval_h * HOUR
        jitter = 0.014 if inst.interval_h >= 24 else 0.03
        n = int((inst.stop - inst.start) / (step * (1 - jitter))) + 2
        gaps = step * rng.uniform(1 - jitter, 1 + jitter, n)
        utc = (inst.start + rng.uniform(0, min(step, 4 * HOUR)) + np.cumsum(gaps) - gaps[0]).astype(np.int64)
        return utc[utc < inst.stop]

    def _reports(self, inst: Install, utc: np.ndarray, rng: np.random.Generator,
                 working: np.ndarray) -> pd.DataFrame:
        """The reports' figures: use follows the local hour and working days; counts are since the last report."""
        p = self.p
        local = local_of(inst, utc)
        base_hour = (self.first_day - 2) * 24
        hours = np.arange(base_hour, base_hour + len(working) * 24)
        day_factor = np.where(working, 1.0, p.day_off_activity)[(hours - base_hour) // 24]
        cum = np.r_[0.0, np.cumsum(HOUR_PROFILE[hours % 24] * day_factor)]
        lh = np.clip(local // HOUR - base_hour, 0, len(hours))
        prev = np.r_[lh[0] - int(inst.interval_h), lh[:-1]] if len(lh) else lh
        period = np.maximum(cum[lh] - cum[np.clip(prev, 0, len(hours))], 0.0)
        n = len(utc)
        sessions = rng.poisson(inst.users_total * 0.3 * period)
        searches = rng.poisson(sessions * 2.2)
        empty = rng.binomial(searches, inst.empty_rate)
        empty[np.isin(local // DAY, inst.no_empty_days)] = 0
        active = rng.binomial(inst.users_total, 0.7 * (1 - np.exp(-0.4 * period)))
        major, minor, build = inst.version_base
        upgraded = rng.random() < 0.3
        upgrade_at = self.first_day * DAY + rng.uniform(0.2, 0.9) * (self.end_sec - self.first_day * DAY)
        version = np.where((utc >= upgrade_at) & upgraded, f"7.{major}.{minor + 1}.{build + 64}",
                           f"7.{major}.{minor}.{build}")
        disk0 = rng.uniform(15, 400)
        disk = np.maximum(np.round(disk0 - (utc - self.first_day * DAY) / DAY * 0.04 + rng.normal(0, 0.3, n), 1), 1)
        extra = f'"agent_version": "3.2.{inst.idx % 7}", "os": "Windows Server 2019"' if inst.extra_fields else ""
        return pd.DataFrame({"inst": inst.idx, "cabinet": inst.cabinet, "client": inst.client, "utc": utc,
                             "local": local, "product_version": version, "users_total": inst.users_total,
                             "users_active": active, "sessions": sessions, "searches": searches,
                             "empty_searches": empty, "documents_opened": rng.poisson(sessions * 3.5),
                             "disk_free_gb": disk, "extra": extra, "op_mode": "normal" if inst.operup else "none",
                             "op_frozen": 0, "op_errors": 0})


def local_of(inst: Install, utc: np.ndarray) -> np.ndarray:
    """The machine's clock at `utc` (epoch seconds as if the clock were UTC)."""
    utc = np.asarray(utc, dtype=np.int64)
    offset = np.full(len(utc), inst.clock[0][1], dtype=np.int64)
    for since, o in inst.clock[1:]:
        offset[utc >= since] = o
    return utc + offset * HOUR


def run_before(local: np.ndarray, run_minute: np.ndarray) -> np.ndarray:
    """The nightly OperUP run (02:00 + the installation's minutes, its clock) last started before `local`."""
    run = 2 * HOUR + np.asarray(run_minute) * MINUTE
    return (np.asarray(local) - run) // DAY * DAY + run


def _with_operup(reports: pd.DataFrame, world: _World) -> pd.DataFrame:
    """OperUP's fields on the machine's clock: the last nightly run before the report, `running` for 20 minutes
    after it starts, `failed` with errors where planted, a frozen last run where planted, null without OperUP."""
    minutes = np.array([i.run_minute for i in world.installs])[reports["inst"].to_numpy()]
    local = reports["local"].to_numpy()
    last = run_before(local, minutes)
    status = np.where(local - last < 20 * MINUTE, "running", "ok").astype(object)
    mode = reports["op_mode"].to_numpy()
    frozen = mode == "frozen"
    last = np.where(frozen, reports["op_frozen"].to_numpy().astype(np.int64), last)
    status[frozen] = "ok"
    status[mode == STATUS_FAILED] = STATUS_FAILED
    none = mode == "none"
    status[none] = None
    out = reports.assign(last_run=pd.array(last, "Int64"), status=status,
                         errors=pd.array(np.where(mode == STATUS_FAILED, reports["op_errors"], 0), "Int64"))
    out.loc[none, ["last_run", "errors"]] = pd.NA
    return out.drop(columns=["op_mode", "op_frozen", "op_errors"])


class _Planter:
    """The planted events (`PLANTED` in the truth): each on an installation no version changes, each recorded
    with the alert it must open (or, at a rule's edge, must not)."""

    def __init__(self, mon: Monitoring, world: _World, rng: np.random.Generator) -> None:
        self.mon, self.world, self.rng = mon, world, rng
        self.used: set[int] = set()
        order = rng.permutation(len(world.installs))
        self.order = [world.installs[k] for k in order]

    def pick(self, kind: str | None = None, offset: int | None = None, interval: float | None = None,
             cabinet: str | None = None, users: tuple[int, int] | None = None,
             login: str | None = None) -> Install:
        """An unused installation, listed all along and never changed, with the properties asked (`interval`: its
        reports at most that many hours apart)."""
        for inst in self.order:
            if (inst.idx in self.used or not inst.listed or inst.changed or len(inst.clock) > 1
                    or inst.start > self.mon.first_day * DAY + 6 * HOUR or inst.stop != self.mon.end_sec
                    or (len(inst.managers) > 1 and login is None)
                    or (kind and inst.kind != kind) or (offset is not None and inst.clock[0][1] != offset)
                    or (interval is not None and inst.interval_h > interval)
                    or (cabinet and inst.cabinet != cabinet)
                    or (users and not users[0] <= inst.users_total <= users[1])
                    or (login and inst.managers[-1][1].login != login and inst.managers[0][1].login != login)):
                continue
            self.used.add(inst.idx)
            return inst
        raise LookupError(f"no installation to plant on: {kind} {offset} {interval} {cabinet} {users} {login}")

    def at(self, day: float) -> int:
        """A moment `day` days into the span (UTC seconds)."""
        return int((self.mon.first_day + day) * DAY)

    def record(self, pid: str, inst: Install, what: str, expect: list[dict], **extra) -> None:
        self.mon.planted.append(dict(id=pid, cabinet=inst.cabinet, client=inst.client, kind=inst.kind,
                                     tz_correction=inst.clock[0][1] - SARATOV_UTC_OFFSET, what=what,
                                     expect=expect, **extra))

    # --- edits of the rows ---------------------------------------------------------------------------------

    def _polls_of(self, inst: Install) -> pd.Index:
        return self.mon.polls.index[self.mon.polls["inst"] == inst.idx]

    def outage(self, inst: Install, t: int, n: int, how: str = "mixed") -> tuple[int, int | None]:
        """`n` failed polls from the first poll at or after `t`, the polls around them good; the reports those
        polls would have fetched are gone. Returns (first failed poll, the next good poll or None)."""
        polls = self.mon.polls
        idx = self._polls_of(inst)
        times = polls.loc[idx, "utc"].to_numpy()
        k = int(np.searchsorted(times, t))
        bad = idx[k:k + n]
        around = [j for j in (k - 1, k + n) if 0 <= j < len(idx)]
        polls.loc[idx[around], ["http_status", "latency_ms", "error"]] = [200, 150, ""]
        for j, row in enumerate(bad):
            if how == "connection" or (how == "mixed" and j % 3 != 1):
                polls.loc[row, ["http_status", "latency_ms", "error"]] = [pd.NA, pd.NA, CONNECTION_ERRORS[j % 3]]
            else:
                code = SERVER_ERRORS[j % 2]
                polls.loc[row, ["http_status", "latency_ms", "error"]] = [code, 30 + j, f"HTTP {code}"]
        first = int(times[k])
        recovered = int(times[k + n]) if k + n < len(times) else None
        self.drop_reports(inst, first, recovered if recovered is not None else self.mon.end_sec)
        if recovered is not None:
            self.add_report(inst, recovered + 5)
        return first, recovered

    def drop_reports(self, inst: Install, a: int, b: int) -> None:
        rep = self.mon.reports
        self.mon.reports = rep[~((rep["inst"] == inst.idx) & (rep["utc"] >= a) & (rep["utc"] < b))]

    def add_report(self, inst: Install, utc: int) -> None:
        """A report at `utc`: a copy of the installation's nearest report, at that time on its clock."""
        rep = self.mon.reports
        mine = rep[rep["inst"] == inst.idx]
        row = mine.iloc[[int(np.argmin(np.abs(mine["utc"].to_numpy() - utc)))]].copy()
        row["utc"] = utc
        row["local"] = local_of(inst, np.array([utc]))
        self.mon.reports = pd.concat([rep, row], ignore_index=True)

    def reports_of(self, inst: Install, a: int, b: int) -> pd.Series:
        rep = self.mon.reports
        return (rep["inst"] == inst.idx) & (rep["utc"] >= a) & (rep["utc"] < b)

    def day_totals(self, inst: Install, at: int, searches: int, empty: int) -> int:
        """Set the searches of the installation's local day holding `at` to these totals; returns the day."""
        rep = self.mon.reports
        day = int(local_of(inst, np.array([at]))[0] // DAY)
        rows = rep.index[(rep["inst"] == inst.idx) & (rep["local"] // DAY == day)]
        if len(rows) == 0:
            raise LookupError(f"no report on {day_iso(day)} of {inst.client}")
        parts = self.rng.multinomial(searches, np.full(len(rows), 1 / len(rows)))
        empties = self.rng.multivariate_hypergeometric(parts, empty)
        rep.loc[rows, "searches"] = parts
        rep.loc[rows, "empty_searches"] = empties
        return day

    def first_report_at_or_after(self, inst: Install, t: int) -> int | None:
        rep = self.mon.reports
        later = rep.loc[(rep["inst"] == inst.idx) & (rep["utc"] >= t), "utc"]
        return int(later.min()) if len(later) else None

    def last_report_before(self, inst: Install, t: int) -> int:
        rep = self.mon.reports
        return int(rep.loc[(rep["inst"] == inst.idx) & (rep["utc"] < t), "utc"].max())

    def sort(self) -> None:
        self.mon.reports = self.mon.reports.sort_values(["utc", "cabinet", "client"], kind="stable",
                                                        ignore_index=True)

    # --- the events ------------------------------------------------------------------------------------------

    def plant_all(self) -> None:
        self.outages()
        self.silences()
        self.updates()
        self.sort()
        self.usage()
        self.conflict()
        self.sort()

    def _down(self, pid: str, inst: Install, t: int, n: int, what: str, how: str = "mixed", **extra) -> None:
        first, recovered = self.outage(inst, t, n, how)
        expect = [dict(rule="installation_down", opened_at=utc_text(first), resolved_at=utc_text(recovered))]
        self.record(pid, inst, what, expect if n >= 3 else [], **extra)

    def outages(self) -> None:
        self._down("outage_exactly_3_polls", self.pick(INTERNET, offset=3), self.at(15.42), 3,
                   "exactly 3 failed polls in a row (the rule's edge): an alert from the first of them", "connection")
        self._down("outage_2_polls", self.pick(INTERNET), self.at(16.6), 2,
                   "2 failed polls in a row: below the rule, no alert")
        self._down("outage_9_polls", self.pick(INTERNET, offset=7), self.at(21.3), 9,
                   "9 failed polls, connection errors and 5xx mixed: one alert")
        inst = self.pick(INTERNET, offset=6)
        first, recovered = self.outage(inst, self.at(27.2), 60)
        last = self.last_report_before(inst, first)
        self.record("outage_30_hours", inst, "down 30 hours: the reports stop too, so both rules open",
                    [dict(rule="installation_down", opened_at=utc_text(first), resolved_at=utc_text(recovered)),
                     dict(rule="report_missing", opened_at=utc_text(last + 26 * HOUR),
                          resolved_at=utc_text(recovered + 5))])
        inst = self.pick(INTERNET)
        idx = self._polls_of(inst)
        t = int(self.mon.polls.loc[idx[-8], "utc"])
        first, _ = self.outage(inst, t, 8, "connection")
        self.record("down_at_the_end", inst, "down for the last 8 polls: the alert is still open",
                    [dict(rule="installation_down", opened_at=utc_text(first), resolved_at=None)])

    def silences(self) -> None:
        inst = self.pick(PREMISES, interval=4.0, offset=5)
        t = self.at(18.5)
        last = self.last_report_before(inst, t)
        self.drop_reports(inst, t, t + 3 * DAY)
        nxt = self.first_report_at_or_after(inst, t)
        self.record("silent_3_days", inst, "the agent stops for 3 days",
                    [dict(rule="report_missing", opened_at=utc_text(last + 26 * HOUR), resolved_at=utc_text(nxt))])
        inst = self.pick(PREMISES, interval=8.0)
        t = self.mon.end_sec - 4 * DAY
        last = self.last_report_before(inst, t)
        self.drop_reports(inst, t, self.mon.end_sec)
        self.record("silent_to_the_end", inst, "the agent stops 4 days before the end and never comes back",
                    [dict(rule="report_missing", opened_at=utc_text(last + 26 * HOUR), resolved_at=None)])
        for pid, offset, gap, what in (
                ("report_after_exactly_26h", 3, 26 * HOUR, "a report exactly 26 h after the last: no alert"),
                ("report_after_26h_1min", 6, 26 * HOUR + MINUTE,
                 "a report 26 h 1 min after the last: an alert open for one minute")):
            inst = self.pick(PREMISES, interval=8.0, offset=offset)
            t = self.last_report_before(inst, self.at(23.0 if offset == 3 else 24.0))
            self.drop_reports(inst, t + 1, t + gap + 5 * HOUR)
            self.add_report(inst, t + gap)
            expect = [] if gap == 26 * HOUR else [dict(rule="report_missing", opened_at=utc_text(t + 26 * HOUR),
                                                       resolved_at=utc_text(t + gap))]
            self.record(pid, inst, what, expect, last_report_at=utc_text(t), next_report_at=utc_text(t + gap))

    def updates(self) -> None:
        rep = self.mon.reports
        inst = self.pick(PREMISES, interval=4.0)
        t = self.at(30.3)
        mask = self.reports_of(inst, t, t + 36 * HOUR)
        rep.loc[mask, "op_mode"] = STATUS_FAILED
        rep.loc[mask, "op_errors"] = self.rng.integers(1, 5, int(mask.sum()))
        first = int(rep.loc[mask, "utc"].min())
        ok = self.first_report_at_or_after(inst, t + 36 * HOUR)
        self.record("update_failed", inst, "OperUP fails for 36 hours",
                    [dict(rule="update_broken", opened_at=utc_text(first), resolved_at=utc_text(ok))])
        # Stale: the nightly run stops; reports go on; 7 days later the update is stale, the edge planted exactly.
        inst = self.pick(PREMISES, interval=4.0, offset=3)
        t = self.at(33.1)
        local_t = int(local_of(inst, np.array([t]))[0])
        frozen = int(run_before(np.array([local_t]), np.array([inst.run_minute]))[0])
        offset = inst.clock[0][1] * HOUR
        edge = frozen + 7 * DAY - offset                   # UTC of the report exactly 7 days after the last run
        self.drop_reports(inst, edge - 2 * HOUR, edge + 2 * HOUR)
        self.add_report(inst, edge)
        self.add_report(inst, edge + MINUTE)
        rep = self.mon.reports
        back = t + 10 * DAY
        mask = self.reports_of(inst, t, back)
        rep.loc[mask, "op_mode"] = "frozen"
        rep.loc[mask, "op_frozen"] = frozen
        ok = self.first_report_at_or_after(inst, back)
        self.record("update_stale", inst, "OperUP stops running for 10 days; a report exactly 7 days after the "
                    "last run (not stale) and one a minute later (stale)",
                    [dict(rule="update_broken", opened_at=utc_text(edge + MINUTE), resolved_at=utc_text(ok))],
                    last_run_local=dt.datetime.fromtimestamp(frozen, dt.UTC).strftime("%d.%m.%Y %H:%M:%S"))
        # A broken update while a usage alert opens: the usage alert is kept, inhibited.
        inst = self.pick(PREMISES, interval=4.0, users=(12, 80))
        t = self.at(37.0) - inst.clock[0][1] * HOUR + 5 * HOUR           # 05:00 local
        mask = self.reports_of(inst, t, t + 3 * DAY)
        rep.loc[mask, "op_mode"] = STATUS_FAILED
        rep.loc[mask, "op_errors"] = 2
        first = int(rep.loc[mask, "utc"].min())
        ok = self.first_report_at_or_after(inst, t + 3 * DAY)
        self.sort()
        day = self.day_totals(inst, t + DAY, 60, 30)
        end = (day + 1) * DAY - inst.clock[0][1] * HOUR
        self.record("usage_alert_inhibited", inst, "an empty-search day while OperUP is broken",
                    [dict(rule="update_broken", opened_at=utc_text(first), resolved_at=utc_text(ok)),
                     dict(rule="empty_searches", opened_at=utc_text(end), resolved_at=utc_text(end + DAY),
                          inhibited=True, report_date=day_iso(day))])

    def _empty_day(self, pid: str, inst: Install, t: int, searches: int, empty: int, what: str) -> None:
        day = self.day_totals(inst, t, searches, empty)
        end = (day + 1) * DAY - inst.clock[0][1] * HOUR
        alert = searches >= 20 and 100 * empty > 30 * searches
        expect = [dict(rule="empty_searches", opened_at=utc_text(end), resolved_at=utc_text(end + DAY),
                       inhibited=False, report_date=day_iso(day))] if alert else []
        self.record(pid, inst, what, expect, report_date=day_iso(day), searches=searches, empty_searches=empty)

    def usage(self) -> None:
        noon = 8 * HOUR
        self._empty_day("empty_searches_day", self.pick(PREMISES, interval=4.0), self.at(20) + noon, 45, 20,
                        "45 searches, 20 empty (44 %)")
        inst = self.pick(INTERNET)
        self._empty_day("empty_searches_two_days", inst, self.at(41) + noon, 40, 18, "two days running: 18 of 40")
        self._empty_day("empty_searches_two_days_2", inst, self.at(42) + noon, 36, 15, "... and 15 of 36")
        self._empty_day("searches_19", self.pick(PREMISES, interval=8.0, offset=3), self.at(26) + noon, 19, 10,
                        "19 searches, 10 empty: below the minimum, no alert")
        self._empty_day("searches_20", self.pick(PREMISES, interval=8.0, offset=6), self.at(26) + noon, 20, 7,
                        "20 searches, 7 empty (35 %): an alert")
        self._empty_day("searches_20_exactly_30pct", self.pick(PREMISES, interval=8.0), self.at(27) + noon, 20, 6,
                        "20 searches, 6 empty (exactly 30 %, not more): no alert")
        self.activity()

    def activity(self) -> None:
        rep = self.mon.reports
        first = self.mon.first_day
        monday = first + 28 + (7 - (EPOCH + dt.timedelta(days=first + 28)).weekday()) % 7
        inst = self.pick(PREMISES, interval=4.0, users=(25, 150))
        mask = (rep["inst"] == inst.idx) & (rep["local"] // DAY >= monday) & (rep["local"] // DAY < monday + 7)
        for col in ("users_active", "sessions", "searches", "documents_opened"):
            rep.loc[mask, col] = self.rng.binomial(rep.loc[mask, col].to_numpy(), 0.2)
        rep.loc[mask, "empty_searches"] = np.minimum(rep.loc[mask, "empty_searches"], rep.loc[mask, "searches"])
        end = (monday + 7) * DAY - inst.clock[0][1] * HOUR
        self.record("activity_drop", inst, f"users fall to a fifth in the local week from {day_iso(monday)}",
                    [dict(rule="activity_drop", opened_at=utc_text(end), resolved_at=utc_text(end + 7 * DAY),
                          inhibited=False, week_start=day_iso(monday))], week_start=day_iso(monday))
        inst = self.pick(PREMISES, interval=4.0, users=(9, 14))
        mine = rep["inst"] == inst.idx
        rep.loc[mine, "users_active"] = np.minimum(rep.loc[mine, "users_active"], 4)
        week = mine & (rep["local"] // DAY >= monday) & (rep["local"] // DAY < monday + 7)
        rep.loc[week, "users_active"] = np.minimum(rep.loc[week, "users_active"], 1)
        self.record("activity_drop_small_median", inst, "at most 4 users active, then 1: the median of the weeks "
                    "before is below 5, no alert", [], week_start=day_iso(monday))

    def conflict(self) -> None:
        """The manager who moved to nsk while spb's lists keep her: her e-mail is withheld from then on."""
        day = self.world.conflict_day
        spb = [i for i in self.world.installs if i.cabinet == CONFLICT_CABINETS[0] and i.listed and not i.changed
               and i.managers[0][1].email == CONFLICT_EMAIL and i.idx not in self.used]
        nsk = [self.world.installs[k] for k in self.world.conflict_installs]
        for pid, inst, t, withheld in (("manager_before_conflict", spb[0], (day - 4) * DAY + 9 * HOUR, False),
                                       ("manager_in_two_branches_spb", spb[1], (day + 2) * DAY + 9 * HOUR, True),
                                       ("manager_in_two_branches_nsk", nsk[0], (day + 3) * DAY + 9 * HOUR, True)):
            self.used.add(inst.idx)
            extra = dict(manager_email=CONFLICT_EMAIL, email_withheld=withheld, conflict_from=day_iso(day))
            if inst.kind == INTERNET:
                self._down(pid, inst, t, 4, "an outage of an installation of the manager listed by two branches",
                           **extra)
            else:
                last = self.last_report_before(inst, t)
                self.drop_reports(inst, t, t + 2 * DAY)
                nxt = self.first_report_at_or_after(inst, t + 2 * DAY)
                self.record(pid, inst, "a silence of an installation of the manager listed by two branches",
                            [dict(rule="report_missing", opened_at=utc_text(last + 26 * HOUR),
                                  resolved_at=utc_text(nxt))], **extra)


PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*+-=?@^_"


def _password(rng: np.random.Generator) -> str:
    """A password as people send them: 10-14 characters of letters, digits and signs (never `;` or a quote)."""
    n = int(rng.integers(10, 15))
    return "".join(PASSWORD_ALPHABET[k] for k in rng.integers(0, len(PASSWORD_ALPHABET), n))


def _online(mon: Monitoring, rng: np.random.Generator) -> list[OnlineFile]:
    """The online lists: one per cabinet that has online clients on the first day; spb sends a new one later
    (a client added, one gone, one password changed). Some accesses come without a password."""
    names = rng.permutation([h + t for h in NAME_HEADS for t in NAME_TAILS if h != t])
    files = []
    used = {(i.cabinet, i.client) for i in mon.installs}
    k = 0
    for cabinet, count in mon.params.online_clients.items():
        rows = []
        distributor = mon.cabinets.set_index("cabinet").loc[cabinet, "distributor"]
        while len(rows) < count:
            client = str(names[k])
            k += 1
            if (cabinet, client) in used:
                continue
            password = "" if rng.random() < mon.params.no_password_share else _password(rng)
            login = f"{client.lower()}{int(rng.integers(1, 99))}"
            rows.append((client, f"https://online.{distributor}.example/", login, password,
                         f"{distributor}/{client.lower()}"))
        files.append(OnlineFile(cabinet, mon.first_day, tuple(rows)))
        if cabinet == "kodeks-spb":
            later = list(rows[1:])
            later[0] = later[0][:3] + (_password(rng),) + later[0][4:]
            client = str(names[k])
            k += 1
            later.append((client, f"https://online.{distributor}.example/", f"{client.lower()}1", _password(rng),
                          f"{distributor}/{client.lower()}"))
            files.append(OnlineFile(cabinet, mon.first_day + 30, tuple(later)))
    return sorted(files, key=lambda f: (f.day, f.cabinet))


CORRUPT_KINDS = {"truncated": "a report cut off mid-line (not JSON)",
                 "html": "a proxy's error page instead of a report (not JSON)",
                 "no_client": "a JSON object without the key's `client` field"}
HTML_LINE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


def _corrupt_lines(mon: Monitoring) -> None:
    """Extra lines in the sysinfo files (after the report rows named), besides the reports, never instead."""
    n = len(mon.reports)
    for k, kind in enumerate(CORRUPT_KINDS):
        mon.corrupt_lines.append((int(n * (0.3 + 0.2 * k)), kind, CORRUPT_KINDS[kind]))
