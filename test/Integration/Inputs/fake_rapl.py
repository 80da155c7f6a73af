#!/usr/bin/env python3
"""Runs a command with a fake RAPL powercap tree whose package counter advances.

    fake_rapl.py DIR [--watts W] [--max-uj N] -- COMMAND ARGS...

Creates DIR/intel-rapl:0 (package-0) and DIR/intel-rapl:0:0 (dram) with
energy_uj and max_energy_range_uj, starts a thread that adds W watts' worth of
microjoules to the package counter every 10 ms (wrapping at max_energy_range_uj,
as the kernel's counter does), runs COMMAND with SWEEPC_POWERCAP_ROOT=DIR, and
exits with its status. Lets tests see `measured:rapl` on machines without RAPL.
"""
import os
import subprocess
import sys
import threading
import time


def write(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)  # A reader never sees a half-written number.


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    root = options[0]
    watts = float(options[options.index("--watts") + 1]) if "--watts" in options else 20.0
    max_uj = int(options[options.index("--max-uj") + 1]) if "--max-uj" in options else 2**32 - 1
    package = os.path.join(root, "intel-rapl:0")
    dram = os.path.join(package, "intel-rapl:0:0")
    os.makedirs(dram, exist_ok=True)
    for zone, name in ((package, "package-0"), (dram, "dram")):
        write(os.path.join(zone, "name"), name + "\n")
        write(os.path.join(zone, "max_energy_range_uj"), f"{max_uj}\n")
        write(os.path.join(zone, "energy_uj"), "0\n")
    stop = threading.Event()

    def tick():
        counter = 0
        while not stop.wait(0.01):
            counter = (counter + int(watts * 0.01 * 1e6)) % (max_uj + 1)
            write(os.path.join(package, "energy_uj"), f"{counter}\n")

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    env = dict(os.environ, SWEEPC_POWERCAP_ROOT=root)
    status = subprocess.call(command, env=env)
    stop.set()
    thread.join()
    sys.exit(status)


if __name__ == "__main__":
    main()
