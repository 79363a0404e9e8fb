"""The registry of raw tables: the one place that says what each extract holds.

The loaders create the raw tables from it and the dbt `sources` YAML is generated from it, so a column
added here reaches the warehouse and the data map together. Types are ClickHouse types as stored in
`raw`; a column that may be missing in an extract is `Nullable` so that "missing" is never confused with a
value (UCCX's own `-1` and empty strings are kept as delivered; staging turns them into NULL).
"""

from __future__ import annotations

from dataclasses import dataclass, field

RAW_DATABASE = "raw"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Format:
    """How a source system writes its CSV files."""

    name: str
    delimiter: str = ","
    encoding: str = "utf-8"
    decimal_comma: bool = False
    # Text times in this zone are converted to UTC on load; None means they are written in UTC already
    # or (wfm) are local wall-clock times kept as written.
    source_time_zone: str | None = None
    # The exact pattern of times in this format (ClickHouse parseDateTime syntax); None: any ISO-like form.
    time_format: str | None = None
    # Extra columns beyond the registry are kept in `_extra` (UCCX); elsewhere they reject the file.
    keep_extra_columns: bool = False
    # Free text (CRM comments) whose leading and trailing spaces are data: unquoted fields are read as written.
    # Elsewhere spaces around an unquoted field are padding and are trimmed (also the engine's faster path).
    free_text: bool = False
    description: str = ""


UCCX = Format(
    "uccx", keep_extra_columns=True,
    description="Cisco UCCX historical reporting extract: comma-delimited UTF-8 CSV, UCCX column names, UTC times.",
)
CRM = Format(
    "crm", delimiter=";", encoding="cp1251", decimal_comma=True, source_time_zone="Europe/Moscow",
    time_format="%d.%m.%Y %H:%i:%s", free_text=True,
    description="CRM export: semicolon-delimited Windows-1251 CSV, decimal comma, DD.MM.YYYY HH:MM:SS Moscow time "
                "(converted to UTC on load).",
)
BRM = Format("brm", description="Billing export: comma-delimited UTF-8 CSV, ISO dates, UTC.")
WFM = Format(
    "wfm",
    description="WFM export: comma-delimited UTF-8 CSV; times are local wall-clock times of the operator's "
                "territory, stored as written under a nominal UTC label (staging applies the territory's offset).",
)
OMNICHAT_API = Format("omnichat_api", description="Omnichat HTTP JSON API, pulled page by page; times in UTC.")


@dataclass(frozen=True)
class Freshness:
    warn_hours: int
    error_hours: int


@dataclass(frozen=True)
class Table:
    group: str
    name: str
    description: str
    format: Format
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Partition expression over the extract's main date, or None for small dictionaries (one partition).
    partition_by: str | None
    freshness: Freshness
    # Among rows with the same key the newest value of this column wins; None: the latest loaded batch wins.
    version_column: str | None = None
    # Columns that must be present (besides the key): a row without them is rejected.
    required: tuple[str, ...] = field(default=())

    @property
    def qualified(self) -> str:
        return f"{self.group}.{self.name}"

    @property
    def raw_name(self) -> str:
        return f"{self.group}__{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns a row cannot lack: the key, the declared ones, and every non-text column that cannot be NULL."""
        implied = tuple(c.name for c in self.columns
                        if not c.type.startswith(("Nullable(", "LowCardinality(Nullable(")) and "String" not in c.type)
        return tuple(dict.fromkeys(self.key + self.required + implied))


# Load metadata carried by every raw row.
META_COLUMNS: tuple[Column, ...] = (
    Column("_batch_id", "UUID", "Load batch that wrote the row (raw.load_batches.batch_id); visible to staging only once "
                                "that batch is committed."),
    Column("_source", "LowCardinality(String)", "Where the row came from: the file path relative to the inbox, or the API "
                                                "request (without credentials)."),
    Column("_source_row", "UInt64", "1-based position of the row in its source: the data record number in the file "
                                    "(header not counted; a quoted line break does not start a record), or the item "
                                    "number within the API pull."),
    Column("_loaded_at", "DateTime64(3, 'UTC')", "When the loader wrote the batch (UTC)."),
)
EXTRA_COLUMN = Column("_extra", "Map(String, String)",
                      "Columns of the extract that the registry does not name, kept as text by column name.")

UTC = "DateTime64(3, 'UTC')"
N_UTC = f"Nullable({UTC})"
LC = "LowCardinality(String)"

