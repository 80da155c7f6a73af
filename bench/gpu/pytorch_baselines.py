#!/usr/bin/env python3
"""PyTorch on one GPU: the baselines sweepc's CUDA backend must beat (issue 7).

The sweep: R runs of one MLP structure on Fashion-MNIST (default 100,000 runs of
784-32-10 relu, log-spaced learning rates 1e-3..0.3, plain SGD, batch 128, 1 epoch, then
the 10,000 test images), every run with its own weights, all runs seeing the same data
order, as in sweepc. Strategies, each a skilled user's way to train many small models at
once on a GPU:

  bmm       all runs stacked ([R, in, out] weights), baddbmm/bmm per layer, autograd,
            per-run learning rates in one in-place update (HFTA-style);
  bmm-wide  as bmm, the first layer (shared input) as ONE wide GEMM
            X[B, 784] x W[784, R*H], its weights stored that way (no copy per step);
  vmap      torch.func: vmap(grad(loss of one run)) over the stacked parameters.

float32 throughout, TF32 off (PyTorch's default for float32 matrix products), so the
work is what sweepc's float32 kernels do. The card's limits are measured in the same
process: float32 (and, for reference, TF32) 8192^3 matrix products, and a device copy.
Energy comes from NVML's total-energy counter (nvidia-ml-py) read around each timed
region; where NVML or the counter is missing, the output says so and gives no joules.

Every strategy is warmed up (2 steps on a throw-away copy), then trained from fresh
weights and timed with the device synchronized: the epoch, then the evaluation. When
the first timed steps predict an epoch longer than --budget seconds, only the steps that
fit are timed and the row says "partial: N of M steps" (runs/s over those steps is a
measurement of those steps, not of the whole epoch).

Usage (on the GPU machine; data from /usr/share/datasets/fashion-mnist or --data DIR):
  python3 bench/gpu/pytorch_baselines.py [--runs 100000] [--hidden 32]
      [--strategies bmm,bmm-wide,vmap] [--budget 120] [--json FILE]
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"


# ---------------------------------------------------------------- data

# The same files, order and standardization as the CPU baselines (bench/pytorch_baselines.py).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from pytorch_baselines import fashion as fashion_on_cpu  # noqa: E402


def fashion(folder, device):
    """Standardized images (sweepc's normalize: standard) and labels, on `device`."""
    return tuple(t.to(device) for t in fashion_on_cpu(folder))


# ---------------------------------------------------------------- models

def he(runs, fan_in, fan_out, gen, device):
    return torch.randn(runs, fan_in, fan_out, generator=gen, device=device) * math.sqrt(2.0 / fan_in)


class Stacked:
    """R runs of a 784-H...-10 relu MLP: weights [R, in, out], biases [R, 1, out]. With
    `wide`, the first layer's weights are [in, R*out] (column r*out + j is run r's j)."""

    def __init__(self, runs, widths, wide, device, seed=0):
        gen = torch.Generator(device=device).manual_seed(seed)
        self.runs, self.wide = runs, wide
        self.weights = [he(runs, a, b, gen, device) for a, b in zip(widths, widths[1:])]
        if wide:
            first = self.weights[0]
            self.weights[0] = first.permute(1, 0, 2).reshape(widths[0], runs * widths[1]).contiguous()
        self.biases = [torch.zeros(runs, 1, b, device=device) for b in widths[1:]]
        for p in self.params():
            p.requires_grad_()

    def params(self):
        return self.weights + self.biases

    def logits(self, x, runs=None):
        """[R, B, 10] for the runs in `runs` (a slice; all by default)."""
        runs = runs or slice(0, self.runs)
        count = runs.stop - runs.start
        h = None
        for layer, (w, b) in enumerate(zip(self.weights, self.biases)):
            b = b[runs]
            if layer == 0 and self.wide:
                width = w.shape[1] // self.runs
                cols = w[:, runs.start * width:runs.stop * width]
                h = (x @ cols).view(x.shape[0], count, width).transpose(0, 1) + b
            elif layer == 0:
                h = torch.baddbmm(b, x.unsqueeze(0).expand(count, -1, -1), w[runs])
            else:
                h = torch.baddbmm(b, h, w[runs])
            if layer + 1 < len(self.weights):
                h = torch.relu(h)
        return h


def stacked_step(model, xb, yb, rates):
    logits = model.logits(xb)
    # Each run's mean loss; their sum has each run's gradient.
    logp = logits.log_softmax(2)
    loss = -logp.gather(2, yb.view(1, -1, 1).expand(model.runs, -1, 1)).sum() / xb.shape[0]
    for p in model.params():
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in model.params():
            if model.wide and p is model.weights[0]:
                width = p.shape[1] // model.runs
                rate = rates.repeat_interleave(width).view(1, -1)
            else:
                rate = rates.view((-1,) + (1,) * (p.dim() - 1))
            p.addcmul_(rate, p.grad, value=-1.0)


class VmapModel:
    """The same weights as Stacked (not wide), trained through torch.func."""

    def __init__(self, runs, widths, device):
        stacked = Stacked(runs, widths, False, device)
        self.runs = runs
        self.params = {}
        for i, (w, b) in enumerate(zip(stacked.weights, stacked.biases)):
            self.params[f"w{i}"] = w.detach()
            self.params[f"b{i}"] = b.detach().squeeze(1)
        self.layers = len(stacked.weights)
        try:
            from torch.func import grad, vmap
        except ImportError:  # torch < 2.0 (a smoke run on Debian's 1.13)
            from functorch import grad, vmap
        self.grads = vmap(grad(self.loss), in_dims=(0, None, None))
        self.forward = vmap(self.one_run, in_dims=(0, None))

    def one_run(self, params, x):
        h = x
        for i in range(self.layers):
            h = h @ params[f"w{i}"] + params[f"b{i}"]
            if i + 1 < self.layers:
                h = torch.relu(h)
        return h

    def loss(self, params, x, y):
        return F.cross_entropy(self.one_run(params, x), y)

    def logits(self, x, runs=None):
        runs = runs or slice(0, self.runs)
        return self.forward({k: v[runs] for k, v in self.params.items()}, x)


def vmap_step(model, xb, yb, rates):
    grads = model.grads(model.params, xb, yb)
    with torch.no_grad():
        for name, p in model.params.items():
            p.addcmul_(rates.view((-1,) + (1,) * (p.dim() - 1)), grads[name], value=-1.0)


def make(strategy, runs, widths, device):
    if strategy == "vmap":
        return VmapModel(runs, widths, device), vmap_step
    return Stacked(runs, widths, strategy == "bmm-wide", device), stacked_step


# ---------------------------------------------------------------- energy

class Energy:
    """NVML's total energy counter of GPU 0 (millijoules since the driver loaded)."""

    def __init__(self):
        self.handle, self.why = None, None
        try:
            import pynvml
            pynvml.nvmlInit()
            self.nvml = pynvml
            self.handle = pynvml.nvmlDeviceGetHandleByIndex(0)
            pynvml.nvmlDeviceGetTotalEnergyConsumption(self.handle)
        except Exception as e:  # no package, no driver, or no counter on this card
            self.handle, self.why = None, f"NVML energy unavailable: {e!r}"

    def read(self):
        if self.handle is None:
            return None
        return self.nvml.nvmlDeviceGetTotalEnergyConsumption(self.handle) / 1000.0

    def power_limit_watts(self):
        if self.handle is None:
            return None
        return self.nvml.nvmlDeviceGetEnforcedPowerLimit(self.handle) / 1000.0


class NoEnergy:
    def read(self):
        return None


# ---------------------------------------------------------------- timing

def synced():
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter()


def matmul_rate(n, tf32, repeats=10):
    """Median TFLOP/s of an n^3 float32 product on random data (CUDA events)."""
    torch.backends.cuda.matmul.allow_tf32 = tf32
    a = torch.randn(n, n, device="cuda")
    b = torch.randn(n, n, device="cuda")
    for _ in range(3):
        a @ b
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        a @ b
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1000)
    torch.backends.cuda.matmul.allow_tf32 = False
    return 2 * n**3 / statistics.median(times) / 1e12


