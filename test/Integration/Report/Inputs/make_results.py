#!/usr/bin/env python3
"""Writes a synthetic sweep's result files (runs.csv, curves.csv, summary.json) in the
format of docs/results.md, for report tests at sizes no test can train: N runs over
width x learning rate (log-spaced) x momentum x seed, in one group per width, with
deterministic metrics (a smooth function of the settings plus seeded noise), joules
growing with the width, and every 97th run of the largest learning rate diverged.

    make_results.py DIR --runs N [--epochs E] [--extra-params K] [--no-summary]

--extra-params adds K numeric settings drawn at random per run (extra.p0, ...): the
most hyperparameters a report has to draw.
"""
import argparse
import json
import math
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--extra-params", type=int, default=0)
    parser.add_argument("--no-summary", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    widths = [16, 32, 64, 128]
    lrs = [10 ** (-4 + 4 * k / 24) for k in range(25)]
    momenta = [0.0, 0.5, 0.9]
    per_seed = len(widths) * len(lrs) * len(momenta)
    state = 12345

    def noise():  # A 31-bit LCG: the same numbers on every machine.
        nonlocal state
        state = (state * 1103515245 + 12345) % 2 ** 31
        return state / 2 ** 31 - 0.5

    runs, curves = [], []
    for run in range(args.runs):
        seed, rest = divmod(run, per_seed)
        group, rest = divmod(rest, len(lrs) * len(momenta))
        lr_index, m_index = divmod(rest, len(momenta))
        width, lr, momentum = widths[group], lrs[lr_index], momenta[m_index]
        best_lr = -1.5 - 0.3 * m_index
        quality = math.exp(-((math.log10(lr) - best_lr) ** 2) / 1.5) * (0.6 + 0.1 * group)
        diverged = lr_index == 24 and run % 97 == 0
        joules = 0.01 * width * args.epochs * (1 + 0.05 * noise())
        seconds = joules / 20
        epochs = 1 if diverged else args.epochs
        accuracy = loss = None
        for epoch in range(1, epochs + 1):
            progress = epoch / args.epochs
            accuracy = 0.1 + 0.85 * quality * progress + 0.02 * noise()
            loss = 2.3 * (1 - 0.8 * quality * progress) + 0.05 * noise()
            curves.append([run, epoch, loss, accuracy, loss * 1.05, seconds * epoch / epochs])
        status, reason = ("diverged", "non_finite") if diverged else ("ok", "")
        metrics = ["nan", "", ""] if diverged else [loss, accuracy, loss * 1.05]
        extra = [round(0.5 + noise(), 4) for _ in range(args.extra_params)]
        runs.append([run, f"{run:016x}", group, "fashion", 64, args.epochs, "mlp", width, "sgd",
                     lr, momentum] + extra + [seed, status, 2 if diverged else 0, reason, epochs] + metrics +
                    [seconds, joules, "estimated:model",
                     "" if diverged else accuracy / (joules / 1000)])
    header = ["run", "config_hash", "group", "data", "batch", "epochs", "model", "model.width",
              "optimizer", "optimizer.lr", "optimizer.momentum"] + \
        [f"extra.p{k}" for k in range(args.extra_params)] + ["seed", "status",
              "status_epoch", "stop_reason", "epochs_trained", "train_loss", "val_accuracy", "val_loss",
              "seconds", "joules", "joules_source", "accuracy_per_kj"]
    with open(os.path.join(args.dir, "runs.csv"), "w") as f:
        f.write(",".join(header) + "\n")
        for row in runs:
            f.write(",".join(repr(v) if isinstance(v, float) else str(v) for v in row) + "\n")
    with open(os.path.join(args.dir, "curves.csv"), "w") as f:
        f.write("run,epoch,train_loss,val_accuracy,val_loss,seconds\n")
        for row in curves:
            f.write(",".join(repr(v) if isinstance(v, float) else str(v) for v in row) + "\n")
    if args.no_summary:
        return
    ok = sum(1 for r in runs if r[12 + args.extra_params] == "ok")
    summary = {
        "sweep": os.path.basename(os.path.normpath(args.dir)), "source": "synthetic.sweep",
        "backend": "cpu", "device": "cpu", "host": "synthetic", "threads": 2, "ranks": 1,
        "started": "2026-11-29T00:00:00Z", "finished": "2026-11-29T00:01:00Z",
        "wall_seconds": 60.0, "log_scale": ["optimizer.lr"],
        "runs": {"total": len(runs), "ok": ok, "diverged": len(runs) - ok, "stopped": 0},
        "metrics": ["train_loss", "val_accuracy", "val_loss"],
        "ranked_by": "val_accuracy", "higher_is_better": True,
        "energy": {"source": "estimated:model", "total_joules": sum(r[-3] for r in runs)},
    }
    with open(os.path.join(args.dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