_SESSION = Column("sessionID", "Int64", "UCCX session id of the contact; shared by all legs of one call.")
_SEQ = Column("sessionSeqNum", "Int16", "Leg number within the session: 0 for the first leg, increasing with each "
                                         "transfer or redirect.")
_NODE = Column("nodeID", "Int16", "UCCX cluster node that handled the contact.")
_PROFILE = Column("profileID", "Int32", "UCCX configuration profile id.")
_START = Column("startDateTime", UTC, "Start of the record, UTC.")
_END = Column("endDateTime", N_UTC, "End of the record, UTC.")
_GMT = Column("gmtOffset", "Nullable(Int16)", "Offset in minutes of the UCCX server's local time from UTC, as "
                                              "recorded by UCCX.")
_QINDEX = Column("qIndex", "Int16", "Index of the queue visit within the leg (a contact can be queued several "
                                    "times).")

_CMS = (
    Table(
        "cms", "uccx_contact_call_detail",
        "Cisco UCCX ContactCallDetail: one row per leg of every contact (call).",
        UCCX,
        (
            _SESSION, _SEQ, _NODE, _PROFILE,
            Column("contactType", "Nullable(Int16)", "1 incoming, 2 outgoing, 3 internal, 4 redirect in, 5 transfer in, "
                                                     "6 preview outbound."),
            Column("contactDisposition", "Nullable(Int16)", "1 abandoned, 2 handled, 3 do not care, 4 aborted, "
                                                            "5 rejected."),
            Column("dispositionReason", "String", "UCCX disposition reason text; empty if none."),
            Column("originatorType", "Nullable(Int16)", "Kind of originator: 1 agent, 2 device, 3 unknown."),
            Column("originatorID", "Nullable(Int32)", "Id of the originator (agent resourceID or device); -1 if "
                                                      "missing."),
            Column("originatorDN", "String", "Originating number (the caller's number for incoming calls)."),
            Column("destinationType", "Nullable(Int16)", "Kind of destination: 1 agent, 2 device, 3 unknown."),
            Column("destinationID", "Nullable(Int32)", "Id of the destination (agent resourceID or device); -1 if "
                                                       "missing."),
            Column("destinationDN", "String", "Destination number."),
            _START, _END, _GMT,
            Column("calledNumber", "String", "Number dialled for this leg."),
            Column("origCalledNumber", "String", "Number originally dialled by the caller."),
            Column("applicationName", "String", "UCCX application (IVR script) that took the call."),
            Column("connectTime", "Nullable(Int32)", "Seconds the leg was connected; -1 if missing."),
            Column("transfer", "Nullable(Int8)", "1 if the leg was transferred."),
            Column("redirect", "Nullable(Int8)", "1 if the leg was redirected."),
            Column("conference", "Nullable(Int8)", "1 if the leg was a conference."),
        ),
        key=("nodeID", "profileID", "sessionID", "sessionSeqNum"),
        partition_by="toYYYYMM(startDateTime)",
        freshness=Freshness(26, 50),
    ),
    Table(
        "cms", "uccx_contact_queue_detail",
        "Cisco UCCX ContactQueueDetail: one row per visit of a contact leg to a queue (CSQ) or agent target.",
        UCCX,
        (
            _SESSION, _SEQ, _PROFILE, _NODE,
            Column("targetID", "Int32", "Queue or agent the contact was presented to: a ContactServiceQueue recordID "
                                        "when targetType is 0."),
            Column("targetType", "Int16", "0 a contact service queue (CSQ), 1 an agent."),
            _QINDEX,
            Column("queueOrder", "Nullable(Int16)", "Order of the target when the contact was queued to several at "
                                                    "once."),
            Column("disposition", "Nullable(Int16)", "1 abandoned, 2 handled, 3 dequeued, 4 handled by script, "
                                                     "5 handled by another queue."),
            Column("metServiceLevel", "Nullable(Int8)", "1 if UCCX counted the contact within the queue's service "
                                                        "level."),
            Column("queueTime", "Nullable(Int32)", "Whole seconds spent in the queue; -1 if missing."),
            _START, _END,
        ),
        key=("nodeID", "profileID", "sessionID", "sessionSeqNum", "targetID", "targetType", "qIndex"),
        partition_by="toYYYYMM(startDateTime)",
        freshness=Freshness(26, 50),
        required=("startDateTime",),
    ),
    Table(
        "cms", "uccx_agent_connection_detail",
        "Cisco UCCX AgentConnectionDetail: one row per connection of a contact leg to an agent.",
        UCCX,
        (
            _SESSION, _SEQ, _NODE, _PROFILE,
            Column("resourceID", "Int32", "Agent (Resource resourceID) the contact was connected to."),
            _START, _END, _QINDEX, _GMT,
            Column("ringTime", "Nullable(Int32)", "Whole seconds the agent's phone rang; -1 if missing."),
            Column("talkTime", "Nullable(Int32)", "Whole seconds of talk; -1 if missing."),
            Column("holdTime", "Nullable(Int32)", "Whole seconds on hold; -1 if missing."),
            Column("workTime", "Nullable(Int32)", "Whole seconds of after-call work; -1 if missing."),
            Column("callWrapupData", "String", "Wrap-up code the agent entered; empty if none."),
        ),
        key=("nodeID", "profileID", "sessionID", "sessionSeqNum", "resourceID", "startDateTime", "qIndex"),
        partition_by="toYYYYMM(startDateTime)",
        freshness=Freshness(26, 50),
    ),
    Table(
        "cms", "uccx_resource",
        "Cisco UCCX Resource: agents, versioned the UCCX way (a change writes a new row and deactivates the old).",
        UCCX,
        (
            Column("resourceID", "Int32", "Agent record id."),
            _PROFILE,
            Column("resourceLoginID", "String", "Agent's Cisco login (matches wfm staff resource_login_id)."),
            Column("resourceName", "String", "Agent's display name."),
            Column("resourceGroupID", "Nullable(Int32)", "Resource group of the agent; -1 if none."),
            Column("resourceType", "Nullable(Int16)", "UCCX resource type code."),
            Column("active", "Nullable(Int8)", "1 for the current version of the agent, 0 for a replaced one."),
            Column("autoAvail", "Nullable(Int8)", "1 if the agent becomes available automatically after a call."),
            Column("extension", "String", "Agent's phone extension."),
            Column("dateInactive", N_UTC, "When this version was deactivated, UTC; empty while active."),
        ),
        key=("resourceID", "profileID"),
        partition_by=None,
        freshness=Freshness(24 * 7, 24 * 14),
    ),
    Table(
        "cms", "uccx_contact_service_queue",
        "Cisco UCCX ContactServiceQueue: queues (CSQ), versioned: a change writes a new recordID; "
        "contactServiceQueueID stays stable.",
        UCCX,
        (
            Column("recordID", "Int32", "Id of this version of the queue (the targetID of queue detail rows)."),
            Column("contactServiceQueueID", "Int32", "Stable queue id across versions; the dictionaries map it to a "
                                                     "service and territory."),
            _PROFILE,
            Column("CSQName", "String", "Queue name."),
            Column("resourcePoolType", "Nullable(Int16)", "How agents are selected: 1 by resource group, 2 by skill."),
            Column("serviceLevel", "Nullable(Int32)", "Service-level threshold of the queue in seconds, as configured "
                                                      "in UCCX."),
            Column("serviceLevelPercentage", "Nullable(Int16)", "Target percentage of contacts within the service "
                                                                "level."),
            Column("active", "Nullable(Int8)", "1 for the current version of the queue."),
            Column("dateInactive", N_UTC, "When this version was deactivated, UTC; empty while active."),
            Column("queueType", "Nullable(Int16)", "UCCX queue type code (voice, chat, email)."),
        ),
        key=("recordID", "profileID"),
        partition_by=None,
        freshness=Freshness(24 * 7, 24 * 14),
    ),
    Table(
        "cms", "omnichat_chats",
        "Omnichat chats pulled from the HTTP JSON API; a chat appears again with a newer updated_at when it "
        "changes (the latest version wins).",
        OMNICHAT_API,
        (
            Column("chat_id", "String", "Omnichat chat id."),
            Column("channel", LC, "Channel: web, app, telegram, whatsapp, vk."),
            Column("territory_code", LC, "Territory of the chat (dim territories)."),
            Column("service_code", LC, "Service (служба) that took the chat (dim services)."),
            Column("customer_id", "String", "Customer id of the chat's client."),
            Column("created_at", UTC, "When the chat was opened, UTC."),
            Column("queued_at", N_UTC, "When the chat entered the operators' queue, UTC."),
            Column("accepted_at", N_UTC, "When an operator accepted the chat, UTC; NULL if never accepted."),
            Column("closed_at", N_UTC, "When the chat was closed, UTC."),
            Column("updated_at", UTC, "Last change of the chat, UTC: the version column."),
            Column("operator_login", "Nullable(String)", "Operator who served the chat; NULL if none."),
            Column("status", LC, "served, lost or bot_only."),
            Column("messages_client", "Nullable(Int32)", "Messages written by the client."),
            Column("messages_operator", "Nullable(Int32)", "Messages written by operators."),
            Column("first_response_sec", "Nullable(Int32)", "Seconds from queueing to the operator's first reply."),
            Column("topic", "String", "Topic of the chat."),
            Column("csat", "Nullable(UInt8)", "Customer satisfaction score 1-5; NULL if not rated."),
        ),
        key=("chat_id",),
        partition_by="toYYYYMM(created_at)",
        freshness=Freshness(6, 26),
        version_column="updated_at",
        required=("created_at", "updated_at"),
    ),
)

