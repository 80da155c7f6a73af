#!/usr/bin/python3
"""Cross-checks the reference interpreter against PyTorch, step for step.

The same runs are trained twice: by `sweepc run --backend=interp`, and by PyTorch from
the same initial weights and the same minibatch order, both recomputed from sweepc's
documented Philox streams (test/Integration/Reference/Inputs/sweep_draws.py). The
random sweeps of test/Integration/Reference do this for the whole language in `make test`.
The per-epoch metrics of curves.csv must match PyTorch's within a float32 tolerance.
This checks the interpreter's forward, backward, optimizers, schedules and metrics
against an implementation that shares none of its code.

Needs Debian's python3-torch and python3-numpy (run with /usr/bin/python3); not part of
`make test`. Prints a table and exits 1 on a mismatch.

Usage: /usr/bin/python3 bench/interp_vs_pytorch.py [--build build] [--limit 6000]
"""

import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "Integration", "Reference", "Inputs"))
from sweep_draws import init_weights, shuffled  # noqa: E402  (sweepc's Philox draws)
from pytorch_reference import read_idx  # noqa: E402

FASHION = "/usr/share/datasets/fashion-mnist"

SWEEP = """
dataset fashion = fashion_mnist(limit: {limit}, validation: {validation});
model mlp(width: int = 64) {{
  x = input(784);
  x = relu(dense(x, width));
  x = tanh(dense(x, 32));
  return dense(x, 10);
}}
sweep crosscheck {{
  data      fashion, batch 64, epochs 3;
  model     mlp();
  loss      cross_entropy;
  optimizer in [sgd(lr: 0.05, momentum: 0.9, weight_decay: 1e-4),
                sgd(lr: 0.02, momentum: 0.9, nesterov: true),
                adam(lr: 1e-3, weight_decay: 1e-4),
                adamw(lr: 2e-3, weight_decay: 0.05)];
  schedule  cosine(final: 0.1, warmup: 0.5);
  init      in [he_normal, xavier_uniform];
  seed      7;
  report    accuracy, loss;
}}
"""


def schedule(step, steps, epochs, peak, warmup=0.5, final=0.1):
    done = step / steps
    warm = min(1.0, (step + 1) / (warmup * steps))
    q = min(max((done - warmup) / (epochs - warmup), 0.0), 1.0)
    return peak * warm * (final + (1 - final) * 0.5 * (1 + math.cos(math.pi * q)))


def train_torch(x, y, xv, yv, xt, yt, optimizer_spec, init, seed, epochs=3, batch=64):
    torch.manual_seed(0)
    shapes = [(784, 64), (64, 32), (32, 10)]
    params = []
    for layer, (fan_in, fan_out) in enumerate(shapes):
        params.append(torch.tensor(init_weights(seed, layer, fan_in, fan_out, init),
                                   requires_grad=True))
        params.append(torch.zeros(fan_out, requires_grad=True))
    kind, options = optimizer_spec
    peak = options["lr"]
    if kind == "sgd":
        opt = torch.optim.SGD(params, **options)
    elif kind == "adam":
        opt = torch.optim.Adam(params, **options)
    else:
        opt = torch.optim.AdamW(params, **options)

    def forward(inputs):
        h = torch.relu(inputs @ params[0] + params[1])
        h = torch.tanh(h @ params[2] + params[3])
        return h @ params[4] + params[5]

    def evaluate(inputs, labels):
        with torch.no_grad():
            logits = forward(inputs)
            loss = torch.nn.functional.cross_entropy(logits, labels, reduction="sum").item()
            correct = (logits.argmax(1) == labels).sum().item()
        return loss / len(labels), correct / len(labels)

    n = len(y)
    steps = (n + batch - 1) // batch
    curves = []
    for epoch in range(1, epochs + 1):
        order = torch.tensor(shuffled(n, 0, epoch))
        total = 0.0
        for s in range(steps):
            rows = order[s * batch:(s + 1) * batch]
            for group in opt.param_groups:
                group["lr"] = schedule((epoch - 1) * steps + s, steps, epochs, peak)
            loss = torch.nn.functional.cross_entropy(forward(x[rows]), y[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(rows)
        vl, va = evaluate(xv, yv)
        tl, ta = evaluate(xt, yt)
        curves.append({"train_loss": total / n, "val_accuracy": va, "val_loss": vl,
                       "test_accuracy": ta, "test_loss": tl})
    return curves


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--limit", type=int, default=6000)
    args = parser.parse_args()
    validation = args.limit // 6
    torch.set_num_threads(1)

    with tempfile.TemporaryDirectory() as work:
        sweep = os.path.join(work, "crosscheck.sweep")
        with open(sweep, "w") as f:
            f.write(SWEEP.format(limit=args.limit, validation=validation))
        subprocess.run([os.path.join(ROOT, args.build, "bin", "sweepc"), "run", sweep,
                        "--results=" + work, "--quiet"], check=True)
        with open(os.path.join(work, "crosscheck", "runs.csv"), newline="") as f:
            runs = {int(r["run"]): r for r in csv.DictReader(f)}
        with open(os.path.join(work, "crosscheck", "curves.csv"), newline="") as f:
            curves = list(csv.DictReader(f))

    images = read_idx(f"{FASHION}/train-images-idx3-ubyte.gz", args.limit).astype(np.float32)
    labels = read_idx(f"{FASHION}/train-labels-idx1-ubyte.gz", args.limit).astype(np.int64)
    test_x = read_idx(f"{FASHION}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255
    test_y = read_idx(f"{FASHION}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    images /= 255
    keep = args.limit - validation
    tensors = [torch.tensor(a) for a in (images[:keep], labels[:keep], images[keep:],
                                         labels[keep:], test_x, test_y)]

    failures = 0
    print("run  optimizer  init            metric         epoch  sweepc      pytorch     diff")
    for run_id, run in sorted(runs.items()):
        kind = run["optimizer"]
        options = {"lr": float(run["optimizer.lr"])}
        if kind == "sgd":
            options.update(momentum=float(run["optimizer.momentum"]),
                           nesterov=run["optimizer.nesterov"] == "true",
                           weight_decay=float(run["optimizer.weight_decay"]))
        else:
            options.update(betas=(float(run["optimizer.beta1"]), float(run["optimizer.beta2"])),
                           eps=float(run["optimizer.eps"]),
                           weight_decay=float(run["optimizer.weight_decay"]))
        reference = train_torch(*tensors, (kind, options), run["init"], int(run["seed"]))
        mine = [c for c in curves if int(c["run"]) == run_id]
        for epoch, (ours, theirs) in enumerate(zip(mine, reference), start=1):
            for metric, value in theirs.items():
                got = float(ours[metric])
                # Losses agree to float32 summation order; an accuracy may move by a
                # sample or two when a logit pair is that close.
                tolerance = 2e-3 if "accuracy" in metric else 2e-3 * max(1.0, abs(value))
                ok = abs(got - value) <= tolerance
                failures += not ok
                if epoch == len(reference) or not ok:
                    print(f"{run_id:3d}  {kind:9s}  {run['init']:14s}  {metric:13s}  {epoch:5d}  "
                          f"{got:.6f}  {value:.6f}  {got - value:+.1e}{'' if ok else '  MISMATCH'}")
    print("interp_vs_pytorch: %s" % ("ok" if failures == 0 else "%d mismatches" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
