"""Runs a command with its address space limited (RLIMIT_AS), so that its
allocations fail as on a machine without the memory.

Usage: with_address_space_limit.py BYTES COMMAND [ARG]...
"""
import os
import resource
import sys

limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
os.execvp(sys.argv[2], sys.argv[2:])