_MSK_NOTE = " (written in Moscow time, stored in UTC)"
_CRM = (
    Table(
        "crm", "appeals",
        "CRM appeals (обращения): one row per appeal; a later extract may deliver an appeal again (the latest "
        "loaded extract wins).",
        CRM,
        (
            Column("appeal_id", "UInt64", "CRM appeal id."),
            Column("created_at", "DateTime('UTC')", "When the appeal was registered" + _MSK_NOTE + "."),
            Column("channel", LC, "call, chat, email, office or web."),
            Column("contact_ref", "String", "Cisco sessionID for calls, Omnichat chat_id for chats, empty otherwise."),
            Column("customer_id", "Nullable(UInt64)", "Customer who appealed."),
            Column("account_id", "Nullable(UInt64)", "Billing account concerned (brm accounts); NULL if none."),
            Column("territory_code", LC, "Territory of the appeal (dim territories)."),
            Column("product_code", LC, "Product concerned (dim products)."),
            Column("service_code", LC, "Service (служба) that registered the appeal (dim services)."),
            Column("category", "String", "Appeal category."),
            Column("subcategory", "String", "Appeal subcategory."),
            Column("status", LC, "new, in_progress, resolved, closed or escalated."),
            Column("resolved_at", "Nullable(DateTime('UTC'))", "When the appeal was resolved" + _MSK_NOTE +
                   "; NULL if not resolved."),
            Column("operator_login", "String", "Operator who registered the appeal (wfm staff operator_login)."),
            Column("comment", "String", "Free text of the appeal (Russian; may contain delimiters and line breaks)."),
        ),
        key=("appeal_id",),
        partition_by="toYYYYMM(created_at)",
        freshness=Freshness(26, 50),
    ),
    Table(
        "crm", "script_runs",
        "CRM script manager: one row per step of a script run by an operator on an appeal.",
        CRM,
        (
            Column("run_id", "UInt64", "Script run id."),
            Column("appeal_id", "Nullable(UInt64)", "Appeal the script was run for."),
            Column("script_code", LC, "Script."),
            Column("step_no", "Int32", "Step number within the run."),
            Column("step_code", "String", "Step of the script."),
            Column("started_at", "DateTime('UTC')", "When the step started" + _MSK_NOTE + "."),
            Column("finished_at", "Nullable(DateTime('UTC'))", "When the step finished" + _MSK_NOTE + "."),
            Column("result", "String", "Outcome of the step."),
        ),
        key=("run_id", "step_no"),
        partition_by="toYYYYMM(started_at)",
        freshness=Freshness(26, 50),
    ),
)

