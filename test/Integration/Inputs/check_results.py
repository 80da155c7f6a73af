#!/usr/bin/env python3
"""Checks a sweep's results directory the way a reader of docs/results.md may rely on it.

    check_results.py DIR --runs N [--status ok=N ...] [--reason asha=N ...] [--min COLUMN=VALUE ...]
                         [--max COLUMN=VALUE ...] [--same-as OTHER_DIR]
                         [--program-memory-at-most BYTES] [--program-memory-above BYTES]
                         [--no-energy] [--weights N]

Every row of runs.csv and curves.csv must be complete (as many fields as the header,
no cut line), run ids unique, every finished run's curve rows present for epochs
1..epochs exactly once, and summary.json valid JSON agreeing with runs.csv (its counts, unranked_runs included).
--min/--max bound the best value of a metric column over the runs; --same-as compares
every metric of every run (not the timings and joules, which are measured) with another
results directory, --close-to the same within --tolerance (relative, default 1e-6).
Energy columns, where present, must be consistent: every run has joules >= 0 and a
source, accuracy_per_kj is the accuracy over kilojoules, and summary.json's
energy.runs_joules is the sum of the runs' joules. Joules are whole microjoules, written
as their decimals (0.001221, not 0.0012209999999999999), in runs.csv and in summary.json's
total, runs', unattributed and phase joules.
With --no-energy (the sweep ran with it) no run may have joules and summary.json's
energy must be null.
--program-memory-at-most/-above bound summary.json's metered program_memory.peak_bytes.
Where summary.json lists weights files (--save-weights), weights/ must hold exactly those
files, each a NumPy archive of float32 dense<l>.weight/.bias arrays whose shapes chain,
kept for the best runs in the leaderboard's order; --weights N requires N files. With
--same-as the files of the runs both directories kept must hold the same numbers, with
--close-to each array within --tolerance of the other's (relative, in the 2-norm: the
GPU's fused multiply-adds change every weight a little). Read without NumPy.
Prints one line per check that fails and exits 1; prints "ok" otherwise.
"""
import argparse
import csv
import decimal
import io
import json
import math
import os
import re
import struct
import sys
import zipfile

def whole_microjoules(text):
    """Whether a joules figure as written is a whole number of microjoules."""
    try:
        return decimal.Decimal(text).normalize().as_tuple().exponent >= -6
    except decimal.InvalidOperation:
        return False


# Measured per invocation: never compared between two results directories.
TIMING = {"seconds", "joules", "accuracy_per_kj"}
# Columns a run on another device may differ in (with --close-to).
WHERE = {"device", "joules_source"}


def read_csv(path, problems):
    with open(path, newline="") as f:
        text = f.read()
    if text and not text.endswith("\n"):
        problems.append(f"{path}: the last row is cut short")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    for i, row in enumerate(body):
        if len(row) != len(header):
            problems.append(f"{path}: row {i + 2} has {len(row)} fields, header {len(header)}")
    return header, [dict(zip(header, row)) for row in body]


