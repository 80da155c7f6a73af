#!/usr/bin/env python3
"""Checks what `sweepc run --save-weights=N` kept, against runs.csv and the data.

    check_weights.py RESULTS_DIR DATA_CSV --count N --activation NAME

RESULTS_DIR/weights must hold r<id>.npz for exactly the first N runs of summary.json's
leaderboard, no other file (and summary.json's `weights` must list them, best first); each with dense<l>.weight [in, out] and dense<l>.bias [out]
for every dense layer. Evaluated in float64 (NumPy; `activation` between the dense
layers) on the validation and test rows of DATA_CSV (what `sweepc data` wrote), each
file's weights must give the loss and accuracy that runs.csv reports for its run (to
1e-4 relative; accuracies exactly): the weights are the trained ones, those the final
metrics were measured with, also for runs that stopped early. Prints "ok" or what failed.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np

ACTIVATIONS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "identity": lambda z: z,
               "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("data")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--activation", choices=sorted(ACTIVATIONS), required=True)
    args = parser.parse_args()
    act = ACTIVATIONS[args.activation]
    with open(os.path.join(args.results, "summary.json")) as f:
        summary = json.load(f)
    best = [entry["run"] for entry in summary["leaderboard"][:args.count]]
    with open(os.path.join(args.results, "runs.csv"), newline="") as f:
        runs = {int(r["run"]): r for r in csv.DictReader(f)}
    with open(args.data, newline="") as f:
        rows = list(csv.DictReader(f))
    features = [k for k in rows[0] if k.startswith("x")]
    splits = {}
    for name in ("validation", "test"):
        mine = [r for r in rows if r["split"] == name]
        if mine:
            splits["val" if name == "validation" else name] = (
                np.array([[float(r[k]) for k in features] for r in mine]),
                np.array([int(r["label"]) for r in mine]))

    problems = []
    directory = os.path.join(args.results, "weights")
    files = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
    if files != sorted(f"r{run}.npz" for run in best):
        problems.append(f"weights/ holds {files}, not the best {args.count}: {best}")
    listed = {"best": args.count, "files": [f"weights/r{run}.npz" for run in best],
              "runs_without_file": []}
    if summary.get("weights") != listed:
        problems.append(f"summary.json's weights: {summary.get('weights')}, not {listed}")
    checked = 0
    for run in best:
        path = os.path.join(directory, f"r{run}.npz")
        if not os.path.exists(path):
            continue
        arrays = np.load(path)
        layers = sorted({k.split(".")[0] for k in arrays}, key=lambda n: int(n[5:]))
        if sorted(arrays) != sorted(f"{l}.{p}" for l in layers for p in ("weight", "bias")):
            problems.append(f"r{run}: arrays {sorted(arrays)}")
            continue
        for prefix, (x, labels) in splits.items():
            h = x
            for i, layer in enumerate(layers):
                w, b = arrays[f"{layer}.weight"], arrays[f"{layer}.bias"]
                if w.dtype != np.float32 or w.shape != (h.shape[1], b.shape[0]):
                    problems.append(f"r{run}: {layer}.weight {w.dtype} {w.shape}")
                    break
                h = h @ w.astype(np.float64) + b
                if i + 1 < len(layers):
                    h = act(h)
            shifted = h - h.max(axis=1, keepdims=True)
            log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            loss = -log_softmax[np.arange(len(labels)), labels].mean()
            accuracy = (h.argmax(axis=1) == labels).mean()
            row = runs[run]
            reported = float(row[f"{prefix}_loss"])
            if abs(loss - reported) > 1e-4 * max(1.0, abs(reported)):
                problems.append(f"r{run} ({row['status']}): {prefix}_loss {loss:.7g} from "
                                f"its weights, {reported:.7g} in runs.csv")
            if abs(accuracy - float(row[f"{prefix}_accuracy"])) > 1e-9:
                problems.append(f"r{run}: {prefix}_accuracy {accuracy} from its weights, "
                                f"{row[f'{prefix}_accuracy']} in runs.csv")
            checked += 1
    statuses = sorted({runs[run]["status"] for run in best})
    print(f"check_weights: {len(best)} runs ({', '.join(statuses)}), {checked} splits evaluated")
    for problem in problems:
        print("  " + problem)
    print("ok" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