_BRM = (
    Table(
        "brm", "accounts",
        "Billing accounts (the subscriber base); an account may be delivered again with a newer updated_at "
        "(the latest version wins).",
        BRM,
        (
            Column("account_id", "UInt64", "Billing account id."),
            Column("customer_id", "Nullable(UInt64)", "Customer owning the account."),
            Column("territory_code", LC, "Territory of the account (dim territories)."),
            Column("product_code", LC, "Product of the account (dim products)."),
            Column("tariff_code", LC, "Tariff plan."),
            Column("activated_at", N_UTC, "When the account was activated, UTC."),
            Column("deactivated_at", N_UTC, "When the account was deactivated, UTC; NULL while active."),
            Column("status", LC, "Account status."),
            Column("updated_at", UTC, "Last change of the account, UTC: the version column."),
        ),
        key=("account_id",),
        partition_by="toYYYYMM(updated_at)",
        freshness=Freshness(26, 50),
        version_column="updated_at",
        required=("updated_at",),
    ),
    Table(
        "brm", "charges",
        "Billing charges: one row per account, month and charge type.",
        BRM,
        (
            Column("account_id", "UInt64", "Billing account charged."),
            Column("period_month", LC, "Billing month, YYYY-MM."),
            Column("charge_type", LC, "Kind of charge."),
            Column("amount_rub", "Nullable(Decimal(18, 2))", "Amount in roubles, two decimals."),
        ),
        key=("account_id", "period_month", "charge_type"),
        partition_by="period_month",
        freshness=Freshness(24 * 35, 24 * 45),
    ),
    Table(
        "brm", "payments",
        "Billing payments: one row per payment.",
        BRM,
        (
            Column("payment_id", "UInt64", "Payment id."),
            Column("account_id", "Nullable(UInt64)", "Billing account paid."),
            Column("paid_at", UTC, "When the payment was made, UTC."),
            Column("amount_rub", "Nullable(Decimal(18, 2))", "Amount in roubles, two decimals."),
            Column("method", LC, "Payment method."),
        ),
        key=("payment_id",),
        partition_by="toYYYYMM(paid_at)",
        freshness=Freshness(26, 50),
        required=("paid_at",),
    ),
)

