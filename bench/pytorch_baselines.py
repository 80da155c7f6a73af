#!/usr/bin/python3
"""PyTorch baselines for a sweep of MLPs on Fashion-MNIST: what a skilled user gets.

Three ways to train R runs of one MLP structure (each run its own weights and learning
rate; the same data order for all, as in sweepc), one epoch over the training images
with batch B, then the test images evaluated once:

  loop        each run alone: nn.Linear layers, torch.optim (what most users do);
  fused       HFTA-style: all runs in stacked tensors, baddbmm/bmm, per-run learning
              rates in one vectorized update;
  fused-wide  as fused, with the first layer (shared input) as ONE wide GEMM
              X[B, 784] x W[784, R*H].

`loop` on hundreds of runs takes minutes; `--loop-runs N` times it on the first N runs
only (runs are independent and identical in work, so runs/s is measured, not
extrapolated from a model; the output says how many runs were timed).

The module refuses to report when torch does not run its matrix products on OpenBLAS
(Debian's default reference BLAS is ~20x slower and would make any ratio meaningless):
see blas_library(). OpenBLAS must also use kernels for this CPU: bench/cpu_vs_pytorch.py
sets OPENBLAS_CORETYPE when OpenBLAS does not recognize the CPU and falls back to
generic ones (Debian 12's 0.3.21 on Sapphire Rapids: 29 instead of 287 GFLOP/s).

Threads: --threads sets torch's pool AND OpenBLAS's own (see use_threads()).

Usage: /usr/bin/python3 bench/pytorch_baselines.py --runs 64 --hidden 128 [--threads 2]
           [--optimizer sgd|adamw] [--strategies loop,fused,fused-wide] [--loop-runs 8]
           [--lr-range 1e-3 0.3]
       /usr/bin/python3 bench/pytorch_baselines.py --sgemm 2048 [--threads 1]
"""

import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch

FASHION = "/usr/share/datasets/fashion-mnist"


def blas_library():
    """The BLAS shared library this process has mapped (after a matmul)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as f:
        maps = f.read()
    for name in ("libopenblas", "libmkl", "libblis", "libblas.so"):
        for line in maps.splitlines():
            if name in line:
                return os.path.realpath(line.split()[-1])
    return "unknown"


def require_openblas():
    library = blas_library()
    if "openblas" not in library:
        sys.exit(f"pytorch_baselines: torch uses {library}, not OpenBLAS: a ratio against it "
                 "would be meaningless. Install Debian's libopenblas0-pthread "
                 "(apt-get install libopenblas0-pthread).")
    return library


def use_threads(library, threads):
    """Run torch's own kernels AND OpenBLAS's on `threads` threads; returns OpenBLAS's count.

    torch.set_num_threads does not reach Debian's OpenBLAS (libopenblas0-pthread keeps
    its own pool, one thread per core): without openblas_set_num_threads a "1 thread"
    baseline multiplies on every core. The count is read back and checked.
    """
    import ctypes
    torch.set_num_threads(threads)
    blas = ctypes.CDLL(library)
    blas.openblas_set_num_threads(threads)
    actual = blas.openblas_get_num_threads()
    if actual != threads:
        sys.exit(f"pytorch_baselines: OpenBLAS runs {actual} threads, not the {threads} asked for")
    return actual


def sgemm_rate(size, seconds=2.0):
    """GFLOP/s of torch's [size, size] x [size, size] float32 product, repeated for `seconds`."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        a @ b
        count += 1
    return 2 * size**3 * count / (time.perf_counter() - start) / 1e9


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    return values.reshape(dims) if rank > 1 else values


def fashion(folder=FASHION):
    """Standardized training and test images (as sweepc's normalize: standard) and labels,
    from the Fashion-MNIST idx .gz files in `folder`."""
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        if not os.path.exists(os.path.join(folder, name)):
            sys.exit(f"pytorch_baselines: {os.path.join(folder, name)} is missing "
                     "(Fashion-MNIST idx .gz files)")
    x = idx(os.path.join(folder, "train-images-idx3-ubyte.gz")).reshape(-1, 784)
    y = idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))
    tx = idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784)
    ty = idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))
    x = x.astype(np.float32) / 255
    tx = tx.astype(np.float32) / 255
    mean, std = x.mean(0), x.std(0) + 1e-6
    to = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    return (to((x - mean) / std), to(y.astype(np.int64)), to((tx - mean) / std),
            to(ty.astype(np.int64)))


def learning_rates(runs, lo=1e-3, hi=0.3):
    return [lo * (hi / lo) ** (i / max(1, runs - 1)) for i in range(runs)]


def he(shape_in, shape_out, runs, gen):
    return torch.randn(runs, shape_in, shape_out, generator=gen) * math.sqrt(2.0 / shape_in)


class Stacked:
    """Weights of R runs of a 784-H...-10 MLP as [R, in, out] tensors."""

    def __init__(self, runs, widths, seed=0):
        gen = torch.Generator().manual_seed(seed)
        self.weights = [he(a, b, runs, gen).requires_grad_() for a, b in zip(widths, widths[1:])]
        self.biases = [torch.zeros(runs, 1, b, requires_grad=True) for b in widths[1:]]

    def params(self):
        return self.weights + self.biases


