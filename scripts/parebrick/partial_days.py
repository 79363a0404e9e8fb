"""Which days of a daily series are whole: the one rule for the partial days at the edges of the data.

`parebrick summary` takes its headline from the newest whole day, and the notebooks leave partial edge days
out of every daily statistic (a partial day would look like a collapse of demand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# An edge day with less than this share of the median day's volume is partial.
PARTIAL_DAY_SHARE = 0.5


def complete_days(totals: pd.Series, share: float = PARTIAL_DAY_SHARE) -> pd.Series:
    """Which days of a daily total (indexed by date, in order) are complete: all but the partial edges.

    A period's first and last local dates can hold only part of a day (the extracts start or stop at a
    Moscow midnight, so the eastern territories' first or western territories' last hours fall on a date of
    their own); a run of edge days below `share` × the median volume is partial. A low day inside the period
    is kept: it is data, and the anomaly check is there to flag it.
    """
    values = totals.to_numpy(dtype=float)
    keep = np.ones(len(values), dtype=bool)
    if len(values) == 0:
        return pd.Series(keep, index=totals.index)
    low = values < share * np.median(values)
    for order in (range(len(values)), range(len(values) - 1, -1, -1)):
        for i in order:
            if not low[i]:
                break
            keep[i] = False
    return pd.Series(keep, index=totals.index)
