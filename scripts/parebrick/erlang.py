"""Erlang C, vectorised over many intervals at once: the staffing model behind the generator's forecasts and
queue times and behind the analyses' staffing gap (one module, so both staff the same way)."""

from __future__ import annotations

import numpy as np


def erlang_c(agents: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Probability that a call waits, for `agents` servers and offered `load` (Erlangs); 1 when overloaded."""
    agents = np.asarray(agents, dtype=np.int64)
    load = np.asarray(load, dtype=np.float64)
    top = int(agents.max()) if agents.size else 0
    b = np.ones_like(load)
    result = np.ones_like(load)
    for n in range(1, top + 1):
        b = load * b / (n + load * b)
        at = agents == n
        if at.any():
            denom = n - load[at] * (1.0 - b[at])
            c = np.where(denom > 0, n * b[at] / np.maximum(denom, 1e-12), 1.0)
            result[at] = np.clip(c, 0.0, 1.0)
    result[agents <= load] = 1.0
    return result


def required_agents(rate_per_sec: np.ndarray, aht_sec: np.ndarray, threshold_sec: np.ndarray,
                    target: float) -> np.ndarray:
    """Fewest agents whose Erlang C service level (share answered within the threshold) reaches `target`."""
    rate = np.asarray(rate_per_sec, dtype=np.float64)
    aht = np.broadcast_to(np.asarray(aht_sec, dtype=np.float64), rate.shape)
    thr = np.broadcast_to(np.asarray(threshold_sec, dtype=np.float64), rate.shape)
    load = rate * aht
    need = np.zeros(rate.shape, dtype=np.int64)
    open_ = load > 0
    top = int(np.ceil(load.max() * 1.5 + 10)) if load.size else 0
    b = np.ones_like(load)
    for n in range(1, top + 1):
        b = load * b / (n + load * b)
        denom = n - load * (1.0 - b)
        c = np.where(denom > 0, n * b / np.maximum(denom, 1e-12), 1.0)
        sl = 1.0 - c * np.exp(-(n / aht - rate) * thr)
        ok = open_ & (need == 0) & (n > load) & (sl >= target)
        need[ok] = n
    need[open_ & (need == 0)] = top
    return need