def fused_logits(model, x, wide):
    runs = model.weights[0].shape[0]
    h = None
    for layer, (w, b) in enumerate(zip(model.weights, model.biases)):
        if layer == 0 and wide:
            # One wide GEMM over the shared input: [B, 784] x [784, R*H].
            width = w.shape[2]
            flat = w.permute(1, 0, 2).reshape(w.shape[1], runs * width)
            h = (x @ flat).reshape(x.shape[0], runs, width).permute(1, 0, 2) + b
        elif layer == 0:
            h = torch.baddbmm(b, x.unsqueeze(0).expand(runs, -1, -1), w)
        else:
            h = torch.baddbmm(b, h, w)
        if layer + 1 < len(model.weights):
            h = torch.relu(h)
    return h  # [R, B, 10]


def train_fused(runs, widths, data, batch, optimizer, wide, rates):
    x, y, tx, ty = data
    model = Stacked(runs, widths)
    lr = torch.tensor(rates)
    params = model.params()
    state = [dict(m=torch.zeros_like(p), v=torch.zeros_like(p)) for p in params]
    order = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(1))
    start = time.perf_counter()
    step = 0
    for s in range(0, x.shape[0], batch):
        index = order[s:s + batch]
        xb, yb = x[index], y[index]
        logits = fused_logits(model, xb, wide)
        # Each run's mean loss; their sum has each run's gradient.
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[2]), yb.repeat(runs), reduction="sum") / xb.shape[0]
        for p in params:
            p.grad = None
        loss.backward()
        step += 1
        with torch.no_grad():
            for p, st in zip(params, state):
                shape = (runs,) + (1,) * (p.dim() - 1)
                rate = lr.view(shape)
                if optimizer == "sgd":
                    p.sub_(rate * p.grad)
                else:  # adamw (decoupled weight decay 0.01), as sweepc's defaults
                    st["m"].mul_(0.9).add_(p.grad, alpha=0.1)
                    st["v"].mul_(0.999).addcmul_(p.grad, p.grad, value=0.001)
                    mhat = st["m"] / (1 - 0.9 ** step)
                    vhat = st["v"] / (1 - 0.999 ** step)
                    p.mul_(1 - rate * 0.01)
                    p.sub_(rate * mhat / (vhat.sqrt() + 1e-8))
    with torch.no_grad():
        correct = (fused_logits(model, tx, wide).argmax(2) == ty).sum(1)
    seconds = time.perf_counter() - start
    return seconds, (correct.float() / tx.shape[0]).max().item()


def train_loop(timed, widths, data, batch, optimizer, rates):
    x, y, tx, ty = data
    rates = rates[:timed]
    order = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(1))
    start = time.perf_counter()
    best = 0.0
    for r, rate in enumerate(rates):
        torch.manual_seed(r)
        layers = []
        for a, b in zip(widths, widths[1:]):
            layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers[:-1])
        opt = (torch.optim.SGD(model.parameters(), lr=rate) if optimizer == "sgd" else
               torch.optim.AdamW(model.parameters(), lr=rate, weight_decay=0.01))
        for s in range(0, x.shape[0], batch):
            index = order[s:s + batch]
            loss = torch.nn.functional.cross_entropy(model(x[index]), y[index])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        with torch.no_grad():
            best = max(best, (model(tx).argmax(1) == ty).float().mean().item())
    return time.perf_counter() - start, best


def measure(strategy, runs, widths, data, batch, optimizer, loop_runs, rates):
    """{strategy, runs_timed, seconds, runs_per_s, best_test_accuracy}."""
    if strategy == "loop":
        timed = min(runs, loop_runs) if loop_runs else runs
        seconds, best = train_loop(timed, widths, data, batch, optimizer, rates)
    else:
        timed = runs
        seconds, best = train_fused(runs, widths, data, batch, optimizer,
                                    strategy == "fused-wide", rates)
    return {"strategy": strategy, "runs_timed": timed, "seconds": seconds,
            "runs_per_s": timed / seconds, "best_test_accuracy": best}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int)
    parser.add_argument("--hidden", type=int, nargs="+")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "adamw"])
    parser.add_argument("--strategies", default="loop,fused,fused-wide")
    parser.add_argument("--loop-runs", type=int, default=0)
    parser.add_argument("--lr-range", type=float, nargs=2, default=[1e-3, 0.3],
                        help="learning rates log-spaced over this range, as the .sweep")
    parser.add_argument("--sgemm", type=int, metavar="N",
                        help="measure only an N x N x N sgemm on --threads threads")
    args = parser.parse_args()
    library = require_openblas()
    blas_threads = use_threads(library, args.threads)
    if args.sgemm:
        print(json.dumps({"blas": library, "threads": args.threads, "blas_threads": blas_threads,
                          "sgemm_gflops": sgemm_rate(args.sgemm)}))
        return
    if args.runs is None or args.hidden is None:
        parser.error("--runs and --hidden are required (or --sgemm N)")
    data = fashion()
    widths = [784] + args.hidden + [10]
    rates = learning_rates(args.runs, *args.lr_range)
    results = [measure(s, args.runs, widths, data, args.batch, args.optimizer, args.loop_runs,
                       rates) for s in args.strategies.split(",")]
    print(json.dumps({"blas": library, "torch": torch.__version__, "threads": args.threads,
                      "blas_threads": blas_threads, "results": results}))


if __name__ == "__main__":
    main()