def copy_rate(gib=4, repeats=10):
    """Median TB/s of a device-to-device copy, counting bytes read and written."""
    a = torch.empty(int(gib * 2**30) // 4, device="cuda")
    a.normal_()
    b = torch.empty_like(a)
    b.copy_(a)
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        b.copy_(a)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1000)
    return 2 * a.numel() * 4 / statistics.median(times) / 1e12


def train(strategy, args, data, energy):
    x, y, tx, ty = data
    device = args.device
    cuda = device == "cuda"
    widths = [784] + args.hidden + [10]
    runs = args.runs
    rates = torch.logspace(math.log10(args.lr_range[0]), math.log10(args.lr_range[1]), runs,
                           device=device)
    order = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(1)).to(device)
    steps = [order[s:s + args.batch] for s in range(0, x.shape[0], args.batch)]

    # Warm-up on a throw-away copy: kernels chosen, memory pooled.
    model, step = make(strategy, runs, widths, device)
    for index in steps[:2]:
        step(model, x[index], y[index], rates)
    del model
    synced()

    model, step = make(strategy, runs, widths, device)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    joules0 = energy.read()
    start = synced()
    done = 0
    probe = min(10, len(steps))
    for index in steps[:probe]:
        step(model, x[index], y[index], rates)
    done = probe
    probe_seconds = synced() - start
    fit = int(args.budget / (probe_seconds / probe)) if probe_seconds > 0 else len(steps)
    planned = min(len(steps), max(probe, fit))
    for index in steps[probe:planned]:
        step(model, x[index], y[index], rates)
    done = planned
    train_seconds = synced() - start
    joules_train = energy.read()

    with torch.no_grad():
        correct = torch.zeros(runs, device=device)
        finite = torch.zeros(runs, dtype=torch.bool, device=device)
        for r0 in range(0, runs, args.eval_chunk):
            chunk = slice(r0, min(runs, r0 + args.eval_chunk))
            logits = model.logits(tx, chunk)
            correct[chunk] = (logits.argmax(2) == ty).sum(1).float()
            finite[chunk] = torch.isfinite(logits).flatten(1).all(1)
        # A diverged run (non-finite outputs) counts as accuracy 0, as sweepc masks it.
        accuracy = torch.where(finite, correct / tx.shape[0], torch.zeros_like(correct))
    total_seconds = synced() - start
    joules_total = energy.read()

    params = sum(a * b + b for a, b in zip(widths, widths[1:]))
    samples = done * args.batch if done < len(steps) else x.shape[0]
    flops = 6.0 * params * samples * runs
    row = {
        "strategy": strategy, "runs": runs, "steps_timed": done, "steps_in_epoch": len(steps),
        "partial": done < len(steps), "train_seconds": train_seconds,
        "total_seconds": total_seconds,
        "runs_per_s": runs / total_seconds if done == len(steps) else None,
        "train_runs_per_s": runs * done / len(steps) / train_seconds,
        "train_tflops": flops / train_seconds / 1e12,
        "peak_memory_gib": torch.cuda.max_memory_allocated() / 2**30 if cuda else None,
        "best_test_accuracy": accuracy.max().item(),
        "median_test_accuracy": accuracy.median().item(),
        "diverged_runs": int((~finite).sum().item()),
    }
    if joules0 is not None:
        row["joules_train"] = joules_train - joules0
        row["joules_total"] = joules_total - joules0
        row["joules_per_run"] = (joules_total - joules0) / runs if done == len(steps) else None
        row["mean_watts"] = (joules_total - joules0) / total_seconds
    del model
    if cuda:
        torch.cuda.empty_cache()
    return row


