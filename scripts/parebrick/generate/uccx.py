"""The five Cisco UCCX tables in the db_cra column names, built from the simulation's arrays. Booleans are
`t` / `f`, as an Informix unload of db_cra writes them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parebrick.generate.csvout import date_str, ts_ms, ts_sec
from parebrick.generate.dictionaries import Dictionaries
from parebrick.generate.workforce import Workforce

PROFILE_ID = 1
GMT_OFFSET_MIN = 180            # the UCCX servers run on Moscow time
EXTENSION_BASE = 70_000         # an agent's phone extension is 7xxxx: this plus the operator's number
RESOURCE_GROUP_BASE = 100       # a team's resourceGroupID: this plus its queue's index
INFORMIX_TRUE, INFORMIX_FALSE = "t", "f"   # booleans as an Informix unload of db_cra writes them
WRAPUP = np.array(["", "", "Консультация", "Заявка создана", "Перевод на 2ЛТП", "Решено на линии", "Жалоба"])

CCD_COLUMNS = ("sessionID", "sessionSeqNum", "nodeID", "profileID", "contactType", "contactDisposition",
               "dispositionReason", "originatorType", "originatorID", "originatorDN", "destinationType",
               "destinationID", "destinationDN", "startDateTime", "endDateTime", "gmtOffset", "calledNumber",
               "origCalledNumber", "applicationName", "connectTime", "transfer", "redirect", "conference")
CQD_COLUMNS = ("sessionID", "sessionSeqNum", "profileID", "nodeID", "targetID", "targetType", "qIndex",
               "queueOrder", "disposition", "metServiceLevel", "queueTime", "startDateTime", "endDateTime")
ACD_COLUMNS = ("sessionID", "sessionSeqNum", "nodeID", "profileID", "resourceID", "startDateTime",
               "endDateTime", "qIndex", "gmtOffset", "ringTime", "talkTime", "holdTime", "workTime",
               "callWrapupData")


class QueueVersions:
    """ContactServiceQueue rows: one recordID per queue, and a second one for the queue edited mid-period."""

    def __init__(self, dicts: Dictionaries, edited_index: int, edit_ms: int) -> None:
        self.queues = dicts.queues
        self.n = len(self.queues)
        self.edited_index, self.edit_ms = edited_index, edit_ms
        self.new_record = self.n + 1

    def record_id(self, q: np.ndarray, ms: np.ndarray) -> np.ndarray:
        rid = np.asarray(q) + 1
        return np.where((np.asarray(q) == self.edited_index) & (ms >= self.edit_ms), self.new_record, rid)

    def table(self) -> dict:
        qs = self.queues
        n = self.n
        e = self.edited_index
        rid = np.r_[np.arange(1, n + 1), self.new_record]
        csq = np.r_[qs["csq_id"].to_numpy(), qs["csq_id"].to_numpy()[e]]
        name = list(qs["csq_name"]) + [qs["csq_name"].iloc[e]]
        sl = np.r_[qs["service_level_sec"].to_numpy(), qs["service_level_sec"].to_numpy()[e]]
        pct = np.r_[np.full(n, 80), 85]
        active = np.ones(n + 1, dtype=bool)
        active[e] = False
        inactive = pa.array([None] * e + [ts_ms(np.array([self.edit_ms]))[0].as_py()] + [None] * (n - e),
                            pa.string())
        return {"recordID": rid, "contactServiceQueueID": csq, "profileID": np.full(n + 1, PROFILE_ID),
                "CSQName": name, "resourcePoolType": np.full(n + 1, 1), "serviceLevel": sl,
                "serviceLevelPercentage": pct, "active": informix_bool(active), "dateInactive": inactive,
                "queueType": np.full(n + 1, 0)}

    def sl_of_record(self) -> dict[int, int]:
        t = self.table()
        return dict(zip(t["recordID"].tolist(), t["serviceLevel"].tolist()))


def resource_table(wf: Workforce) -> dict:
    """Resource: one row per operator version; a moved or fired operator's old row is inactive."""
    v = wf.versions
    ops = np.array([x[0] for x in v])
    teams = np.array([x[1] for x in v])
    inactive_day = wf.version_inactive_day
    ext = EXTENSION_BASE + ops
    return {"resourceID": wf.resource_of_version, "profileID": np.full(len(v), PROFILE_ID),
            "resourceLoginID": [wf.op_login[o] for o in ops], "resourceName": [wf.op_name[o] for o in ops],
            "resourceGroupID": RESOURCE_GROUP_BASE + teams, "resourceType": np.full(len(v), 1),
            "active": informix_bool(inactive_day < 0), "autoAvail": informix_bool(np.ones(len(v), dtype=bool)),
            "extension": [str(x) for x in ext],
            "dateInactive": ts_sec(np.maximum(inactive_day, 0) * 86400 - GMT_OFFSET_MIN * 60,
                                   missing=inactive_day < 0)}