def read_npz(path):
    """{name: (shape, [float])} of a NumPy archive of little-endian float32 arrays."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for entry in archive.namelist():
            data = archive.read(entry)
            if data[:6] != b"\x93NUMPY":
                raise ValueError(f"{entry} is not a .npy file")
            header_size_bytes = 2 if data[6] == 1 else 4
            size = int.from_bytes(data[8:8 + header_size_bytes], "little")
            start = 8 + header_size_bytes
            header = eval(data[start:start + size].decode("latin1"), {"__builtins__": {}})
            if header["descr"] != "<f4" or header["fortran_order"]:
                raise ValueError(f"{entry}: {header['descr']}, fortran_order "
                                 f"{header['fortran_order']}, expected '<f4' in C order")
            body = data[start + size:]
            count = math.prod(header["shape"])
            if len(body) != 4 * count:
                raise ValueError(f"{entry}: {len(body)} bytes for shape {header['shape']}")
            arrays[entry[:-len(".npy")]] = (tuple(header["shape"]),
                                            struct.unpack(f"<{count}f", body))
    return arrays


def check_weights(directory, summary, expected_files, problems):
    """The weights files summary.json lists; returns {run: arrays} of those that read."""
    weights = summary.get("weights")
    folder = os.path.join(directory, "weights")
    if weights is None:
        if expected_files is not None:
            problems.append(f"summary.json has no weights, expected {expected_files} files")
        return {}
    files = weights["files"]
    if expected_files is not None and len(files) != expected_files:
        problems.append(f"summary.json lists {len(files)} weights files, "
                        f"expected {expected_files}")
    # The user's own files there are left alone (docs/results.md); ours are r<id>.npz.
    present = sorted(name for name in (os.listdir(folder) if os.path.isdir(folder) else [])
                     if re.fullmatch(r"r[0-9]+\.npz(\.partial)?", name))
    if sorted("weights/" + name for name in present) != sorted(files):
        problems.append(f"weights/ holds {present}, summary.json lists {files}")
    ranked = [entry["run"] for entry in summary["leaderboard"]]
    kept = [int(name[len("weights/r"):-len(".npz")]) for name in files]
    without = weights["runs_without_file"]
    best = [run for run in ranked[:weights["best"]] if run not in without]
    # The leaderboard lists the top ten only: compare as far as it goes.
    if kept[:len(best)] != best[:len(kept)]:
        problems.append(f"weights kept for runs {kept}, the best are {best}")
    loaded = {}
    for run, name in zip(kept, files):
        try:
            arrays = read_npz(os.path.join(directory, name))
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            problems.append(f"{name}: {error}")
            continue
        layers = len(arrays) // 2
        names = sorted(arrays)
        if names != sorted(f"dense{l}.{kind}" for l in range(layers) for kind in ("weight", "bias")):
            problems.append(f"{name} holds {names}")
            continue
        for l in range(layers):
            shape = arrays[f"dense{l}.weight"][0]
            if arrays[f"dense{l}.bias"][0] != shape[1:] or \
                    (l > 0 and arrays[f"dense{l - 1}.weight"][0][1] != shape[0]):
                problems.append(f"{name}: dense{l} has shapes {shape} and "
                                f"{arrays[f'dense{l}.bias'][0]}")
        loaded[run] = arrays
    return loaded


def compare_weights(mine, theirs, other_dir, tolerance, problems):
    """Arrays of the runs both kept: equal (tolerance None) or within the relative norm."""
    if mine and theirs and not set(mine) & set(theirs):
        problems.append(f"no run kept weights both here ({sorted(mine)}) and in {other_dir} "
                        f"({sorted(theirs)})")
    for run in sorted(set(mine) & set(theirs)):
        for name, (shape, values) in sorted(mine[run].items()):
            other_shape, other_values = theirs[run].get(name, (None, None))
            if other_shape != shape:
                problems.append(f"weights/r{run}.npz {name}: shape {shape}, "
                                f"{other_shape} in {other_dir}")
            elif tolerance is None:
                if values != other_values:
                    problems.append(f"weights/r{run}.npz {name} differs from {other_dir}'s")
            else:
                error = math.sqrt(sum((a - b) ** 2 for a, b in zip(values, other_values)))
                norm = math.sqrt(sum(b * b for b in other_values))
                if not error <= tolerance * max(norm, 1e-30):
                    problems.append(f"weights/r{run}.npz {name}: off by {error:.3g} in the "
                                    f"2-norm, {other_dir}'s has norm {norm:.3g}")


def number(text):
    return float("nan") if text == "" else float(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--status", action="append", default=[])
    parser.add_argument("--reason", action="append", default=[])
    parser.add_argument("--min", action="append", default=[])
    parser.add_argument("--max", action="append", default=[])
    parser.add_argument("--same-as")
    parser.add_argument("--close-to", help="like --same-as, numbers within --tolerance")
    parser.add_argument("--tolerance", type=float, default=1e-6)
    parser.add_argument("--no-energy", action="store_true",
                        help="the sweep ran with --no-energy: no joules anywhere")
    parser.add_argument("--program-memory-at-most", type=int)
    parser.add_argument("--program-memory-above", type=int)
    parser.add_argument("--weights", type=int,
                        help="summary.json must list this many weights files")
    args = parser.parse_args()
    problems = []

    header, runs = read_csv(os.path.join(args.dir, "runs.csv"), problems)
    _, curves = read_csv(os.path.join(args.dir, "curves.csv"), problems)
    ids = [row["run"] for row in runs]
    if len(ids) != len(set(ids)):
        problems.append("runs.csv lists a run more than once")
    if len(runs) != args.runs:
        problems.append(f"runs.csv has {len(runs)} runs, expected {args.runs}")

    epochs_of = {}
    for row in curves:
        epochs_of.setdefault(row["run"], []).append(int(row["epoch"]))
    for row in runs:
        want = list(range(1, int(row["epochs_trained"]) + 1))
        got = sorted(epochs_of.get(row["run"], []))
        if got != want:
            problems.append(f"run {row['run']}: curve epochs {got}, expected {want}")
    for run in epochs_of:
        if run not in ids:
            problems.append(f"curves.csv has rows of run {run}, which did not finish")

    for spec in args.status:
        status, count = spec.split("=")
        have = sum(1 for row in runs if row["status"] == status)
        if have != int(count):
            problems.append(f"{have} runs have status {status}, expected {count}")

    for spec, better in [(s, max) for s in args.min] + [(s, min) for s in args.max]:
        column, bound = spec.split("=")
        values = [number(row[column]) for row in runs if not math.isnan(number(row[column]))]
        best = better(values) if values else float("nan")
        ok = best >= float(bound) if better is max else best <= float(bound)
        if not ok:
            problems.append(f"best {column} is {best}, bound {bound}")

    for spec in args.reason:
        reason, count = spec.split("=")
        have = sum(1 for row in runs if row["stop_reason"] == reason)
        if have != int(count):
            problems.append(f"{have} runs stopped for {reason}, expected {count}")
    status_of = {"": "ok", "non_finite": "diverged", "loss_growth": "diverged",
                 "patience": "stopped", "asha": "stopped", "median": "stopped"}
    for row in runs:
        if status_of.get(row["stop_reason"]) != row["status"]:
            problems.append(f"run {row['run']}: status {row['status']} with stop reason "
                            f"{row['stop_reason']!r}")
        if row["status"] == "stopped" and int(row["epochs_trained"]) != int(row["status_epoch"]):
            problems.append(f"run {row['run']}: stopped in epoch {row['status_epoch']} after "
                            f"{row['epochs_trained']} epochs")

    with open(os.path.join(args.dir, "summary.json")) as f:
        summary_text = f.read()
    summary = json.loads(summary_text)
    # Where each run trained: the backend's device unless a --resume on
    # another device finished some of them (then there is a mix).
    want_device = "cuda" if summary.get("backend") == "cuda" else "cpu"
    devices = {row.get("device") for row in runs}
    if not devices <= {"cpu", "cuda"}:
        problems.append(f"runs.csv devices {sorted(map(str, devices))}, expected cpu or cuda")
    elif summary["runs"].get("resumed", 0) == 0 and devices - {want_device}:
        problems.append(f"runs.csv has runs on {sorted(devices)}, but summary.json's backend "
                        f"{summary.get('backend')!r} trains on {want_device}")
    for reason in ("non_finite", "loss_growth", "patience", "asha", "median"):
        have = sum(1 for row in runs if row["stop_reason"] == reason)
        if summary["stop_reasons"][reason] != have:
            problems.append(f"summary.json counts {summary['stop_reasons'][reason]} runs "
                            f"stopped for {reason}, runs.csv {have}")
    peak = summary["program_memory"]["peak_bytes"]
    if args.program_memory_at_most is not None or args.program_memory_above is not None:
        if peak is None:
            problems.append("summary.json has no metered program memory")
        elif args.program_memory_at_most is not None and peak > args.program_memory_at_most:
            problems.append(f"programs held {peak} bytes, more than "
                            f"{args.program_memory_at_most}")
        elif args.program_memory_above is not None and peak <= args.program_memory_above:
            problems.append(f"programs held {peak} bytes, not above {args.program_memory_above}")
    if summary["runs"]["total"] != len(runs):
        problems.append(f"summary.json counts {summary['runs']['total']} runs")
    unranked = sum(1 for row in runs
                   if row["status"] == "diverged" or not row.get(summary["ranked_by"]) or
                   not math.isfinite(float(row[summary["ranked_by"]])))
    if summary["unranked_runs"] != unranked:
        problems.append(f"summary.json counts {summary['unranked_runs']} unranked runs, "
                        f"runs.csv {unranked} (diverged, or without {summary['ranked_by']})")
    for status in ("ok", "diverged", "stopped"):
        have = sum(1 for row in runs if row["status"] == status)
        if summary["runs"][status] != have:
            problems.append(f"summary.json counts {summary['runs'][status]} {status} runs, "
                            f"runs.csv {have}")

    if args.no_energy:
        # No meter, no probes, so no run has joules (docs/results.md).
        if summary.get("energy") is not None:
            problems.append("summary.json has energy figures of a sweep without energy")
        for row in runs:
            energy = [row.get(c, "") for c in ("joules", "joules_source", "accuracy_per_kj")]
            if any(energy):
                problems.append(f"run {row['run']}: joules, source and accuracy per kJ "
                                f"{energy}, but summary.json has no energy")
    elif "joules" in header:
        total = 0.0
        # Per run: its test_accuracy, else (no test split) its val_accuracy.
        accuracies = [c for c in ("test_accuracy", "val_accuracy") if c in header]
        for row in runs:
            joules = number(row["joules"])
            if math.isnan(joules) or joules < 0 or not row["joules_source"]:
                problems.append(f"run {row['run']}: joules {row['joules']!r} from "
                                f"{row['joules_source']!r}")
                continue
            total += joules
            if not whole_microjoules(row["joules"]):
                problems.append(f"run {row['run']}: joules {row['joules']} is no whole "
                                f"number of microjoules")
            accuracy = next((c for c in accuracies if row[c]), None)
            if accuracy and joules > 0:
                want = number(row[accuracy]) / (joules / 1000)
                if abs(number(row["accuracy_per_kj"]) - want) > 1e-9 * max(1.0, abs(want)):
                    problems.append(f"run {row['run']}: accuracy_per_kj {row['accuracy_per_kj']}"
                                    f", expected {want}")
        energy = summary.get("energy")
        if energy is None:
            problems.append("summary.json has no energy figures")
        elif abs(energy["runs_joules"] - total) > 1e-6 * max(1.0, total):
            problems.append(f"summary.json runs_joules {energy['runs_joules']}, runs.csv {total}")
        if energy is not None:
            exact = json.loads(summary_text, parse_float=decimal.Decimal)["energy"]
            figures = {k: exact[k] for k in ("total_joules", "runs_joules",
                                             "unattributed_joules")}
            figures.update({"by_phase " + p: j for p, j in exact.get("by_phase", {}).items()})
            for name, value in figures.items():
                if not whole_microjoules(str(value)):
                    problems.append(f"summary.json {name} {value} is no whole number of "
                                    f"microjoules")

    if args.same_as:
        other_header, other = read_csv(os.path.join(args.same_as, "runs.csv"), problems)
        _, other_curves = read_csv(os.path.join(args.same_as, "curves.csv"), problems)
        if other_header != header:
            problems.append("the two runs.csv headers differ")

        def strip(rows, key):
            return sorted((tuple((k, v) for k, v in row.items() if k not in TIMING)
                           for row in rows), key=key)
        by_run = lambda row: tuple(int(v) for k, v in row if k in ("run", "epoch"))
        if strip(runs, by_run) != strip(other, by_run):
            problems.append("runs.csv differs from " + args.same_as)
        if strip(curves, by_run) != strip(other_curves, by_run):
            problems.append("curves.csv differs from " + args.same_as)

    if args.close_to:
        _, other = read_csv(os.path.join(args.close_to, "runs.csv"), problems)
        _, other_curves = read_csv(os.path.join(args.close_to, "curves.csv"), problems)

        def close(a, b):
            if a == b:
                return True
            try:
                x, y = float(a), float(b)
            except ValueError:
                return False
            return abs(x - y) <= args.tolerance * max(1.0, abs(y))

        for mine, theirs, name in ((runs, other, "runs.csv"), (curves, other_curves, "curves.csv")):
            key = lambda row: (int(row["run"]), int(row.get("epoch", 0)))
            theirs_by_key = {key(row): row for row in theirs}
            if len(mine) != len(theirs):
                problems.append(f"{name} has {len(mine)} rows, {args.close_to} {len(theirs)}")
            for row in mine:
                other_row = theirs_by_key.get(key(row))
                if other_row is None:
                    problems.append(f"{name}: run {row['run']} is missing in {args.close_to}")
                    continue
                for column, value in row.items():
                    # The device and meter may differ too (the CPU's model, the GPU's NVML).
                    if column not in TIMING and column not in WHERE and \
                            not close(value, other_row[column]):
                        problems.append(f"{name}: run {row['run']} {column} is {value}, "
                                        f"{other_row[column]} in {args.close_to}")

    weights = check_weights(args.dir, summary, args.weights, problems)
    other_dir = args.same_as or args.close_to
    if other_dir:
        with open(os.path.join(other_dir, "summary.json")) as f:
            other_weights = check_weights(other_dir, json.load(f), None, problems)
        compare_weights(weights, other_weights, other_dir,
                        None if args.same_as else args.tolerance, problems)

    for problem in problems:
        print("check_results: " + problem)
    if not problems:
        print("ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
