"""Prints one column of a results CSV file, its rows ordered by run id, on one line.

Usage: csv_column.py FILE COLUMN
"""
import csv
import sys


def main():
    path, column = sys.argv[1], sys.argv[2]
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and column not in rows[0]:
        sys.exit(f"{path} has no column {column!r}")
    rows.sort(key=lambda row: int(row["run"]))
    print(" ".join(row[column] for row in rows))


if __name__ == "__main__":
    main()
