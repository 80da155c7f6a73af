#!/usr/bin/env python3
"""Sends SIGNAL to `sweepc build` while it links, and checks that it dies of the
signal leaving no EXE.partial behind.

    signal_during_link.py SWEEPC SWEEP_FILE WORK_DIR SIGNAL_NAME

The link is a stand-in compiler ($CXX) that writes the file it is asked for
(EXE.partial, beside EXE) and then waits, so the signal lands mid-link.
"""
import os
import signal
import subprocess
import sys
import time


def main():
    sweepc, sweep, work, name = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    compiler = os.path.join(work, "slow-c++")
    with open(compiler, "w") as out:
        out.write('#!/bin/sh\nwhile [ $# -gt 0 ]; do\n'
                  '  if [ "$1" = -o ]; then echo half > "$2"; fi\n  shift\ndone\n'
                  'sleep 20\n')
    os.chmod(compiler, 0o755)
    executable = os.path.join(work, "exe-" + name)
    partial = executable + ".partial"
    env = dict(os.environ, CXX=compiler)
    build = subprocess.Popen([sweepc, "build", sweep, "-o", executable, "--device=cpu",
                              "--compile-cache=off"], env=env, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    deadline = time.time() + 120
    while not os.path.exists(partial):
        if build.poll() is not None or time.time() > deadline:
            print("signal_during_link: the link never started: %s" % build.communicate()[1])
            return 1
        time.sleep(0.05)
    build.send_signal(getattr(signal, name))
    _, errors = build.communicate(timeout=60)
    # The stand-in compiler sleeps on in the group: end it.
    try:
        os.killpg(build.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    died = -build.returncode == getattr(signal, name)
    left = [f for f in (partial, executable) if os.path.exists(f)]
    print("signal_during_link: %s: %s, %s" % (
        name, "died of it" if died else "exit %d" % build.returncode,
        "left " + ", ".join(os.path.basename(f) for f in left) if left else "left nothing"))
    return 0 if died and not left else 1


if __name__ == "__main__":
    sys.exit(main())
