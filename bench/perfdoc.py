"""Rewrites one marked section of docs/performance.md (shared by the bench scripts).

A section sits between `<!-- NAME:begin -->` and `<!-- NAME:end -->`; a section that is
not there yet is inserted before the section named `before`.
"""

import os
import subprocess
import time

# Benchmarks measure what a sweep costs when it is first run, compiling included: a
# warm compile cache (codegen/cpu/CompileCache.h) would hide that. bench/compile_cache.py
# measures the cache itself by naming its directory with --compile-cache.
os.environ["SWEEPC_COMPILE_CACHE"] = "off"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = os.path.join(ROOT, "docs", "performance.md")


def write_section(name, text, before="fuzzing"):
    with open(PATH) as f:
        doc = f.read()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in doc:
        anchor = f"<!-- {before}:begin -->"
        doc = doc.replace(anchor, begin + "\n" + end + "\n\n" + anchor)
    head, rest = doc.split(begin)
    _, tail = rest.split(end)
    with open(PATH, "w") as f:
        f.write(head + begin + "\n" + text + end + tail)


def fake_cuda_driver(build):
    """The tests' stand-in libcuda (test/unittests/runtime/FakeCuda.cpp): it runs no kernel,
    so a sweep "on the GPU" through it measures compiling for the GPU on any machine."""
    return os.path.abspath(os.path.join(build, "test", "unittests", "libsweep-fake-cuda.so"))


def spirals_sweep(epochs, script):
    """examples/spirals_depth_width.sweep (42 groups) cut to `epochs` epochs, so that
    compiling is a large part of the run; `script` names the caller in an error."""
    with open(os.path.join(ROOT, "examples", "spirals_depth_width.sweep")) as f:
        text = f.read()
    if "epochs 200" not in text:
        raise SystemExit(f"{script}: examples/spirals_depth_width.sweep no longer says "
                         "'epochs 200'")
    return text.replace("epochs 200", f"epochs {epochs}")


def run_measured(command, what):
    """Runs `command` (stdout discarded) and returns its peak resident bytes (ru_maxrss
    of the child, from wait4) and wall seconds; exits naming `what` when it fails."""
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - start
    if status != 0:
        raise SystemExit(f"{what}: {' '.join(command)} failed (status {status})")
    return usage.ru_maxrss * 1024, seconds
