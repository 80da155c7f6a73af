#!/usr/bin/env python3
"""Writes result directories that once broke report.html (test/Integration/Report/
edge-cases.test), one per case, under DIR:

  near_equal   two runs whose val_accuracy differs by one ulp (the tick loop hung)
  missing      optimizer.momentum empty for the adam runs (a numeric setting read as words)
  huge_front   50,000 runs, accuracy rising with joules, a distinct word per run (a
               Pareto front and a parallel axis of 50,000 labels: 10 MiB)
  zero_joules  a run with 0 J that dominates (left off the front) and one with -1 J
  extreme_log  joules of 1e-320 and 1 on a log axis (nan coordinates)
  unicode      summary.json naming the sweep with a surrogate pair (broken UTF-8)
  no_curves    curves.csv without the ranking metric's column (an empty panel)
  duplicates   runs.csv listing run 1 twice, with \\r\\n line ends, and curve rows of
               a run runs.csv does not list

    make_edge_cases.py DIR
"""
import json
import os
import sys

HEADER = ("run,config_hash,group,optimizer,optimizer.lr,optimizer.momentum,label,status,"
          "status_epoch,stop_reason,epochs_trained,train_loss,val_accuracy,val_loss,seconds,joules,"
          "joules_source,accuracy_per_kj")


def write(directory, rows, curves=None, summary=None, curves_header=None, newline="\n"):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "runs.csv"), "w", newline="") as f:
        f.write(HEADER + newline)
        for row in rows:
            f.write(",".join(str(v) for v in row) + newline)
    with open(os.path.join(directory, "curves.csv"), "w", newline="") as f:
        f.write((curves_header or "run,epoch,train_loss,val_accuracy,val_loss,seconds") + newline)
        for row in curves if curves is not None else \
                [[r[0], 1, r[11], r[12], r[13], r[14]] for r in rows]:
            f.write(",".join(str(v) for v in row) + newline)
    if summary is not None:
        with open(os.path.join(directory, "summary.json"), "w") as f:
            f.write(summary)


def run(i, accuracy, joules, optimizer="sgd", lr=0.1, momentum="0.9", label="a", group=0):
    return [i, f"{i:016x}", group, optimizer, lr, momentum, label, "ok", 0, "", 1, 0.5, accuracy,
            0.5, 1.0, joules, "measured:rapl", ""]


def main():
    root = sys.argv[1]
    write(f"{root}/near_equal", [run(0, 0.3, 1.0, lr=0.1), run(1, 0.30000000000000004, 1.0,
                                                             lr=0.2)])
    write(f"{root}/missing", [run(0, 0.8, 1.0, momentum="0.9"), run(1, 0.7, 1.0, momentum="0"),
                              run(2, 0.75, 1.0, momentum="0.5"),
                              run(3, 0.85, 1.0, optimizer="adam", momentum="")])
    write(f"{root}/huge_front", [run(i, 0.1 + 0.8 * i / 50000, 1.0 + i, lr=0.1 + i % 7,
                                     label=f"word{i}") for i in range(50000)])
    write(f"{root}/zero_joules", [run(0, 0.9, 0.0, lr=0.1), run(1, 0.6, 2.0, lr=0.2),
                                  run(2, 0.5, -1.0, lr=0.3)])
    write(f"{root}/extreme_log", [run(0, 0.9, 1e-320, lr=0.1), run(1, 0.6, 1.0, lr=0.2),
                                  run(2, 0.7, 1e-300, lr=0.3)])
    rows = [run(0, 0.9, 1.0, lr=0.1), run(1, 0.6, 2.0, lr=0.2)]
    write(f"{root}/unicode", rows, summary=json.dumps(
        {"sweep": "s\U0001F600", "ranked_by": "val_accuracy", "higher_is_better": True,
         "host": "h\u00e9"}))
    write(f"{root}/no_curves", rows, curves=[[0, 1, 0.5, 0.5], [1, 1, 0.6, 0.5]],
          curves_header="run,epoch,train_loss,val_loss")
    write(f"{root}/duplicates", rows + [run(1, 0.99, 3.0, lr=0.3)],
          curves=[[0, 1, 0.5, 0.9, 0.5, 1.0], [1, 1, 0.6, 0.6, 0.5, 1.0],
                  [7, 1, 0.1, 0.1, 0.1, 1.0]], newline="\r\n")


if __name__ == "__main__":
    main()
