#!/usr/bin/env python3
"""Feeds bench/results_rows.best_row the rows of one sweep in two finishing orders;
used by test/bench/best-run-ties.test.

    best_run_ties.py BENCH_DIR
"""

import sys

sys.path.insert(0, sys.argv[1])
from results_rows import best_row  # noqa: E402

tied = [{"run": "154", "val_accuracy": "0.813"}, {"run": "143", "val_accuracy": "0.813"},
        {"run": "12", "val_accuracy": "0.812"}]
for label, rows in (("finished 154 first", tied), ("finished 143 first", tied[::-1])):
    print(f"{label}: best run {best_row(rows, 'val_accuracy')['run']}")

diverged = [{"run": "3", "val_accuracy": ""}, {"run": "5", "val_accuracy": "nan"},
            {"run": "7", "val_accuracy": "0.1"}]
print(f"diverged runs skipped: best run {best_row(diverged, 'val_accuracy')['run']}")
print(f"nothing scored: best run {best_row(diverged[:2], 'val_accuracy')}")
