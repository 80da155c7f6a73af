# -*- Python -*-
# lit configuration for sweepc's golden tests (test/Lang, and later stages).

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SWEEPC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".sweep", ".test", ".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.sweep_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "fuzz", "unittests",
                   "Inputs"]

config.environment["FILECHECK_OPTS"] = "--enable-var-scope --dump-input=fail"
# Tests compile from scratch and write nothing under $HOME: the compile cache is off
# unless a test names a directory with --compile-cache (Integration/CPU/compile-cache.test).
config.environment["SWEEPC_COMPILE_CACHE"] = "off"
config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%examples", os.path.join(config.sweep_src_root, "examples")))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%cxx", config.cxx_compiler))
# What an ahead-of-time object links against: the kernels and the energy
# probes (libdl for the energy library's NVML loader).
config.substitutions.append(("%runtime-libs", " ".join([
    os.path.join(config.sweep_obj_root, "runtime", "kernels", "libSweepRuntimeKernels.a"),
    os.path.join(config.sweep_obj_root, "runtime", "energy", "libSweepRuntimeEnergy.a"),
    "-ldl"])))
# What a GPU object from `sweepc -emit=gpu-obj` links against (runtime/cuda, its
# header from the source tree), and the stand-in driver that lets it run without a GPU.
config.substitutions.append(("%cuda-runtime-libs", " ".join([
    "-I" + config.sweep_src_root,
    os.path.join(config.sweep_obj_root, "runtime", "cuda", "libSweepRuntimeCuda.a"), "-ldl"])))
config.substitutions.append(("%fake-cuda", os.path.join(config.sweep_obj_root, "test",
                                                        "unittests", "libsweep-fake-cuda.so")))
config.substitutions.append(("%sweep-build-dir", config.sweep_obj_root))
config.substitutions.append(("%failing-malloc", os.path.join(config.sweep_obj_root, "test",
                                                             "unittests",
                                                             "libsweep-failing-malloc.so")))
config.substitutions.append(("%fake-nvml", os.path.join(config.sweep_obj_root, "test",
                                                        "unittests", "libsweep-fake-nvml.so")))
config.substitutions.append(("%results-check",
                             config.python_executable + " " +
                             os.path.join(config.sweep_src_root, "test", "Integration",
                                          "Inputs", "check_results.py")))

# The terminal progress test runs sweepc under util-linux's `script` (a pseudo-terminal).
import shutil
if shutil.which("script"):
    config.available_features.add("script")

# Debian's python3-pandas serves /usr/bin/python3, whatever python runs lit.
import subprocess
if os.path.exists("/usr/bin/python3") and subprocess.run(
        ["/usr/bin/python3", "-c", "import pandas"], capture_output=True).returncode == 0:
    config.available_features.add("pandas")
    config.substitutions.append(("%pandas-python", "/usr/bin/python3"))

# Debian's python3-numpy (CPU/save-weights.test evaluates the weights files).
if os.path.exists("/usr/bin/python3") and subprocess.run(
        ["/usr/bin/python3", "-c", "import numpy"], capture_output=True).returncode == 0:
    config.available_features.add("numpy")
    config.substitutions.append(("%numpy-python", "/usr/bin/python3"))

# A git checkout (CI's clean clone, a developer's tree): tests of what git tracks.
if os.path.isdir(os.path.join(config.sweep_src_root, ".git")) and shutil.which("git"):
    config.available_features.add("git-checkout")
    config.substitutions.append(("%src-root", config.sweep_src_root))

# The report's browser test: Debian's chromium, chromium-driver and python3-selenium
# (and python3-pil to look at the pixels), whatever python runs lit.
if all(os.path.exists(p) for p in ("/usr/bin/chromium", "/usr/bin/chromedriver",
                                   "/usr/bin/python3")) and subprocess.run(
        ["/usr/bin/python3", "-c", "import selenium, PIL"], capture_output=True).returncode == 0:
    config.available_features.add("chromium")
    config.substitutions.append(("%chromium-python", "/usr/bin/python3"))