def _dn(q: np.ndarray) -> pa.Array:
    return pa.array(np.char.add("8800", (1000 + np.maximum(q, 0)).astype(str)))


def ccd_table(legs: dict, qv: QueueVersions, rng: np.random.Generator, ext_of_resource: np.ndarray) -> dict:
    n = len(legs["session"])
    q = legs["q"].astype(np.int64)
    caller = pa.array(np.char.add("9", rng.integers(100_000_000, 999_999_999, n).astype(str)))
    caller = pc.if_else(pa.array(legs["otype"] == 1), pa.scalar(None, pa.string()), caller)
    names = np.array(["APP_" + s.removeprefix("CSQ_") for s in qv.queues["csq_name"]] + ["APP_MAIN_IVR"])
    app = names[np.where(q >= 0, q, len(names) - 1)]
    did = legs["did"].astype(np.int64)
    dest_dn = pc.if_else(pa.array(did >= 0), pa.array(ext_of_resource[np.maximum(did, 0)].astype(str)),
                         _dn(q))
    orig_dn = pc.if_else(pa.array(legs["otype"] == 1),
                         pa.array(ext_of_resource[np.maximum(legs["oid"].astype(np.int64), 0)].astype(str)), caller)
    called = pc.if_else(pa.array(q >= 0), _dn(q), pa.scalar("88001000000"))
    return {"sessionID": legs["session"], "sessionSeqNum": legs["seq"], "nodeID": legs["node"],
            "profileID": np.full(n, PROFILE_ID), "contactType": legs["ctype"], "contactDisposition": legs["cdisp"],
            "dispositionReason": pa.nulls(n, pa.string()), "originatorType": legs["otype"],
            "originatorID": legs["oid"], "originatorDN": orig_dn, "destinationType": legs["dtype"],
            "destinationID": did, "destinationDN": dest_dn, "startDateTime": ts_ms(legs["start"]),
            "endDateTime": ts_ms(legs["end"]), "gmtOffset": np.full(n, GMT_OFFSET_MIN),
            "calledNumber": called, "origCalledNumber": pa.array(np.full(n, "88001000000")),
            "applicationName": pa.array(app), "connectTime": legs["connect"], "transfer": informix_bool(legs["transfer"]),
            "redirect": informix_bool(legs["redirect"]), "conference": informix_bool(np.zeros(n, dtype=bool))}


def cqd_table(qrows: dict, session: np.ndarray, node: np.ndarray, qv: QueueVersions) -> dict:
    n = len(qrows["q"])
    rec = qv.record_id(qrows["q"], qrows["start"])
    sl_map = qv.sl_of_record()
    sl = np.array([sl_map[r] for r in range(1, qv.new_record + 1)])[rec - 1]
    met = informix_bool((qrows["disp"] == 2) & (qrows["qtime"] <= sl))
    return {"sessionID": session[qrows["contact"]], "sessionSeqNum": qrows["seq"], "profileID": np.full(n, PROFILE_ID),
            "nodeID": node[qrows["contact"]], "targetID": rec, "targetType": np.zeros(n, dtype=np.int64),
            "qIndex": qrows["qindex"], "queueOrder": qrows["qorder"], "disposition": qrows["disp"],
            "metServiceLevel": met, "queueTime": qrows["qtime"], "startDateTime": ts_ms(qrows["start"]),
            "endDateTime": ts_ms(qrows["end"])}


def acd_table(arows: dict, session: np.ndarray, node: np.ndarray, rng: np.random.Generator) -> dict:
    n = len(arows["resource"])
    wrap = WRAPUP[rng.integers(0, len(WRAPUP), n)]
    wrap = np.where(arows["talk"] > 0, wrap, "")
    return {"sessionID": session[arows["contact"]], "sessionSeqNum": arows["seq"], "nodeID": node[arows["contact"]],
            "profileID": np.full(n, PROFILE_ID), "resourceID": arows["resource"],
            "startDateTime": ts_ms(arows["start"]), "endDateTime": ts_ms(arows["end"]), "qIndex": arows["qindex"],
            "gmtOffset": np.full(n, GMT_OFFSET_MIN), "ringTime": arows["ring"], "talkTime": arows["talk"],
            "holdTime": arows["hold"], "workTime": arows["work"],
            "callWrapupData": pc.if_else(pa.array(wrap == ""), pa.scalar(None, pa.string()), pa.array(wrap))}


def informix_bool(values: np.ndarray) -> pa.Array:
    """`t` / `f` for true (non-zero) / false values."""
    return pa.array(np.where(np.asarray(values) != 0, INFORMIX_TRUE, INFORMIX_FALSE))


def msk_day(ms: np.ndarray) -> np.ndarray:
    """The extract day of a row: UCCX extracts are cut at midnight Moscow time."""
    return (np.asarray(ms) // 1000 + GMT_OFFSET_MIN * 60) // 86400


__all__ = ["QueueVersions", "resource_table", "ccd_table", "cqd_table", "acd_table", "msk_day", "date_str"]
