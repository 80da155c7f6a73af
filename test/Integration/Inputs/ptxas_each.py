"""Assembles every PTX module of `sweepc -emit=ptx` output with ptxas.

Usage: ptxas_each.py PTXAS ARCH FILE. The modules are separated by the lines
`// ----- PTX module NAME` that sweepc prints; each is written to its own file
and assembled for ARCH (e.g. sm_90). Prints one line per module, with the
number of kernels (.entry) it holds, and exits 1
when any fails (with ptxas's message), or when there is no module at all.
"""

import os
import re
import subprocess
import sys
import tempfile


def main():
    ptxas, arch, path = sys.argv[1:4]
    text = open(path).read()
    parts = re.split(r"^// ----- PTX module (\S+)\n", text, flags=re.M)
    modules = list(zip(parts[1::2], parts[2::2]))
    if not modules:
        sys.exit(f"ptxas_each: no PTX module in {path}")
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        for number, (name, ptx) in enumerate(modules):
            entries = len(re.findall(r"^\.visible \.entry ", ptx, flags=re.M))
            source = os.path.join(work, f"{number}.{name}.ptx")
            with open(source, "w") as f:
                f.write(ptx)
            done = subprocess.run([ptxas, "-arch=" + arch, source, "-o",
                                   os.path.join(work, f"{number}.{name}.cubin")],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                failed += 1
                print(f"{name} ({entries} kernels): FAILED\n{done.stderr}")
            else:
                print(f"{name} ({entries} kernels): ok")
    print(f"{len(modules) - failed} of {len(modules)} modules assembled for {arch}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