def table(result):
    peak = result["fp32_matmul_tflops"]
    limits = (f"fp32 matmul 8192^3 {peak:.1f} TFLOP/s, TF32 {result['tf32_matmul_tflops']:.1f}, "
              f"device copy {result['copy_tb_s']:.2f} TB/s" if peak else "limits not measured")
    lines = [f"GPU: {result['gpu']}, torch {result['torch']}, CUDA {result['cuda']}; "
             f"{limits}; {result['energy']}",
             f"sweep: {result['runs']} runs of {result['widths']}, batch {result['batch']}, "
             f"1 epoch of 60,000 images + 10,000 test images",
             "| strategy | steps timed | train s | total s | runs/s | TFLOP/s (of fp32 peak) | "
             "J/run | W | peak GiB | best / median test acc |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        if "error" in r:
            lines.append(f"| {r['strategy']} | failed: {r['error']} |")
            continue
        rps = f"{r['runs_per_s']:.0f}" if r["runs_per_s"] else \
            f"(train only, partial) {r['train_runs_per_s']:.0f}"
        jpr = f"{r['joules_per_run']:.4f}" if r.get("joules_per_run") else "-"
        watts = f"{r['mean_watts']:.0f}" if r.get("mean_watts") else "-"
        lines.append(
            f"| {r['strategy']} | {r['steps_timed']} of {r['steps_in_epoch']} | "
            f"{r['train_seconds']:.2f} | {r['total_seconds']:.2f} | {rps} | "
            f"{r['train_tflops']:.2f} ({r['train_tflops'] / peak if peak else 0:.0%}) | {jpr} | "
            f"{watts} | {r['peak_memory_gib'] or 0:.1f} | {r['best_test_accuracy']:.4f} / "
            f"{r['median_test_accuracy']:.4f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100000)
    parser.add_argument("--hidden", type=int, nargs="+", default=[32])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr-range", type=float, nargs=2, default=[1e-3, 0.3])
    parser.add_argument("--strategies", default="bmm,bmm-wide,vmap")
    parser.add_argument("--eval-chunk", type=int, default=4096, help="runs evaluated at once")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds of training per strategy before it is cut short")
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"],
                        help="cpu: a smoke run of the code paths (no limits, no energy)")
    args = parser.parse_args()
    cuda = args.device == "cuda"
    if cuda and not torch.cuda.is_available():
        sys.exit("pytorch_baselines: no CUDA device visible to torch; this benchmark needs a GPU "
                 "(--device cpu only smoke-tests the code)")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    energy = Energy() if cuda else None
    data = fashion(args.data, args.device)
    result = {
        "gpu": torch.cuda.get_device_name(0) if cuda else "none (cpu smoke run)",
        "torch": torch.__version__, "cuda": torch.version.cuda, "runs": args.runs,
        "widths": "-".join(str(w) for w in [784] + args.hidden + [10]), "batch": args.batch,
        "fp32_matmul_tflops": matmul_rate(8192, tf32=False) if cuda else None,
        "tf32_matmul_tflops": matmul_rate(8192, tf32=True) if cuda else None,
        "copy_tb_s": copy_rate() if cuda else None,
        "energy": "not read (cpu smoke run)" if not cuda else energy.why or
                  f"NVML total-energy counter (power limit {energy.power_limit_watts():.0f} W)",
        "rows": [],
    }
    if not cuda:
        energy = NoEnergy()
    for strategy in args.strategies.split(","):
        # A strategy that fails (out of memory, an operator torch.func cannot batch) is a
        # row that says why; the others still run.
        try:
            result["rows"].append(train(strategy, args, data, energy))
        except Exception as e:
            if cuda:
                torch.cuda.empty_cache()
            result["rows"].append({"strategy": strategy, "error": f"{type(e).__name__}: {e}"[:300]})
        print(json.dumps(result["rows"][-1]), flush=True)
        if args.json:  # after every row, so that a run cut short keeps what it measured
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
    print(table(result))


if __name__ == "__main__":
    main()
