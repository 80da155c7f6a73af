#!/usr/bin/env python3
"""What the device tool carries for bench/gpu/check.sh: the repository's tracked files
and the bundle folder, in MiB; exit status 1 at 64 MiB or more (the tool's limit).

    carried_size.py REPOSITORY BUNDLE_DIR
"""
import os
import subprocess
import sys


def main():
    root, bundle = sys.argv[1], sys.argv[2]
    names = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                           stdout=subprocess.PIPE).stdout.split(b"\0")
    tracked = sum(os.path.getsize(os.path.join(root, n.decode()))
                  for n in names if n and os.path.isfile(os.path.join(root, n.decode())))
    carried = sum(os.path.getsize(os.path.join(folder, f))
                  for folder, _, files in os.walk(bundle) for f in files)
    mib = 1 << 20
    print("carried: %.1f MiB of 64 (tracked files %.1f, bundle %.1f)"
          % ((tracked + carried) / mib, tracked / mib, carried / mib))
    return 0 if tracked + carried < 64 * mib else 1


if __name__ == "__main__":
    sys.exit(main())
