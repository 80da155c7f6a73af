"""Reading a sweep's runs.csv rows in the bench scripts.

runs.csv lists runs in the order they finish, which threads change from one
invocation to the next: anything a script derives from the rows must not depend
on that order.
"""

import math


def score(row, column):
    """The row's `column` as a float; None when the run has none (diverged, pruned
    before scoring) or it is nan."""
    text = row.get(column) or ""
    if not text:
        return None
    value = float(text)
    return None if math.isnan(value) else value


def best_row(rows, column):
    """The row with the highest `column`, ties to the lowest run id; None when no
    row has a score."""
    scored = [r for r in rows if score(r, column) is not None]
    if not scored:
        return None
    return max(scored, key=lambda r: (score(r, column), -int(r["run"])))
