"""Rewrites one marked section of docs/performance.md (shared by the bench scripts).

A section sits between `<!-- NAME:begin -->` and `<!-- NAME:end -->`; a section that is
not there yet is inserted before the section named `before`.
"""

import os

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
