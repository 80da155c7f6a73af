#!/usr/bin/env python3
"""Checks `sweepc report DIR --data` against the result files, recomputed with pandas
and numpy the way a user would: run counts, the ranking and leaderboard, the per-epoch
percentile bands, the sample sizes of each plot, the Pareto front over every run, and
the per-group totals. Prints one line per mismatch and exits 1; prints "ok" otherwise.

    check_report_data.py DIR DATA_FILE
"""
import math
import sys

import numpy as np
import pandas as pd

MAX_POINTS, MAX_LINES, HIGHLIGHTED, LEADERBOARD = 2000, 1000, 5, 50


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-9)


def main():
    directory, data_file = sys.argv[1], sys.argv[2]
    runs = pd.read_csv(f"{directory}/runs.csv", keep_default_na=False,
                       na_values={"val_accuracy": [""], "joules": [""]})
    curves = pd.read_csv(f"{directory}/curves.csv")
    lines = open(data_file).read().splitlines()
    problems = []

    def fields(line):
        return dict(part.split("=", 1) for part in line.split() if "=" in part)

    header = fields(next(l for l in lines if l.startswith("header ")))
    if int(header["runs"]) != len(runs):
        problems.append(f"header runs {header['runs']}, runs.csv {len(runs)}")
    for status in ("ok", "diverged", "stopped"):
        if int(header[status]) != int((runs["status"] == status).sum()):
            problems.append(f"header {status} {header[status]}")

    ranked = runs[(runs["status"] != "diverged") & runs["val_accuracy"].notna()]
    ranked = ranked.sort_values(["val_accuracy", "run"], ascending=[False, True])
    ranking = fields(next(l for l in lines if l.startswith("ranking ")))
    if int(ranking["ranked"]) != len(ranked):
        problems.append(f"ranked {ranking['ranked']}, expected {len(ranked)}")
    board = [int(fields(l)["run"]) for l in lines if l.startswith("leaderboard ")]
    if board != list(ranked["run"][:LEADERBOARD]):
        problems.append("the leaderboard is not the best runs by val_accuracy in order")

    top = list(ranked["run"][:HIGHLIGHTED])
    for metric in ("train_loss", "val_accuracy"):
        strong = [int(fields(l)["run"]) for l in lines
                  if l.startswith(f"curve {metric} ") and " highlighted" in l]
        if strong != top[::-1]:
            problems.append(f"{metric}: highlighted {strong}, expected {top[::-1]}")
        bands = [fields(l) for l in lines if l.startswith(f"band {metric} ")]
        values = curves.dropna(subset=[metric]).groupby("epoch")[metric]
        sampled = curves["run"].nunique() > 200
        if sampled != bool(bands):
            problems.append(f"{metric}: bands {len(bands)} with {curves['run'].nunique()} runs")
        for band in bands:
            v = values.get_group(int(band["epoch"])).to_numpy()
            if int(band["runs"]) != len(v):
                problems.append(f"{metric} epoch {band['epoch']}: {band['runs']} runs")
            for name, q in (("p10", 10), ("median", 50), ("p90", 90)):
                if not close(float(band[name]), float(np.percentile(v, q))):
                    problems.append(f"{metric} epoch {band['epoch']} {name} {band[name]}, "
                                    f"numpy {np.percentile(v, q)}")

    for line in lines:
        if line.startswith("scatter ") or line.startswith("pareto "):
            drawn, total = line.split("points=")[1].split()[0], line.split(" of ")[1].split()[0]
            if int(drawn) != min(MAX_POINTS, len(ranked)) or int(total) != len(ranked):
                problems.append(f"{line}: expected {min(MAX_POINTS, len(ranked))} of {len(ranked)}")
    scatter_best = [l for l in lines if l.startswith("point ")]
    if scatter_best and int(fields(scatter_best[MAX_POINTS - 1 if len(ranked) >= MAX_POINTS
                                              else len(ranked) - 1])["run"]) != top[0]:
        problems.append("the best run is not drawn last (on top) in the first scatter plot")

    # The Pareto front, recomputed: by increasing joules (better metric first at equal
    # joules), each run better than every cheaper one, joules a microjoule apart being
    # the same cost (docs/results.md).
    kept = []  # (run, joules, val_accuracy)
    for _, row in ranked.sort_values(["joules", "val_accuracy", "run"],
                                     ascending=[True, False, True], kind="stable").iterrows():
        accuracy, joules = row["val_accuracy"], row["joules"]
        if kept and not accuracy > kept[-1][2]:
            continue
        while kept and joules - kept[-1][1] <= 1.5e-6 and accuracy > kept[-1][2]:
            kept.pop()
        kept.append((int(row["run"]), joules, accuracy))
    front = [run for run, _, _ in kept]
    got = [int(fields(l)["run"]) for l in lines if l.startswith("front ")]
    if got != front:
        problems.append(f"Pareto front {got[:5]}..., expected {front[:5]}...")

    parallel = next((l for l in lines if l.startswith("parallel ")), None)
    if parallel and int(parallel.split("lines=")[1].split()[0]) != min(MAX_LINES, len(ranked)):
        problems.append(f"{parallel}: expected {min(MAX_LINES, len(ranked))} lines")

    groups = runs.groupby("group").agg(runs=("run", "size"), seconds=("seconds", "sum"),
                                       joules=("joules", "sum"))
    for line in (l for l in lines if l.startswith("group \"group ")):
        group = int(line.split("\"group ")[1].split(":")[0].split("\"")[0])
        f = fields(line.split("\" ", 1)[1])
        if int(f["runs"]) != groups.loc[group, "runs"] or \
                not close(float(f["seconds"]), groups.loc[group, "seconds"]) or \
                not close(float(f["joules"]), groups.loc[group, "joules"]):
            problems.append(f"{line}: expected {dict(groups.loc[group])}")

    for problem in problems:
        print(problem)
    if not problems:
        print("ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
