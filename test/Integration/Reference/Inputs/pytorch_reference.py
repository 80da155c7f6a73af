#!/usr/bin/python3
"""Random sweeps trained by sweepc and by PyTorch from the documented semantics.

    pytorch_reference.py --sweepc build/bin/sweepc --cases 20 [--seed 1] [--start 0]
                         [--backend cpu|interp|both] [--keep DIR] [--verbose]
                         [--max-rounding-decided FRACTION]

Each case draws a sweep at random: a dataset (Fashion-MNIST with a `limit`, or a CSV
file written beside the sweep, for classification or regression, with or without a header,
test file and validation split, each normalization; or spirals, blobs or teacher data,
read from `sweepc data`), a model of dense layers with every
activation and dropout, some sizes and rates as model parameters swept by an axis (widths
now and then integer expressions of one, hidden layers now and then inside `repeat` with a
swept count), either
loss, every optimizer with random hyper-parameters (defaults now and then), every
schedule with and without warm-up, every init with a gain, a batch size that rarely
divides the data (axes over the batch and the epochs now and then: groups of their own;
choices of two schedules or inits),
early stopping and `divergence(factor)`. `sweepc run` trains it; then
this script trains every run of runs.csv again in PyTorch (Debian's python3-torch) as
docs/language.md ("How a run trains") and docs/results.md define a run: the same initial
weights, dropout masks and minibatch order, recomputed from their Philox definition
(sweep_draws.py); PyTorch's own layers, losses and optimizers; the schedule, metrics and
stopping rules written here from the docs. Every run's status, stop reason and epoch, and
every metric of every curves.csv row must agree: losses and mse to 1e-4 (relative),
accuracies exactly but for samples whose two largest outputs are within rounding of a
tie; and so must every run's trained weights (`--save-weights`, each array to 1e-3 in the
2-norm, plus the twin's distance as below). Where rounding decides a run (see "Comparing" below: a float32 twin with rounding
noise parts from the float64 reference), the values from that epoch on are counted as
rounding-decided instead; --max-rounding-decided bounds their share.

Differential tests check that sweepc's backends agree with each other; this checks that
they agree with the definition, against an implementation that shares none of their code.
A failing case is kept under --keep (default /tmp/pytorch-reference) with the sweep, its
data, sweepc's results and log.txt. The exit status is the number of failing cases.
"""

import argparse
import collections
import csv
import gzip
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "fuzz"))
import sweep_draws  # noqa: E402
from random_sweeps import floatlit, num  # noqa: E402  (literals as the language reads them)

FASHION = "/usr/share/datasets/fashion-mnist"
ACTIVATIONS = ["relu", "tanh", "sigmoid", "gelu", "identity"]


# --- Drawing a case ----------------------------------------------------------------------

def lit(value):
    """A float literal as the language reads it (never an integer)."""
    return floatlit(f"{value:.4g}")


def log_lit(rng, lo, hi):
    """A float literal drawn log-uniformly from [lo, hi]."""
    return floatlit(num(rng, lo, hi, log=True))