else:
    lit_config.note("Chromium, chromium-driver or python3-selenium/python3-pil is not "
                    "installed: Report/browser.test is skipped (scripts/install-deps.sh "
                    "installs them)")

# The PyTorch reference (Integration/Reference) needs Debian's python3-torch, on any BLAS;
# the PyTorch baselines in bench/ need it on OpenBLAS (make bench installs both).
if os.path.exists("/usr/bin/python3") and subprocess.run(
        ["/usr/bin/python3", "-c", "import torch, numpy"], capture_output=True).returncode == 0:
    config.available_features.add("torch")
    config.substitutions.append(("%torch-python", "/usr/bin/python3"))
    if os.path.exists("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"):
        config.available_features.add("torch-openblas")

# Integration tests that train on Fashion-MNIST need the Debian package's files.
if os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"):
    config.available_features.add("fashion-mnist")

# Tests that hide a file system (/proc) from sweepc run it in a private mount
# namespace: root, or a kernel that lets users have one.
unshare = shutil.which("unshare")
if unshare and subprocess.run([unshare, "-m", "--map-root-user", "true"],
                              capture_output=True).returncode == 0:
    config.available_features.add("private-mounts")
    config.substitutions.append(("%private-mounts", unshare + " -m --map-root-user"))

# Permissions are tested as an unprivileged user (root may write anywhere): root
# runs the command as nobody.
setpriv = shutil.which("setpriv")
if os.geteuid() == 0 and setpriv:
    config.available_features.add("as-nobody")
    config.substitutions.append(("%as-nobody",
                                 setpriv + " --reuid=65534 --regid=65534 --clear-groups"))

# Multi-process sweeps need a sweepc built with MPI and OpenMPI's mpirun. Two ranks
# on this machine: --oversubscribe lets them share fewer cores; a root CI container
# needs OpenMPI's consent to run as root.
mpirun = shutil.which("mpirun")
if getattr(config, "sweep_have_mpi", False) and mpirun:
    config.available_features.add("mpi")
    config.substitutions.append(("%mpirun", mpirun + " --oversubscribe"))
    config.environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    config.environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    # Loopback only: CI machines have no network to find peers on.
    config.environment["OMPI_MCA_btl"] = "self,vader,tcp"
    config.environment["OMPI_MCA_btl_tcp_if_include"] = "lo"
    config.environment["OMPI_MCA_oob_tcp_if_include"] = "lo"

# strace counts system calls (test/Integration/CPU/rows-one-write.test).
if shutil.which("strace"):
    config.available_features.add("strace")

# The GPU pipeline's PTX is checked by NVIDIA's assembler where the CUDA toolkit is
# installed ($CUDA_HOME, /usr/local/cuda, or ptxas on PATH); elsewhere those tests are
# UNSUPPORTED.
ptxas = next((p for p in [os.path.join(os.environ.get("CUDA_HOME", "/usr/local/cuda"), "bin",
                                       "ptxas"), shutil.which("ptxas") or ""]
              if p and os.access(p, os.X_OK)), None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas-path", ptxas))
    config.substitutions.append(("%ptxas-each",
                                 config.python_executable + " " +
                                 os.path.join(config.sweep_src_root, "test", "Integration",
                                              "Inputs", "ptxas_each.py") + " " + ptxas))

# -emit=ptx needs the toolkit's libdevice (the kernels' math functions); sweepc looks in
# $CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, then /usr/local/cuda, and lit passes those on.
toolkit = next((os.environ[v] for v in ("CUDA_ROOT", "CUDA_HOME", "CUDA_PATH")
                if os.environ.get(v)), "/usr/local/cuda")
libdevice = os.path.join(toolkit, "nvvm", "libdevice", "libdevice.10.bc")
if os.path.exists(libdevice):
    config.available_features.add("libdevice")
    config.substitutions.append(("%libdevice", libdevice))
for v in ("CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"):
    if os.environ.get(v):
        config.environment[v] = os.environ[v]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    [ToolSubst("sweepc", unresolved="fatal"), ToolSubst("sweep-opt", unresolved="fatal"),
     ToolSubst("llvm-nm", unresolved="fatal")],
    [config.sweep_tools_dir, config.llvm_tools_dir])