_LOCAL = " (local wall-clock time of the operator's territory, stored as written)"
_WFM = (
    Table(
        "wfm", "staff",
        "WFM staff roster, versioned by valid_from: one row per operator and version of their assignment.",
        WFM,
        (
            Column("operator_login", "String", "Operator login used in the CRM and WFM."),
            Column("resource_login_id", "String", "The operator's Cisco login (cms uccx_resource resourceLoginID)."),
            Column("full_name", "String", "Operator's full name."),
            Column("team", "String", "Team of the operator."),
            Column("service_code", LC, "Service (служба) of the operator (dim services)."),
            Column("territory_code", LC, "Territory of the operator (dim territories)."),
            Column("rate", "Nullable(Decimal(6, 3))", "Employment rate in FTE (1.000 is full time)."),
            Column("hired_at", "Nullable(Date)", "Hiring date."),
            Column("fired_at", "Nullable(Date)", "Dismissal date; NULL while employed."),
            Column("valid_from", "Date", "First day this version of the assignment applies."),
        ),
        key=("operator_login", "valid_from"),
        partition_by=None,
        freshness=Freshness(24 * 7, 24 * 14),
    ),
    Table(
        "wfm", "schedules",
        "WFM schedules: one row per scheduled activity of an operator's shift.",
        WFM,
        (
            Column("operator_login", "String", "Operator."),
            Column("shift_date", "Date", "Date of the shift" + _LOCAL + "."),
            Column("activity", LC, "work, break, training, meeting or absence."),
            Column("activity_start", "DateTime('UTC')", "Start of the activity" + _LOCAL + "."),
            Column("activity_end", "Nullable(DateTime('UTC'))", "End of the activity" + _LOCAL + "."),
        ),
        key=("operator_login", "shift_date", "activity_start"),
        partition_by="toYYYYMM(shift_date)",
        freshness=Freshness(26, 50),
    ),
    Table(
        "wfm", "forecasts",
        "WFM forecasts per service, territory and 30-minute interval; an interval may be re-published (the "
        "latest publication before the interval starts counts).",
        WFM,
        (
            Column("service_code", LC, "Service (служба) forecast (dim services)."),
            Column("territory_code", LC, "Territory forecast (dim territories)."),
            Column("interval_start", "DateTime('UTC')", "Start of the 30-minute interval" + _LOCAL + "."),
            Column("forecast_offered", "Nullable(Float64)", "Forecast number of offered contacts."),
            Column("forecast_aht_sec", "Nullable(Float64)", "Forecast average handle time, seconds."),
            Column("required_agents", "Nullable(Float64)", "Agents required to meet the service level."),
            Column("published_at", "DateTime('UTC')", "When this forecast was published" + _LOCAL + "."),
        ),
        key=("service_code", "territory_code", "interval_start", "published_at"),
        partition_by="toYYYYMM(interval_start)",
        freshness=Freshness(24 * 7, 24 * 14),
    ),
)

TABLES: dict[str, Table] = {table.qualified: table for table in (*_CMS, *_CRM, *_BRM, *_WFM)}
GROUPS: tuple[str, ...] = ("cms", "crm", "brm", "wfm")


def csv_tables() -> list[Table]:
    """Tables delivered as files in the inbox."""
    return [table for table in TABLES.values() if table.format is not OMNICHAT_API]


def get(qualified: str) -> Table:
    """The table `group.table`, with a message naming the known ones when it is not registered."""
    try:
        return TABLES[qualified]
    except KeyError:
        raise KeyError(f"no raw table {qualified!r} in the registry (known: {', '.join(sorted(TABLES))})") from None
