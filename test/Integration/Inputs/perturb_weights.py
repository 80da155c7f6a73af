#!/usr/bin/env python3
"""Changes the best run's weights file of a results directory, to show that
check_results.py notices (save-weights.test). Needs no NumPy.

    perturb_weights.py DIR --scale S    multiplies dense0.weight by S (relative change |S-1|)
    perturb_weights.py DIR --remove     deletes the file
"""
import argparse
import json
import os
import struct
import zipfile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--scale", type=float)
    action.add_argument("--remove", action="store_true")
    args = parser.parse_args()
    with open(os.path.join(args.dir, "summary.json")) as f:
        path = os.path.join(args.dir, json.load(f)["weights"]["files"][0])
    if args.remove:
        os.remove(path)
        return
    with zipfile.ZipFile(path) as archive:
        entries = [(name, archive.read(name)) for name in archive.namelist()]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            if name == "dense0.weight.npy":
                # The header is padded to a multiple of 64 bytes (NPY format 1.0).
                start = 10 + int.from_bytes(data[8:10], "little")
                count = (len(data) - start) // 4
                values = struct.unpack(f"<{count}f", data[start:])
                data = data[:start] + struct.pack(f"<{count}f", *(v * args.scale for v in values))
            archive.writestr(name, data)


if __name__ == "__main__":
    main()