def draw_data(rng, work):
    """A dataset declaration and what the reference needs to read the same samples."""
    kind = rng.choice(["fashion", "fashion", "csv", "csv", "regress"])
    if kind == "fashion":
        limit = rng.randint(200, 1200)
        data = {"kind": "fashion", "limit": limit, "classes": 10, "features": 784,
                # Raw 0-255 pixels now and then: mostly chaotic, so rarely checkable.
                "normalize": rng.choices(["unit", "standard", "none"], [7, 2, 1])[0]}
        validation = rng.choice([0, rng.randint(20, limit // 3), round(rng.uniform(0.05, 0.3), 2)])
        data["validation"] = validation
        data["decl"] = (f"fashion_mnist(limit: {limit}, validation: {validation}, "
                        f"normalize: {data['normalize']})")
        return data
    features = rng.randint(1, 12)
    rows = rng.randint(40, 400)
    regress = kind == "regress"
    classes = rng.randint(2, 5)
    # Numbered classes 8, 9, 10, ...: their text order is not their numeric one.
    names = rng.choice([[str(c) for c in range(classes)], [str(c + 8) for c in range(classes)],
                        ["cat", "dog", "eel", "ant", "bee"]])
    label_at = rng.randint(0, features)
    header = rng.random() < 0.7
    centers = np.random.default_rng(rng.randint(0, 2**31)).normal(size=(classes, features)) * 2
    weights = np.random.default_rng(rng.randint(0, 2**31)).normal(size=features)
    scale = rng.choice([1.0, 1.0, 30.0, 0.01])

    def write(path, count):
        with open(path, "w") as f:
            if header:
                cols = [f"f{i}" for i in range(features)]
                cols.insert(label_at, "target")
                f.write(",".join(cols) + "\n")
            for _ in range(count):
                if regress:
                    x = [rng.gauss(0, 1) * scale for _ in range(features)]
                    label = f"{float(np.tanh(np.dot(weights, x) / scale)) + rng.gauss(0, 0.1):.6g}"
                else:
                    c = rng.randrange(classes)
                    x = [centers[c][i] * scale + rng.gauss(0, 1) * scale for i in range(features)]
                    label = names[c]
                cells = [f"{v:.6g}" for v in x]
                cells.insert(label_at, label)
                f.write(",".join(cells) + "\n")

    write(os.path.join(work, "train.csv"), rows)
    test = rng.random() < 0.6
    if test:
        write(os.path.join(work, "test.csv"), rng.randint(20, 200))
    validation = rng.choice([0, 0, rng.randint(5, rows // 3), round(rng.uniform(0.1, 0.3), 2)])
    normalize = rng.choice(["standard", "minmax", "none"])
    label = ("\"target\"" if header and rng.random() < 0.5 else str(label_at))
    args = [f"path: \"train.csv\"", f"label: {label}", f"header: {'true' if header else 'false'}",
            f"validation: {validation}", f"normalize: {normalize}"]
    if regress:
        args.append("task: regress")
    if test:
        args.append("test: \"test.csv\"")
    return {"kind": "csv", "regress": regress, "features": features,
            "classes": 0 if regress else classes, "label_at": label_at, "header": header,
            "validation": validation, "normalize": normalize, "test": test,
            "decl": "csv(" + ", ".join(args) + ")"}


def draw_synthetic(rng):
    """A synthetic source (spirals, blobs, teacher) with random settings. Its samples
    exist only inside sweepc: the reference reads them from `sweepc data`, whose export
    is checked against the reference's own reading of CSV data (check_export)."""
    source = rng.choice(["spirals", "blobs", "teacher"])
    n = rng.randint(40, 400)
    test = rng.choice([0, rng.randint(10, 100)])
    validation = rng.choice([0, 0, rng.randint(5, n // 3), round(rng.uniform(0.1, 0.3), 2)])
    seed = rng.choice([0, rng.randint(1, 1000)])
    args = [f"n: {n}", f"test: {test}", f"validation: {validation}", f"seed: {seed}"]
    targets = 1
    if source == "spirals":
        features = 2
        classes = rng.randint(2, 5)
        args += [f"arms: {classes}", f"noise: {lit(rng.uniform(0.0, 0.4))}",
                 f"turns: {lit(rng.uniform(0.5, 2.5))}"]
    elif source == "blobs":
        classes, features = rng.randint(2, 6), rng.randint(1, 8)
        args += [f"classes: {classes}", f"features: {features}",
                 f"spread: {lit(rng.uniform(0.3, 3.0))}"]
    else:
        classes, features, targets = 0, rng.randint(1, 10), rng.randint(1, 3)
        args += [f"inputs: {features}", f"outputs: {targets}", f"hidden: {rng.randint(1, 40)}",
                 f"noise: {lit(rng.uniform(0.0, 0.2))}"]
    return {"kind": "synthetic", "source": source, "features": features, "classes": classes,
            "regress": source == "teacher", "targets": targets, "validation": validation,
            "test": test > 0, "seed": seed, "decl": f"{source}({', '.join(args)})"}


def draw_model(rng, data, shapes=None):
    """The model's text and its layers: ('dense', width), ('act', name), ('dropout', p),
    ('repeat', count, [layers]); a width, activation, rate or count may be the name of a
    model parameter, or (a width or count) an integer expression of one, instead. The
    `shapes` stream adds the expressions and `repeat`, so that the main stream draws
    what it drew before they existed."""
    params, axes, layers, body = [], [], [], [f"x = input({data['features']});"]
    if rng.random() < 0.4:
        params.append("width: int = 8")
        axes.append(f"width in [{rng.randint(2, 12)}, {rng.randint(13, 40)}]")
    if rng.random() < 0.3:
        params.append("act: activation = relu")
        axes.append("act in [" + ", ".join(rng.sample(ACTIVATIONS, 2)) + "]")
    if rng.random() < 0.3:
        params.append("p: float = 0.1")
        axes.append(f"p in [{lit(0.0)}, {lit(rng.uniform(0.05, 0.6))}]")
    names = [p.split(":")[0] for p in params]
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        width = "width" if "width" in names and rng.random() < 0.7 else rng.randint(1, 40)
        act = "act" if "act" in names and rng.random() < 0.7 else rng.choice(ACTIVATIONS)
        layers += [("dense", width), ("act", act)]
        body.append(f"x = {act}(dense(x, {width}));")
        if rng.random() < 0.35 or ("p" in names and rng.random() < 0.7):
            p = "p" if "p" in names and rng.random() < 0.8 else lit(rng.uniform(0.0, 0.6))
            layers.append(("dropout", p))
            body.append(f"x = dropout(x, {p});")
    if shapes is not None:
        layers, body = reshape_model(shapes, params, axes, layers, body)
    outputs = data.get("targets", 1) if data.get("regress") else data["classes"]
    layers.append(("dense", outputs))
    body.append(f"return dense(x, {outputs});")
    text = "model net(" + ", ".join(params) + ") {\n  " + "\n  ".join(body) + "\n}\n"
    return text, layers, "net(" + ", ".join(axes) + ")"


# Integer expressions of a width (>= 2 in every draw), in the language's syntax; the
# operands stay non-negative, where C's truncating / and % are Python's // and %.
WIDTH_EXPRESSIONS = ["width * 2", "width + 3", "width / 2 + 1", "(width + 1) % 5 + 1",
                     "width - 1"]


def reshape_model(rng, params, axes, layers, body):
    """Now and then: widths written as expressions of the `width` parameter, and the
    hidden layers inside `repeat depth { ... }` (or `depth - 1`) with a swept depth."""
    if "width: int = 8" in params and rng.random() < 0.4:
        for i, (kind, value) in enumerate(layers):
            if kind == "dense" and value == "width" and rng.random() < 0.6:
                expression = rng.choice(WIDTH_EXPRESSIONS)
                layers[i] = ("dense", ("expr", expression))
                # One line per dense layer (with its activation) and per dropout.
                line = 1 + sum(k in ("dense", "dropout") for k, _ in layers[:i])
                body[line] = body[line].replace("dense(x, width))", f"dense(x, {expression}))")
    if layers and rng.random() < 0.35:
        low = rng.randint(0, 2)
        count = rng.choice(["depth", "depth - 1"]) if low >= 1 else "depth"
        params.append("depth: int = 1")
        axes.append(f"depth in [{low}, {low + rng.randint(1, 2)}]")
        layers = [("repeat", ("expr", count), layers)]
        body = [body[0], f"repeat {count} {{"] + ["  " + line for line in body[1:]] + ["}"]
    return layers, body


def evaluate_expression(expression, run):
    """An integer expression of model parameters, as the language computes it."""
    names = {key[len("model."):]: int(value) for key, value in run.items()
             if key.startswith("model.") and value not in ("", None) and
             value.lstrip("-").isdigit()}
    return int(eval(expression.replace("/", "//"), {"__builtins__": {}}, names))


def unrolled(layers, run):
    """The layers of `run`, repeats unrolled, expressions and parameters resolved."""
    flat = []
    for kind, value, *rest in layers:
        if kind == "repeat":
            for _ in range(evaluate_expression(value[1], run)):
                flat += unrolled(rest[0], run)
        elif isinstance(value, tuple):
            flat.append((kind, evaluate_expression(value[1], run)))
        else:
            flat.append((kind, resolve(value, run)))
    return flat


def draw_optimizer(rng):
    kind = rng.choice(["sgd", "adam", "adamw"])
    args = []
    if kind == "sgd":
        args.append(f"lr: {log_lit(rng, 1e-3, 0.3)}")
        if rng.random() < 0.6:
            args.append(f"momentum: {lit(rng.choice([0.0, rng.uniform(0.5, 0.95)]))}")
        if rng.random() < 0.3:
            args.append("nesterov: true")
    else:
        if rng.random() < 0.8:
            args.append(f"lr: {log_lit(rng, 1e-4, 5e-3)}")
        if rng.random() < 0.3:
            args.append(f"beta1: {lit(rng.uniform(0.0, 0.95))}")
        if rng.random() < 0.3:
            args.append(f"beta2: {lit(rng.uniform(0.9, 0.9999))}")
        if rng.random() < 0.3:
            args.append(f"eps: {log_lit(rng, 1e-8, 1e-3)}")
    if rng.random() < 0.4:
        args.append(f"weight_decay: {log_lit(rng, 1e-5, 0.1)}")
    return f"{kind}({', '.join(args)})"


def draw_schedule(rng, epochs):
    kind = rng.choice(["constant", "step", "cosine", "linear"])
    args = []
    if kind == "step":
        args.append(f"every: {rng.randint(1, 3)}")
        if rng.random() < 0.6:
            args.append(f"gamma: {lit(rng.uniform(0.1, 1.0))}")
    if kind in ("cosine", "linear") and rng.random() < 0.6:
        args.append(f"final: {lit(rng.uniform(0.0, 0.5))}")
    if rng.random() < 0.5:
        args.append(f"warmup: {lit(rng.choice([rng.uniform(0.1, 1.5), float(epochs) + 0.5]))}")
    return f"{kind}({', '.join(args)})" if args else kind


def draw_init(rng):
    init = rng.choice(["he_normal", "he_uniform", "xavier_normal", "xavier_uniform"])
    if rng.random() < 0.4:
        init += f"(gain: {lit(rng.uniform(0.3, 2.0))})"
    return init


def choice_of(first, axes, draw, *args):
    """`first`, or now and then a choice of it and another drawn from `axes`."""
    if axes.random() < 0.25:
        other = draw(axes, *args)
        if other != first:
            return f"in [{first}, {other}]"
    return first


def batch_and_epochs(rng, axes, epochs):
    """`batch ..., epochs ...`, now and then with an axis over either: runs of one sweep
    that train in groups of their own, each with its own steps and schedule."""
    batch = rng.choice([rng.randint(1, 16), rng.randint(8, 128)])
    batch_text, epochs_text = str(batch), str(epochs)
    other_batch, other_epochs = axes.randint(2, 64), axes.randint(1, 3)
    if axes.random() < 0.25 and other_batch != batch:
        batch_text = f"in [{batch}, {other_batch}]"
    if axes.random() < 0.25 and other_epochs != epochs:
        epochs_text = f"in [{epochs}, {other_epochs}]"
    return f"{batch_text}, epochs {epochs_text}"


def draw_case(rng, work):
    # Axes over the batch and the epochs come from a stream of their own, so that adding
    # them left the other draws, and so the cases the tests name, as they were.
    state = rng.getstate()[1]
    axes = random.Random(state[0] * 1000003 + state[1])
    data = draw_data(rng, work)
    # So do synthetic sources: the CSV or Fashion-MNIST draw above still happens (the
    # main stream goes on as before), and a synthetic source takes its place; and so do
    # width expressions and `repeat`.
    synthetic = random.Random(state[4] * 1000003 + state[5])
    if synthetic.random() < 0.3:
        data = draw_synthetic(synthetic)
    shapes = random.Random(state[16] * 1000003 + state[17])
    model_text, layers, model_use = draw_model(rng, data, shapes)
    epochs = rng.randint(1, 3)
    regress = data.get("regress", False)
    loss = "mse" if regress or rng.random() < 0.3 else "cross_entropy"
    metrics = ["loss", "mse"] if regress else ["loss", "accuracy", "mse"]
    report = rng.sample(metrics, rng.randint(1, len(metrics)))
    optimizers = [draw_optimizer(rng) for _ in range(rng.choice([1, 1, 2]))]
    init = draw_init(rng)
    seeds = rng.sample(range(0, 1000), rng.choice([1, 2]))
    settings = [
        f"data d, batch {batch_and_epochs(rng, axes, epochs)};",
        f"model {model_use};",
        f"loss {loss};",
        (f"optimizer {optimizers[0]};" if len(optimizers) == 1
         else f"optimizer in [{', '.join(optimizers)}];"),
        f"schedule {choice_of(draw_schedule(rng, epochs), axes, draw_schedule, epochs)};",
        f"init {choice_of(init, axes, draw_init)};",
        f"seed in [{', '.join(map(str, seeds))}];",
        f"report {', '.join(report)};",
    ]
    case = {"data": data, "layers": layers, "early": None, "factor": None}
    if data["validation"] != 0 and rng.random() < 0.3:
        metric = rng.choice(["val_loss"] + ([] if regress else ["val_accuracy"]))
        case["early"] = (metric, rng.randint(1, 2), rng.choice([0.0, 0.001, 0.05]))
        settings.append(f"early_stop(metric: {metric}, patience: {case['early'][1]}, "
                        f"min_delta: {lit(case['early'][2])});")
    if rng.random() < 0.25:
        case["factor"] = float(lit(rng.uniform(1.01, 3.0)))
        settings.append(f"divergence({lit(case['factor'])});")
    case["text"] = (f"dataset d = {data['decl']};\n{model_text}sweep s {{\n  "
                    + "\n  ".join(settings) + "\n}\n")
    return case


# --- The data, as docs/language.md defines it ---------------------------------------------

def read_idx(path, limit=0):
    with gzip.open(path) as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    count = dims[0] if not limit else min(limit, dims[0])
    item = int(np.prod(dims[1:])) if rank > 1 else 1
    values = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank, count=count * item)
    return values.reshape(count, item) if rank > 1 else values


def read_csv_split(path, data):
    with open(path) as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    if data["header"]:
        rows = rows[1:]
    labels = [r[data["label_at"]] for r in rows]
    x = np.array([[float(v) for i, v in enumerate(r) if i != data["label_at"]] for r in rows],
                 dtype=np.float32).reshape(len(rows), data["features"])
    return x, labels


def read_export(path, data):
    """The splits `sweepc data` wrote (runtime/data/DatasetCsv.h), as load() returns them."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    features = data["features"]
    if header[:1 + features] != ["split"] + [f"x{i}" for i in range(features)]:
        raise ValueError(f"{path}: header {header}")
    splits = []
    for name in ("train", "validation", "test"):
        mine = [r for r in rows if r[0] == name]
        x = np.array([[float(v) for v in r[1:1 + features]] for r in mine],
                     np.float32).reshape(len(mine), features)
        if data.get("regress"):
            y = np.array([[float(v) for v in r[1 + features:]] for r in mine],
                         np.float32).reshape(len(mine), data.get("targets", 1))
        else:
            y = np.array([int(r[1 + features]) for r in mine], np.int64)
        splits.append((torch.tensor(x), torch.tensor(y)))
    return tuple(splits)


def check_export(exported, own):
    """Differences between `sweepc data`'s samples and the reference's own reading."""
    problems = []
    for name, (ex, ey), (ox, oy) in zip(("train", "validation", "test"), exported, own):
        if ex.shape != ox.shape or ey.shape != oy.shape:
            problems.append(f"sweepc data: {name} split {tuple(ex.shape)} {tuple(ey.shape)}, "
                            f"the reference reads {tuple(ox.shape)} {tuple(oy.shape)}")
            continue
        if not torch.allclose(ex, ox, rtol=1e-5, atol=1e-6):
            worst = (ex - ox).abs().max().item()
            problems.append(f"sweepc data: {name} features differ (by up to {worst:.3g})")
        same = torch.equal(ey, oy) if ey.dtype == torch.int64 else \
            torch.allclose(ey, oy, rtol=1e-6, atol=1e-7)
        if not same:
            problems.append(f"sweepc data: {name} labels or targets differ")
    return problems


def load(data, work):
    """Train, validation and test splits: (x float32, y) with y class indices or targets."""
    if data["kind"] == "synthetic":
        return read_export(os.path.join(work, "data", "s", "data0.csv"), data)
    if data["kind"] == "fashion":
        x = read_idx(f"{FASHION}/train-images-idx3-ubyte.gz", data["limit"]).astype(np.float32)
        y = read_idx(f"{FASHION}/train-labels-idx1-ubyte.gz", data["limit"]).astype(np.int64)
        tx = read_idx(f"{FASHION}/t10k-images-idx3-ubyte.gz").astype(np.float32)
        ty = read_idx(f"{FASHION}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    else:
        x, labels = read_csv_split(os.path.join(work, "train.csv"), data)
        tx, tlabels = (read_csv_split(os.path.join(work, "test.csv"), data) if data["test"]
                       else (np.zeros((0, data["features"]), np.float32), []))
        if data["regress"]:
            y = np.array([[float(v)] for v in labels], np.float32).reshape(-1, 1)
            ty = np.array([[float(v)] for v in tlabels], np.float32).reshape(-1, 1)
        else:
            # Classes (runtime/data/CsvFile.h): when every label is a decimal
            # number (not hex, inf, nan or 1_0), one per value in numeric
            # order; otherwise the labels' texts in text order.
            def number(text):
                if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", text):
                    return None
                value = float(text)
                return value if math.isfinite(value) else None
            key = number if all(number(v) is not None for v in labels) else (lambda v: v)
            names = sorted(set(key(v) for v in labels))
            y = np.array([names.index(key(v)) for v in labels], np.int64)
            ty = np.array([names.index(key(v)) for v in tlabels], np.int64)
    n = len(x)
    v = data["validation"]
    # runtime/data/Dataset.h heldOutSamples: a share a hair below a whole
    # number is that number.
    share = v * n
    held = (int(v) if isinstance(v, int) else
            int(round(share)) if abs(share - round(share)) <= 8 * sys.float_info.epsilon * max(1.0, share)
            else int(math.floor(share)))
    keep = n - held
    train, val, test = (x[:keep], y[:keep]), (x[keep:], y[keep:]), (tx, ty)
    # Statistics of the training split apply to all three (DatasetLoader.cpp).
    xt = train[0].astype(np.float64)
    method = data["normalize"]
    if method == "unit" and data["kind"] == "fashion":
        shift, scale = np.zeros(xt.shape[1]), np.full(xt.shape[1], 1.0 / 255.0)
    elif method == "standard":
        shift = xt.mean(axis=0) if len(xt) else np.zeros(xt.shape[1])
        sd = np.sqrt(((xt - shift) ** 2).mean(axis=0)) if len(xt) else np.zeros(xt.shape[1])
        scale = np.where(sd > 0, 1.0 / np.where(sd > 0, sd, 1.0), 1.0)
    elif method == "minmax":
        lo, hi = xt.min(axis=0), xt.max(axis=0)
        shift = lo
        scale = np.where(hi > lo, 1.0 / np.where(hi > lo, hi - lo, 1.0), 1.0)
    else:
        shift, scale = np.zeros(xt.shape[1]), np.ones(xt.shape[1])

    def norm(split):
        return (torch.tensor(((split[0].astype(np.float64) - shift) * scale).astype(np.float32)),
                torch.tensor(split[1]))
    return norm(train), norm(val), norm(test)


# --- One run, as docs/language.md defines it ---------------------------------------------

def schedule_factor(run, step, steps, epochs):
    """The learning rate's factor at `step` (docs/language.md, "Schedules")."""
    done = step / steps
    warmup = float(run.get("schedule.warmup") or 0)
    warm = min(1.0, (step + 1) / (warmup * steps)) if warmup > 0 else 1.0
    q = min(max((done - warmup) / (epochs - warmup), 0.0), 1.0) if warmup < epochs else 0.0
    kind = run["schedule"]
    if kind == "step":
        decay = float(run["schedule.gamma"]) ** math.floor(done / int(run["schedule.every"]))
    elif kind == "cosine":
        final = float(run["schedule.final"])
        decay = final + (1 - final) * (1 + math.cos(math.pi * q)) / 2
    elif kind == "linear":
        decay = 1 - (1 - float(run["schedule.final"])) * q
    else:
        decay = 1.0
    return warm * decay


def resolve(value, run):
    """A layer's width, activation or rate: a literal or a model parameter's value."""
    if isinstance(value, str) and f"model.{value}" in run:
        value = run[f"model.{value}"]
    return value


def jittered(g, jitter):
    """g with rounding noise: each element's own (relative) and that of the sums which
    made it (relative to the tensor's root mean square: a dead unit's tiny gradient,
    through gelu's tail or a saturated sigmoid, has an error the size of the others')."""
    rms = g.pow(2).mean().sqrt()
    return g * (1 + jitter * torch.randn_like(g)) + jitter * rms * torch.randn_like(g)


def train_run(run, case, splits, batch, report, classify, dtype, jitter=0.0):
    """The run's curves (dicts of curves.csv's metric columns), its (status, reason, epoch),
    its training loss at every step of every epoch, per epoch and split the share of
    samples whose prediction is within rounding of a tie, and its parameters when it ended
    (dense0's weight and bias, dense1's, ...); computed in `dtype` from the same
    float32 initial weights and data, with rounding noise of relative size `jitter` added
    to every gradient and every dense layer's output (jittered)."""
    (x, y), val, test = splits
    layers, epochs = case["layers"], int(run["epochs"])
    seed = int(run["seed"])
    params, plan, fan_in, dense, dropouts = [], [], x.shape[1], 0, 0
    for kind, value in unrolled(layers, run):
        if kind == "dense":
            width = int(value)
            w = sweep_draws.init_weights(seed, dense, fan_in, width, run["init"],
                                         float(run.get("init.gain") or 1.0))
            params += [torch.tensor(w, dtype=dtype, requires_grad=True),
                       torch.zeros(width, dtype=dtype, requires_grad=True)]
            if jitter:
                for param in params[-2:]:
                    param.register_hook(lambda g: jittered(g, jitter))
            plan.append(("dense", len(params) - 2))
            fan_in, dense = width, dense + 1
        elif kind == "act":
            plan.append(("act", value))
        else:
            plan.append(("dropout", (dropouts, float(value), fan_in)))
            dropouts += 1

    def forward(inputs, step=None):
        h = inputs.to(dtype)
        for kind, what in plan:
            if kind == "dense":
                h = h @ params[what] + params[what + 1]
                if jitter:  # the products' rounding, as the gradients'
                    h = jittered(h, jitter)
            elif kind == "act":
                h = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                     "gelu": F.gelu, "identity": lambda t: t}[what](h)
            elif step is not None and what[1] > 0:
                layer, p, width = what
                h = h * torch.tensor(sweep_draws.dropout_scales(seed, layer, p, step, batch,
                                                                len(h), width), dtype=dtype)
        return h

    def targets(labels, outputs):
        return F.one_hot(labels, outputs.shape[1]).to(dtype) if classify else labels.to(dtype)

    def loss_of(outputs, labels, reduction="mean"):
        if run["loss"] == "cross_entropy":
            return F.cross_entropy(outputs, labels, reduction=reduction)
        per = ((outputs - targets(labels, outputs)) ** 2).mean(dim=1)
        return per.mean() if reduction == "mean" else per.sum()

    def evaluate(split, prefix, row, ties):
        inputs, labels = split
        if len(labels) == 0:
            return
        with torch.no_grad():
            out = forward(inputs)
            n = len(labels)
            values = {"loss": loss_of(out, labels, "sum").item() / n}
            if classify:
                values["accuracy"] = (out.argmax(1) == labels).sum().item() / n
                # Samples whose two largest outputs are within rounding of a tie: their
                # prediction, and so the accuracy, may go either way.
                top = out.topk(min(2, out.shape[1]), dim=1).values
                close = (top[:, 0] - top[:, -1]) <= 1e-4 * top[:, 0].abs().clamp(min=1.0)
                ties[prefix] = close.sum().item() / n if out.shape[1] > 1 else 0.0
                prediction = torch.softmax(out, 1) if run["loss"] == "cross_entropy" else out
                values["mse"] = ((prediction - targets(labels, out)) ** 2).mean().item()
            else:
                values["mse"] = ((out - labels.to(dtype)) ** 2).mean().item()
        for metric, value in values.items():
            row[f"{prefix}_{metric}"] = value

    kind = run["optimizer"]
    lr = float(run["optimizer.lr"])
    decay = float(run["optimizer.weight_decay"])
    if kind == "sgd":
        momentum = float(run["optimizer.momentum"])
        nesterov = run["optimizer.nesterov"] == "true" and momentum > 0
        opt = torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=nesterov,
                              weight_decay=decay)
    else:
        cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        opt = cls(params, lr=lr, betas=(float(run["optimizer.beta1"]),
                                        float(run["optimizer.beta2"])),
                  eps=float(run["optimizer.eps"]), weight_decay=decay)

    n = len(y)
    steps = (n + batch - 1) // batch
    factor, early = case["factor"], case["early"]
    curves, steps_loss, ties, lowest, best, waited = [], [], [], None, None, 0
    for epoch in range(1, epochs + 1):
        order = torch.tensor(sweep_draws.shuffled(n, case["data"].get("seed", 0), epoch))
        total = 0.0
        steps_loss.append([])
        for s in range(steps):
            rows = order[s * batch:(s + 1) * batch]
            step = (epoch - 1) * steps + s
            for group in opt.param_groups:
                group["lr"] = lr * schedule_factor(run, step, steps, epochs)
            loss = loss_of(forward(x[rows], step), y[rows])
            if step == 0:
                lowest = loss.item()  # the loss before any update
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(rows)
            steps_loss[-1].append(loss.item())
        row = {"train_loss": total / n}
        ties.append({})
        evaluate(val, "val", row, ties[-1])
        evaluate(test, "test", row, ties[-1])
        if len(val[1]) == 0 and len(test[1]) == 0:
            with torch.no_grad():  # the training split's first `batch` samples, in file order
                probe = loss_of(forward(x[:batch]), y[:batch]).item()
            finite = math.isfinite(probe)
        else:
            finite = True
        # A loss diverges a run whether reported or not; another metric when reported.
        reported = {k: v for k, v in row.items()
                    if k == "train_loss" or k.split("_", 1)[1] in report}
        watched = [v for k, v in row.items() if k in reported or k.endswith("_loss")]
        if not finite or not all(math.isfinite(v) for v in watched):
            return curves, ("diverged", "non_finite", epoch), steps_loss, ties, params
        curves.append(reported)
        if factor is not None:
            if row["train_loss"] > factor * lowest:
                return curves, ("diverged", "loss_growth", epoch), steps_loss, ties, params
            lowest = min(lowest, row["train_loss"])
        if early:
            metric, patience, delta = early
            value = row[metric]
            better = (best is None or (value > best + delta if metric == "val_accuracy"
                                       else value < best - delta))
            if better:
                best, waited = value, 0
            else:
                waited += 1
                # At the last epoch the run trained every epoch: it is ok.
                if waited >= patience and epoch < epochs:
                    return curves, ("stopped", "patience", epoch), steps_loss, ties, params
    return curves, ("ok", "", 0), steps_loss, ties, params


# --- Comparing ---------------------------------------------------------------------------

# The reference trains each run twice: in float64 (what the run computes, nearly exactly)
# and in float32 with rounding noise added to every gradient at each step and to every
# dense layer's output (jittered: sweepc's products sum in another order than PyTorch's).
# Where the twin agrees with the reference, sweepc must too, within a float32 tolerance
# plus 4 times their distance.
# From the first epoch where the twin does not, rounding decides the run (raw 0-255
# pixels, logits in the hundreds, a rate at the edge of chaos, an accuracy decided by
# ties): nothing after it can be checked against any reference, so it is counted as
# "rounding-decided", not compared. The lit test bounds that share.
JITTER = 2.0 ** -23


def tolerance(theirs, metric, ties):
    """How far a float32 value may be from the float64 one: an accuracy by the share of
    samples decided by a near-tie (ties: that share per split, this epoch)."""
    if "accuracy" in metric:
        return ties.get(metric.split("_")[0], 0.0) + 1e-12
    return 1e-4 * max(1.0, abs(theirs))


def decided_by_rounding_from(reference, twin):
    """The first epoch (from 1) that the twin does not reproduce, or None. A chaotic run
    shows in the losses of single steps long before the epoch's averages: differences
    that grow tenfold every ten steps, from 1e-6, may average out over an epoch by luck."""
    for e, (ref, tw) in enumerate(zip(reference["steps"], twin["steps"]), start=1):
        if any(abs(a - b) > 1e-4 * max(1.0, abs(a)) for a, b in zip(ref, tw)):
            return e
    ties = reference["ties"]
    reference, twin = reference["curves"], twin["curves"]
    for e, (ref, tw) in enumerate(zip(reference, twin), start=1):
        for metric, value in ref.items():
            if abs(tw[metric] - value) > tolerance(value, metric, ties[e - 1]):
                return e
    if len(reference) != len(twin):
        return min(len(reference), len(twin)) + 1
    return None


def compare_run(r, mine, reference, twin, problems):
    """Appends the differences of run r to problems; returns (values compared, values
    rounding-decided, whether the status was compared)."""
    name = f"run {r['run']}"
    rounded_from = decided_by_rounding_from(reference, twin)
    # A status both trainings reach is not rounding's to decide, however the losses
    # wandered on the way (a run that overflows: its twin parts before the NaN).
    outcome = reference["outcome"]
    status_decided = rounded_from is None or outcome == twin["outcome"]
    ties, reference, twin = reference["ties"], reference["curves"], twin["curves"]
    got = (r["status"], r["stop_reason"], int(r["status_epoch"]))
    if status_decided and got != outcome:
        problems.append(f"{name}: sweepc {got}, reference {outcome}")
    last = len(reference) if rounded_from is None else rounded_from - 1
    if len(mine) < last or (rounded_from is None and len(mine) != len(reference)):
        problems.append(f"{name}: sweepc {len(mine)} curve rows, reference {len(reference)}")
    compared = undecidable = 0
    for e, (ours, theirs) in enumerate(zip(mine, reference), start=1):
        if set(theirs) != {k for k in ours if k not in ("run", "epoch", "seconds")}:
            problems.append(f"{name}: columns {sorted(ours)} vs {sorted(theirs)}")
            break
        for metric, value in theirs.items():
            if e > last:
                undecidable += 1
                continue
            compared += 1
            spread = 4 * abs(twin[e - 1][metric] - value)
            got_value = float(ours[metric])
            if abs(got_value - value) > tolerance(value, metric, ties[e - 1]) + spread:
                problems.append(f"{name} epoch {e} {metric}: sweepc {got_value:.7g}, reference "
                                f"{value:.7g}, float32 twin {twin[e - 1][metric]:.7g}")
    return compared, undecidable, status_decided


WORST_WEIGHTS = [0.0]  # the largest relative 2-norm error of an array seen so far


def compare_weights(r, path, reference, twin, problems):
    """Compares run r's weights file (--save-weights) with the parameters the reference
    ended with, array by array in the 2-norm: within 1e-3 (relative) plus 16 times the
    float32 twin's distance. Weights are more sensitive to rounding than the metrics (a
    run of small batches with momentum amplifies it), and one twin's distance varies 25-fold
    with its noise's seed (seed 30, case 29: sweepc 1.7e-4 off, six twins 3.8e-6 to 8.9e-5):
    the check is for weights that are not the run's last (a stale file, a step too many or
    too few, another run's), which are off by the size of an update. Only for runs rounding
    does not decide, which also end where the reference does. Returns how many arrays it
    compared; the largest relative error goes to WORST_WEIGHTS."""
    name = f"run {r['run']}"
    if r["status"] == "diverged":
        return 0  # not ranked, so never kept
    if not os.path.exists(path):
        problems.append(f"{name}: no weights file {os.path.basename(path)}")
        return 0
    with np.load(path) as archive:
        mine = {key: torch.from_numpy(archive[key]).double() for key in archive.files}
    names = [f"dense{l}.{kind}" for l in range(len(reference) // 2) for kind in ("weight", "bias")]
    if sorted(mine) != sorted(names):
        problems.append(f"{name}: weights file holds {sorted(mine)}, expected {names}")
        return 0
    for key, ref, tw in zip(names, reference, twin):
        ref, tw = ref.detach().double(), tw.detach().double()
        got = mine[key]
        if got.shape != ref.shape:
            problems.append(f"{name} {key}: shape {tuple(got.shape)}, reference {tuple(ref.shape)}")
            continue
        error, norm = (got - ref).norm().item(), ref.norm().item()
        if norm > 0:
            WORST_WEIGHTS[0] = max(WORST_WEIGHTS[0], error / norm)
        spread = (tw - ref).norm().item()
        if not error <= 1e-3 * max(norm, 1e-4) + 16 * spread:
            problems.append(f"{name} {key}: off by {error:.3g} in the 2-norm (norm {norm:.3g}, "
                            f"float32 twin off by {spread:.3g})")
    return len(names)


def check_case(args, index, rng, backend):
    """Draws, runs and checks case `index`; returns (ok, counts): counts of the values
    compared, the values rounding-decided and the statuses compared."""
    work = tempfile.mkdtemp(prefix=f"case{index}-")
    case = draw_case(rng, work)
    text, data = case["text"], case["data"]
    sweep = os.path.join(work, "case.sweep")
    with open(sweep, "w") as f:
        f.write(text)
    log = [f"# case {index} (seed {args.seed}), backend {backend}", text]
    # Every ranked run keeps its weights (no case has this many runs).
    run = subprocess.run([args.sweepc, "run", sweep, f"--results={work}/out", "--quiet",
                          f"--backend={backend}", "--no-energy", "--save-weights=100000"],
                         capture_output=True, text=True)
    log.append(f"$ sweepc run --backend={backend}: exit {run.returncode}\n{run.stderr}")
    problems, counts = [], collections.Counter()
    if run.returncode != 0:
        problems.append(f"sweepc run failed (exit {run.returncode})")
    else:
        with open(os.path.join(work, "out", "s", "runs.csv"), newline="") as f:
            runs = list(csv.DictReader(f))
        with open(os.path.join(work, "out", "s", "curves.csv"), newline="") as f:
            curves = list(csv.DictReader(f))
        # The samples as sweepc's runs see them: what the reference trains on for a
        # synthetic source, and checked against its own reading of a CSV file (Fashion-MNIST's
        # export, 10,000 test images as text, would take longer than the case).
        if data["kind"] != "fashion":
            export = subprocess.run([args.sweepc, "data", sweep, "-o", f"{work}/data"],
                                    capture_output=True, text=True)
            log.append(f"$ sweepc data: exit {export.returncode}\n{export.stdout}{export.stderr}")
            if export.returncode != 0:
                problems.append(f"sweepc data failed (exit {export.returncode})")
        splits = load(data, work) if not problems else None
        if data["kind"] == "csv" and not problems:
            problems += check_export(read_export(os.path.join(work, "data", "s", "data0.csv"),
                                                 data), splits)
    if not problems:
        classify = not data.get("regress", False)
        report = [m for m in ("loss", "accuracy", "mse") if
                  any(k.endswith("_" + m) and not k.startswith("train") for k in curves[0])] \
            if curves else []
        for r in runs:
            batch = int(r["batch"])
            runs_as = {}
            for kind, dtype, jitter in (("reference", torch.float64, 0.0),
                                        ("twin", torch.float32, JITTER)):
                torch.manual_seed(int(r["run"]))
                trained = train_run(r, case, splits, batch, report, classify, dtype, jitter)
                runs_as[kind] = dict(zip(("curves", "outcome", "steps", "ties", "params"),
                                         trained))
            mine = [c for c in curves if c["run"] == r["run"]]
            c, u, status = compare_run(r, mine, runs_as["reference"], runs_as["twin"],
                                       problems)
            counts.update(values=c, rounding=u, statuses=int(status))
            if decided_by_rounding_from(runs_as["reference"], runs_as["twin"]) is None:
                counts.update(weights=compare_weights(
                    r, os.path.join(work, "out", "s", "weights", f"r{r['run']}.npz"),
                    runs_as["reference"]["params"], runs_as["twin"]["params"], problems))
    if problems or args.verbose:
        print(f"case {index} [{backend}]: {counts['statuses']} statuses, "
              f"{counts['values']} values and {counts['weights']} weight arrays compared, "
              f"{counts['rounding']} rounding-decided, "
              + ("ok" if not problems else f"{len(problems)} differences"))
        for p in problems[:12]:
            print("  " + p)
    if problems:
        kept = os.path.join(args.keep, f"seed{args.seed}-case{index}")
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(work, kept)
        with open(os.path.join(kept, "log.txt"), "w") as f:
            f.write("\n".join(log + problems) + "\n")
        print(f"  kept in {kept}")
    shutil.rmtree(work, ignore_errors=True)
    return not problems, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sweepc", required=True)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--start", type=int, default=0, help="the first case's index")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", choices=["cpu", "interp", "both"], default="both",
                        help="both: each case on one of the two, alternately")
    parser.add_argument("--keep", default="/tmp/pytorch-reference")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--max-rounding-decided", type=float, default=1.0, metavar="FRACTION",
                        help="fail when more than this share of the values is rounding-decided")
    args = parser.parse_args()
    torch.set_num_threads(1)
    failed, counts = 0, collections.Counter()
    for index in range(args.start, args.start + args.cases):
        rng = random.Random(args.seed * 1000003 + index)
        backend = (args.backend if args.backend != "both"
                   else ["cpu", "interp"][index % 2])
        ok, case_counts = check_case(args, index, rng, backend)
        failed += not ok
        counts.update(case_counts)
    share = counts["rounding"] / max(1, counts["values"] + counts["rounding"])
    print(f"pytorch_reference: {args.cases - failed} of {args.cases} cases agree; "
          f"{counts['statuses']} statuses, {counts['values']} values and {counts['weights']} "
          f"weight arrays compared (within {WORST_WEIGHTS[0]:.1e} relative), "
          f"{counts['rounding']} rounding-decided ({100 * share:.1f}%)")
    if share > args.max_rounding_decided:
        print(f"pytorch_reference: more than {100 * args.max_rounding_decided:.0f}% of the "
              "values are rounding-decided: the cases check too little")
        failed += 1
    return min(failed, 100)


if __name__ == "__main__":
    sys.exit(main())
