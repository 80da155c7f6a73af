#!/usr/bin/env python3
"""How long report.html takes to write and to open, for 100 to 100,000 runs.

For each size, writes synthetic result files (test/Integration/Report/Inputs/
make_results.py: 3 varying settings, 5 epochs; with --wide also 8 more numeric
settings), times `sweepc report DIR` (median of --repeat runs), and opens the page in
headless Chromium (Debian's chromium, chromium-driver and python3-selenium), reading
the browser's own navigation timing (load event end; median of --repeat loads).

Usage: /usr/bin/python3 bench/report/open_time.py [--runs 100,10000,100000] [--repeat 5]
       [--write]   (--write: the table into docs/performance.md, section "report-open")
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from perfdoc import write_section  # noqa: E402

MAKE = os.path.join(ROOT, "test", "Integration", "Report", "Inputs", "make_results.py")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--window-size=1280,900"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweepc", default=os.path.join(ROOT, "build", "bin", "sweepc"))
    parser.add_argument("--runs", default="100,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    driver = browser()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for runs in [int(n) for n in args.runs.split(",")]:
                for wide in (False, True):
                    directory = os.path.join(tmp, f"r{runs}{'w' if wide else ''}")
                    subprocess.run([sys.executable, MAKE, directory, "--runs", str(runs)] +
                                   (["--extra-params", "8"] if wide else []), check=True)
                    writes = []
                    for _ in range(args.repeat):
                        start = time.monotonic()
                        subprocess.run([args.sweepc, "report", directory], check=True,
                                       capture_output=True)
                        writes.append(time.monotonic() - start)
                    page = os.path.join(directory, "report.html")
                    loads = []
                    for _ in range(args.repeat):
                        driver.get("file://" + page)
                        loads.append(driver.execute_script(
                            "const n = performance.getEntriesByType('navigation')[0];"
                            "return n.loadEventEnd - n.startTime;"))
                    rows.append((runs, 11 if wide else 3, os.path.getsize(page),
                                 statistics.median(writes), statistics.median(loads)))
    finally:
        driver.quit()
    lines = [f"Command: `/usr/bin/python3 bench/report/open_time.py --runs {args.runs} --repeat "
             f"{args.repeat}` (medians of {args.repeat}; synthetic result files, 5 epochs).", "",
             "| runs | varying settings | report.html | `sweepc report` s | Chromium load ms |",
             "|---|---|---|---|---|"]
    for runs, settings, size, write, load in rows:
        lines.append(f"| {runs:,} | {settings} | {size / 2**10:.0f} KiB | {write:.2f} | "
                     f"{load:.0f} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("report-open", table, before="fuzzing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
