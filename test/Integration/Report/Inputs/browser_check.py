#!/usr/bin/env python3
"""Opens a sweep's report.html in headless Chromium (Debian's chromium and
chromium-driver, driven by python3-selenium) and checks that it is rendered, not only
present in the source:
  - nothing is fetched (the Resource Timing API lists no resource) and the console
    has no error;
  - the header and the leaderboard table are laid out with a size, the table has the
    expected rows, and clicking a column header sorts the rows by it (both ways);
  - every plot (svg.plot) is laid out at a usable size, holds marks, and its pixels,
    captured from the screen, are not blank: several colours, ink on a good share;
  - a screenshot of the whole page is saved.
Prints one line per plot and "ok", or the failures and exits 1.

    browser_check.py REPORT_HTML SCREENSHOT_PNG --rows N --plots K
"""
import argparse
import io
import os
import sys

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--no-first-run",
         "--window-size=1280,1000", "--hide-scrollbars"]


def ink(png):
    """The share of pixels that are not background, and the number of distinct colours."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = list(image.getdata())
    inked = sum(1 for r, g, b in pixels if min(r, g, b) < 235)
    return inked / max(1, len(pixels)), len(set(pixels))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("screenshot")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--plots", type=int, required=True)
    args = parser.parse_args()
    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    problems = []
    try:
        driver.get("file://" + os.path.abspath(args.report))
        fetched = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        if fetched:
            problems.append(f"the report fetched {fetched}")
        errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        if errors:
            problems.append(f"console errors: {errors}")

        title = driver.find_element(By.TAG_NAME, "h1")
        if not title.is_displayed() or title.size["height"] == 0:
            problems.append("the header is not displayed")
        table = driver.find_element(By.ID, "leaderboard-table")
        rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
        if not table.is_displayed() or table.size["height"] < 20 * len(rows):
            problems.append(f"the leaderboard is not laid out (size {table.size})")
        if len(rows) != args.rows:
            problems.append(f"the leaderboard has {len(rows)} rows, expected {args.rows}")
        print(f"leaderboard: {len(rows)} rows, {table.size['width']}x{table.size['height']} px")

        # Sorting: the "run" column, descending then ascending.
        headers = table.find_elements(By.CSS_SELECTOR, "thead th")
        run_column = [h.text.split()[0] if h.text else "" for h in headers].index("run")

        def column_values():
            return [int(r.find_elements(By.TAG_NAME, "td")[run_column].text)
                    for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]

        headers[run_column].click()
        descending = column_values()
        headers[run_column].click()
        ascending = column_values()
        if descending != sorted(descending, reverse=True) or ascending != sorted(ascending):
            problems.append(f"sorting by run failed: {descending} then {ascending}")
        else:
            print("sorting: run descending, then ascending")

        plots = driver.find_elements(By.CSS_SELECTOR, "svg.plot")
        if len(plots) != args.plots:
            problems.append(f"{len(plots)} plots, expected {args.plots}")
        for plot in plots:
            name = plot.get_attribute("id")
            driver.execute_script("arguments[0].scrollIntoView()", plot)
            width, height = plot.size["width"], plot.size["height"]
            marks = len(plot.find_elements(By.CSS_SELECTOR, "circle, polyline, rect, polygon"))
            share, colours = ink(plot.screenshot_as_png)
            ok = width >= 300 and height >= 60 and marks > 0 and share > 0.02 and colours >= 3
            print(f"plot {name}: {width}x{height} px, {marks} marks, {share:.0%} inked, "
                  f"{colours} colours{'' if ok else ' NOT RENDERED'}")
            if not ok:
                problems.append(f"plot {name} is not rendered")

        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1280, min(height + 40, 12000))
        driver.save_screenshot(args.screenshot)
        image = Image.open(args.screenshot)
        print(f"screenshot: {args.screenshot} ({image.size[0]}x{image.size[1]})")
    finally:
        driver.quit()
    for problem in problems:
        print(problem)
    if not problems:
        print("ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
