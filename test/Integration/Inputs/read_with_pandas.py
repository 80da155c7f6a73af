#!/usr/bin/python3
"""Reads a results directory with pandas, as a user would, and checks what it gets.

    read_with_pandas.py DIR RUNS

pandas.read_csv with no options must give: column names as the files write them (pandas
renames a repeated name, `epochs` to `epochs.1`: the setting `epochs` and the epochs a run
trained once shared a name), RUNS rows in runs.csv with unique run ids,
numeric dtypes for every metric and `seconds`, NaN (not text) where a metric is empty,
curves.csv rows whose (run, epoch) pairs are unique; and summary.json must load.
"""
import csv
import json
import os
import sys

import pandas as pd
from pandas.api.types import is_numeric_dtype


def main():
    directory, expected = sys.argv[1], int(sys.argv[2])
    runs = pd.read_csv(os.path.join(directory, "runs.csv"))
    curves = pd.read_csv(os.path.join(directory, "curves.csv"))
    with open(os.path.join(directory, "summary.json")) as f:
        summary = json.load(f)
    problems = []
    for name in ("runs.csv", "curves.csv"):
        with open(os.path.join(directory, name), newline="") as f:
            header = next(csv.reader(f))
        repeated = sorted({column for column in header if header.count(column) > 1})
        if repeated:
            problems.append(f"{name} repeats the column names {', '.join(repeated)}")
    if len(runs) != expected:
        problems.append(f"{len(runs)} rows, expected {expected}")
    if not runs["run"].is_unique:
        problems.append("run ids repeat")
    metrics = [c for c in curves.columns if c not in ("run", "epoch")]
    for column in metrics + ["status_epoch", "epochs_trained", "epochs", "run"]:
        if not is_numeric_dtype(runs[column]):
            problems.append(f"runs.csv column {column} reads as {runs[column].dtype}")
    for column in metrics:
        if not is_numeric_dtype(curves[column]):
            problems.append(f"curves.csv column {column} reads as {curves[column].dtype}")
    if curves.duplicated(["run", "epoch"]).any():
        problems.append("curves.csv repeats a (run, epoch)")
    diverged = runs[runs["status"] == "diverged"]
    if len(diverged) and not diverged[metrics[1]].isna().all():
        problems.append("a diverged run has metrics after no finished epoch")
    best = summary["best"]["run"] if summary["best"] else None
    ranked = summary["ranked_by"]
    ok_runs = runs[runs["status"] != "diverged"]
    pick = ok_runs[ranked].idxmax() if summary["higher_is_better"] else ok_runs[ranked].idxmin()
    if best is not None and runs.loc[pick, ranked] != runs.loc[runs["run"] == best, ranked].iloc[0]:
        problems.append(f"summary.json's best run {best} is not the best by {ranked}")
    for problem in problems:
        print("read_with_pandas: " + problem)
    print("pandas: %d runs, %d curve rows, metrics %s" % (len(runs), len(curves), ", ".join(metrics)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
