#!/usr/bin/env python3
"""Runs a command with a fake RAPL powercap tree whose package counter advances.

    fake_rapl.py DIR [--watts W] [--max-uj N] -- COMMAND ARGS...

Creates DIR/intel-rapl:0 (package-0) and DIR/intel-rapl:0:0 (dram) with
energy_uj and max_energy_range_uj, starts a ticking process that sets the package
counter to W watts times the seconds since the start, in microjoules (wrapping at
max_energy_range_uj, as the kernel's counter does), every millisecond, runs COMMAND
with SWEEPC_POWERCAP_ROOT=DIR, and exits with its status. Lets tests see
`measured:rapl` on machines without RAPL.

The counter follows the clock, not the ticks, and the ticker is a process of its own
at a higher priority where it may have one (root, as in CI): a thread adding 10 ms'
worth every 10 ms missed whole energy windows of a few milliseconds while lit's other
tests kept both cores busy, and runs read 0 joules. The tree lives in /dev/shm (DIR is
a link to it) where there is one: on a disk, the ticker's renames waited for the
journal while CI's build flushed, and the counter stood still for a whole training.
"""
import os
import shutil
import subprocess
import sys
import tempfile
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
    memory = None
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) and not os.path.exists(root):
        memory = tempfile.mkdtemp(prefix="fake-rapl-", dir="/dev/shm")
        os.makedirs(os.path.dirname(os.path.abspath(root)), exist_ok=True)
        os.symlink(memory, root)
    package = os.path.join(root, "intel-rapl:0")
    dram = os.path.join(package, "intel-rapl:0:0")
    os.makedirs(dram, exist_ok=True)
    for zone, name in ((package, "package-0"), (dram, "dram")):
        write(os.path.join(zone, "name"), name + "\n")
        write(os.path.join(zone, "max_energy_range_uj"), f"{max_uj}\n")
        write(os.path.join(zone, "energy_uj"), "0\n")
    ticker = subprocess.Popen([sys.executable, __file__, "--tick", package, str(watts),
                               str(max_uj)])
    env = dict(os.environ, SWEEPC_POWERCAP_ROOT=root)
    try:
        status = subprocess.call(command, env=env)
    finally:
        ticker.terminate()
        ticker.wait()
        if memory:
            shutil.rmtree(memory, ignore_errors=True)
    sys.exit(status)


def tick(package, watts, max_uj):
    """The ticking process: the counter from the clock, every millisecond."""
    try:
        os.nice(-10)
    except OSError:
        pass  # Not root: the default priority.
    start = time.monotonic()
    path = os.path.join(package, "energy_uj")
    while True:
        joules = watts * (time.monotonic() - start)
        write(path, f"{int(joules * 1e6) % (max_uj + 1)}\n")
        time.sleep(0.001)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--tick":
        tick(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
