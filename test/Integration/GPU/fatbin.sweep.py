"""Counts the fatbinaries in an object and checks each holds a cubin and PTX for sm_90.

A fatbinary: a 16-byte header (magic 0xBA55ED50, version, header size, size of the
entries), then entries, each a header (kind: 1 PTX, 2 ELF cubin; its own header size;
the payload's size; the SM at byte 28) and its payload (the PTX may be compressed)."""
import struct
import sys

data = open(sys.argv[1], "rb").read()
magic = struct.pack("<I", 0xBA55ED50)
count = complete = 0
at = data.find(magic)
while at != -1:
    _, _, header, size = struct.unpack("<IHHQ", data[at:at + 16])
    kinds = set()
    entry, end = at + header, at + header + size
    while entry < end:
        kind, _, entry_header, payload = struct.unpack("<HHIQ", data[entry:entry + 16])
        sm = struct.unpack("<I", data[entry + 28:entry + 32])[0]
        kinds.add((kind, sm))
        entry += entry_header + payload
    count += 1
    complete += {(1, 90), (2, 90)} <= kinds
    at = data.find(magic, end)
print(f"fatbinaries: {count}")
print("every fatbinary has a cubin and the PTX for sm_90:", "yes" if complete == count else "no")
