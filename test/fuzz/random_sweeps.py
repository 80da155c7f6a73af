#!/usr/bin/env python3
"""Random valid sweeps, trained end to end by backends that must agree.

    random_sweeps.py --sweepc build/bin/sweepc --count 50 [--seed 1] [--keep DIR]
                     [--ptxas PTXAS [--ptx-only]] [--build] [--kill] [--fake-cuda LIB]

Each case is a .sweep file drawn at random from the whole language: synthetic, CSV and
IDX datasets (files written beside the sweep) and choices between two of them, models with int/float/activation
parameters, repeat, arithmetic widths and dropout, both losses, every optimizer and
schedule, inits, conditional choices, every axis kind, zip, where, energy settings, early
stopping (with min_delta), divergence, pruning.
For every case:

  1. `sweepc check` accepts it;
  2. `sweepc run --backend=cpu` (with a random --jobs, --runs-per-program or
     --max-memory) and `sweepc run --backend=interp` write the same runs.csv and
     curves.csv, number for number (test/Integration/Inputs/check_results.py --same-as),
     and keep the same weights files for the best runs (--save-weights), bit for bit;
  3. with --ptxas PTXAS, `sweepc -emit=ptx` succeeds and ptxas accepts every kernel;
  4. with --build, the executable of `sweepc build --device=cpu` writes the same results;
  5. with --kill, the compiled run killed (SIGKILL) at random moments and resumed to
     the end writes the results of a run left alone
     (test/Integration/Inputs/kill_and_resume.py; a case too short for the kills to
     land passes);
  6. with --fake-cuda LIB, `sweepc run --device=cuda` (a random --streams or
     --max-memory) on the stand-in driver, which runs no kernel, records every run
     in complete files: the GPU backend's host side, not its numbers.

A failing case is kept (with the commands that failed) under --keep, default
/tmp/random-sweeps; the exit status is the number of failing cases (at most 100).
What the front end does with malformed text is the libFuzzer target's job
(FrontEndFuzzer.cpp); this script looks for wrong numbers and crashes past it.
"""
import argparse
import csv
import math
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK_RESULTS = os.path.join(HERE, "..", "Integration", "Inputs", "check_results.py")
KILL_AND_RESUME = os.path.join(HERE, "..", "Integration", "Inputs", "kill_and_resume.py")
PTXAS_EACH = os.path.join(HERE, "..", "Integration", "Inputs", "ptxas_each.py")
FASHION = "/usr/share/datasets/fashion-mnist"
ACTIVATIONS = ["relu", "tanh", "sigmoid", "gelu", "identity"]


def num(rng, lo, hi, log=False):
    """A number literal in [lo, hi], as the language writes it."""
    value = math.exp(rng.uniform(math.log(lo), math.log(hi))) if log else rng.uniform(lo, hi)
    return f"{value:.4g}"


def floatlit(text):
    """A literal that reads as a number, not an integer (`0.0`, not `0`)."""
    return text if any(c in text for c in ".e") else text + ".0"


class Case:
    def __init__(self, rng, directory, fashion=False):
        self.rng = rng
        self.fashion = fashion  # Fashion-MNIST's files are installed.
        self.dir = directory
        self.lines = []

    # Data -----------------------------------------------------------------
    def data_seed(self):
        """A generator's seed; inline data may sweep it (each value its own group)."""
        rng = self.rng
        if self.inline and rng.random() < 0.4:
            return f"seed in [{', '.join(map(str, rng.sample(range(10), 2)))}]"
        return f"seed: {rng.randint(0, 9)}"

    def dataset(self, suffix=""):
        """Writes what the dataset needs (files named with `suffix`); returns
        (declaration, features, classes or None for regression targets, outputs,
        has validation split)."""
        rng = self.rng
        kind = rng.choice(["blobs", "spirals", "teacher", "csv", "csv_regress", "idx",
                           "fashion" if self.fashion else "blobs"])
        validation = rng.choice(["0", "0", "0.2", "15", "0.1"])
        test = rng.choice([0, 0, 40, 100])
        if kind == "fashion":
            decl = (f"fashion_mnist(limit: {rng.randint(50, 400)}, validation: {validation}, "
                    f"normalize: {rng.choice(['unit', 'standard'])})")
            return decl, 784, 10, 10, validation != "0"
        if kind == "blobs":
            classes, features = rng.randint(2, 5), rng.randint(1, 12)
            n = rng.randint(40, 400)
            decl = (f"blobs(n: {n}, test: {test}, classes: {classes}, features: {features}, "
                    f"spread: {num(rng, 0.3, 3)}, {self.data_seed()}, "
                    f"validation: {validation})")
            return decl, features, classes, classes, validation != "0"
        if kind == "spirals":
            arms = rng.randint(2, 4)
            n = rng.randint(40, 400)
            decl = (f"spirals(n: {n}, test: {test}, arms: {arms}, noise: {num(rng, 0, 0.5)}, "
                    f"turns: {num(rng, 0.5, 2.5)}, {self.data_seed()}, "
                    f"validation: {validation})")
            return decl, 2, arms, arms, validation != "0"
        if kind == "teacher":
            inputs, outputs = rng.randint(1, 10), rng.randint(1, 4)
            n = rng.randint(40, 400)
            decl = (f"teacher(n: {n}, test: {test}, inputs: {inputs}, outputs: {outputs}, "
                    f"hidden: {rng.randint(1, 16)}, noise: {num(rng, 0, 0.3)}, "
                    f"{self.data_seed()}, validation: {validation})")
            return decl, inputs, None, outputs, validation != "0"
        if kind in ("csv", "csv_regress"):
            features = rng.randint(1, 8)
            rows = rng.randint(30, 200)
            classes = rng.randint(2, 5)
            regress = kind == "csv_regress"
            name = f"data{suffix}.csv"
            path = os.path.join(self.dir, name)
            label_at = rng.randint(0, features)
            with open(path, "w") as f:
                names = [f"f{i}" for i in range(features)]
                names.insert(label_at, "y")
                f.write(",".join(names) + "\n")
                for _ in range(rows):
                    values = [f"{rng.gauss(0, 2):.5g}" for _ in range(features)]
                    label = f"{rng.gauss(0, 1):.5g}" if regress else str(rng.randrange(classes))
                    values.insert(label_at, label)
                    f.write(",".join(values) + "\n")
            label = rng.choice(['"y"', str(label_at)])
            task = "regress" if regress else "classify"
            normalize = rng.choice(["standard", "minmax", "none"])
            decl = (f'csv(path: "{name}", label: {label}, task: {task}, '
                    f"normalize: {normalize}, validation: {validation})")
            if regress:
                return decl, features, None, 1, validation != "0"
            # Classes are the distinct labels that occur.
            with open(path) as f:
                classes = len({row["y"] for row in csv.DictReader(f)})
            return decl, features, classes, classes, validation != "0"
        # idx: unsigned bytes, a few images of h x w.
        h, w = rng.randint(1, 5), rng.randint(1, 5)
        count = rng.randint(30, 150)
        classes = rng.randint(2, 6)
        labels = [rng.randrange(classes) for _ in range(count)]
        labels[0] = classes - 1  # Classes are the largest label + 1.
        with open(os.path.join(self.dir, f"images{suffix}.idx"), "wb") as f:
            f.write(struct.pack(">BBBBIII", 0, 0, 8, 3, count, h, w))
            f.write(bytes(rng.randrange(256) for _ in range(count * h * w)))
        with open(os.path.join(self.dir, f"labels{suffix}.idx"), "wb") as f:
            f.write(struct.pack(">BBBBI", 0, 0, 8, 1, count))
            f.write(bytes(labels))
        decl = (f'idx(images: "images{suffix}.idx", labels: "labels{suffix}.idx", '
                f"validation: {validation}, "
                f"normalize: {rng.choice(['unit', 'standard', 'none'])})")
        return decl, h * w, classes, classes, validation != "0"

    # Model ----------------------------------------------------------------
    def model(self, name, features, outputs):
        """A model declaration and the argument list that instantiates it."""
        rng = self.rng
        params, args, body = [], [], []
        if self.shape:
            # Sizes that follow the dataset (see generate).
            for param, values in zip(("fin", "fout"), self.shape):
                params.append(f"{param}: int")
                args.append(f"{param} in [{', '.join(map(str, values))}]" if len(values) > 1
                            else f"{param}: {values[0]}")
        width_expr = str(rng.randint(1, 24))
        if rng.random() < 0.6:
            params.append("width: int" + (f" = {rng.randint(1, 16)}" if rng.random() < 0.3 else ""))
            width_expr = rng.choice(["width", "width * 2", "width + 1", "(width + 3) / 2"])
            pool = range(1, 20) if rng.random() < 0.8 else [31, 33, 48, 65, 100, 129, 257]
            widths = rng.sample(pool, rng.randint(1, 2))
            args.append(f"width in [{', '.join(map(str, widths))}]" if len(widths) > 1
                        else f"width: {widths[0]}")
        act = rng.choice(ACTIVATIONS)
        if rng.random() < 0.4:
            params.append("act: activation")
            acts = rng.sample(ACTIVATIONS, rng.randint(1, 2))
            args.append(f"act in [{', '.join(acts)}]" if len(acts) > 1 else f"act: {acts[0]}")
            act = "act"
        dropout = None
        if rng.random() < 0.35:
            params.append("p: float")
            ps = sorted({num(rng, 0, 0.6) for _ in range(rng.randint(1, 2))})
            args.append(f"p in [{', '.join(floatlit(p) for p in ps)}]" if len(ps) > 1
                        else f"p: {floatlit(ps[0])}")
            dropout = "p"
        elif rng.random() < 0.2:
            dropout = floatlit(num(rng, 0, 0.5))
        body.append(f"x = input({features});")
        if rng.random() < 0.2:
            body.append(f"x = dropout(x, {floatlit(num(rng, 0, 0.4))});")
        depth = rng.randint(0, 3)
        layer = f"x = {act}(dense(x, {width_expr}));"
        if dropout and rng.random() < 0.7:
            layer = f"x = dropout({act}(dense(x, {width_expr})), {dropout});"
        if rng.random() < 0.4:
            params.append("depth: int")
            depths = rng.sample(range(0, 3), rng.randint(1, 2))
            args.append(f"depth in [{', '.join(map(str, depths))}]" if len(depths) > 1
                        else f"depth: {depths[0]}")
            body.append(f"repeat depth {{ {layer} }}")
        else:
            body += [layer] * depth
        body.append(f"return dense(x, {outputs});")
        rng.shuffle(params)
        decl = f"model {name}({', '.join(params)}) {{\n  " + "\n  ".join(body) + "\n}"
        return decl, f"{name}({', '.join(args)})"

    # Sweep ----------------------------------------------------------------
    def optimizer(self):
        rng = self.rng

        def one(kind):
            if kind == "sgd":
                parts = [self.axis("lr", 1e-3, 0.5, log=True)]
                if rng.random() < 0.6:
                    parts.append(self.axis("momentum", 0, 0.95))
                if rng.random() < 0.3:
                    parts.append(f"nesterov: {rng.choice(['true', 'false'])}")
                if rng.random() < 0.3:
                    parts.append(self.axis("weight_decay", 1e-5, 1e-2, log=True))
            else:
                parts = [self.axis("lr", 1e-4, 3e-2, log=True)]
                if rng.random() < 0.3:
                    parts.append(self.axis("beta1", 0.5, 0.95))
                if rng.random() < 0.3:
                    parts.append(self.axis("beta2", 0.9, 0.9999))
                if rng.random() < 0.3:
                    parts.append(self.axis("weight_decay", 1e-4, 0.1, log=True))
            return f"{kind}({', '.join(parts)})"

        kinds = rng.sample(["sgd", "adam", "adamw"], rng.choice([1, 1, 2]))
        if kinds == ["sgd"] and rng.random() < 0.3:
            # Joint samples of two axes of one length.
            count = rng.randint(2, 4)
            self.zip = "zip lr, momentum;"
            return (f"optimizer sgd(lr in loguniform(0.001, 0.3, {count}, seed: {rng.randint(0, 9)}), "
                    f"momentum in linspace(0.0, 0.9, {count}));")
        if len(kinds) == 1:
            return f"optimizer {one(kinds[0])};"
        return f"optimizer in [{', '.join(one(k) for k in kinds)}];"

    def axis(self, name, lo, hi, log=False):
        """`name: v` or `name in AXIS`, with few values so sweeps stay small."""
        rng = self.rng
        shape = rng.choice(["one", "one", "list", "space", "random", "choice"])
        if shape == "one":
            return f"{name}: {floatlit(num(rng, lo, hi, log))}"
        if shape == "choice":
            values = sorted({floatlit(num(rng, lo, hi, log)) for _ in range(2)})
            return (f"{name} in choice([{', '.join(values)}], {rng.randint(2, 3)}, "
                    f"seed: {rng.randint(0, 99)})")
        if shape == "list":
            values = sorted({floatlit(num(rng, lo, hi, log)) for _ in range(rng.randint(2, 3))})
            return f"{name} in [{', '.join(values)}]"
        count = rng.randint(2, 3)
        lo_text, hi_text = floatlit(num(rng, lo, hi, log)), floatlit(num(rng, lo, hi, log))
        if float(lo_text) > float(hi_text):
            lo_text, hi_text = hi_text, lo_text
        if shape == "space":
            space = "logspace" if log and float(lo_text) > 0 else "linspace"
            return f"{name} in {space}({lo_text}, {hi_text}, {count})"
        if float(lo_text) == float(hi_text):
            return f"{name}: {lo_text}"
        draw = "loguniform" if log and float(lo_text) > 0 else "uniform"
        return f"{name} in {draw}({lo_text}, {hi_text}, {count}, seed: {rng.randint(0, 99)})"

    def generate(self):
        rng = self.rng
        self.inline = rng.random() < 0.3
        self.shape = None  # With a choice of datasets: the model's shape parameters.
        if rng.random() < 0.2:
            # A choice of datasets, each its own group: the models read their
            # input and output sizes from parameters, which `where` ties to the
            # dataset of each run.
            self.inline = False
            sets = [self.dataset(suffix) for suffix in ("", "2")]
            names = ["d", "e"]
            for name, (decl, *_rest) in zip(names, sets):
                self.lines.append(f"dataset {name} = {decl};")
            decl = None
            data_setting = f"data in [{', '.join(names)}]"
            features = sorted({s[1] for s in sets})
            outputs = sorted({s[3] for s in sets})
            self.shape = (features, outputs)
            self.where_shape = "where " + " || ".join(
                f"(data == {name} && fin == {s[1]} && fout == {s[3]})"
                for name, s in zip(names, sets)) + ";"
            classify = all(s[2] is not None for s in sets)
            has_validation = all(s[4] for s in sets)
            features, outputs = "fin", "fout"
        else:
            decl, features, classes, outputs, has_validation = self.dataset()
            classify = classes is not None
            if not self.inline:
                self.lines.append(f"dataset d = {decl};")
            data_setting = f"data {decl if self.inline else 'd'}"
        model_decl, model_call = self.model("m", features, outputs)
        self.lines.append(model_decl)
        if rng.random() < 0.25:
            other_decl, other_call = self.model("n", features, outputs)
            self.lines.append(other_decl)
            model_setting = f"model in [{model_call}, {other_call}];"
        else:
            model_setting = f"model {model_call};"
        epochs = rng.randint(1, 4)
        batch = rng.choice([1, 2, 7, 16, 32, 64, 500])
        # On the CPU even where there is a GPU (`auto` would take it): the
        # backends compared must agree bit for bit. The fake-GPU step's
        # --device=cuda overrides it.
        clauses = [f"{data_setting}, batch {batch}, epochs {epochs};",
                   model_setting, "device cpu;"]
        if self.shape:
            clauses.append(self.where_shape)
        loss = "cross_entropy" if classify and rng.random() < 0.7 else "mse"
        clauses.append(f"loss {loss};")
        self.zip = None
        clauses.append(self.optimizer())
        if self.zip:
            clauses.append(self.zip)
        if rng.random() < 0.4:
            schedules = rng.sample([
                f"step(every: {rng.randint(1, 2)}, gamma: {floatlit(num(rng, 0.1, 1))})",
                f"cosine(final: {floatlit(num(rng, 0, 0.5))})",
                f"linear(final: {floatlit(num(rng, 0, 0.5))}, warmup: {rng.randint(0, 2)})",
                f"constant(warmup: {rng.randint(0, 2)})"], rng.choice([1, 1, 2]))
            clauses.append(f"schedule {schedules[0]};" if len(schedules) == 1
                           else f"schedule in [{', '.join(schedules)}];")
        if rng.random() < 0.4:
            inits = rng.sample(["he_normal", "he_uniform", "xavier_normal", "xavier_uniform"],
                               rng.randint(1, 2))
            clauses.append(f"init {inits[0]};" if len(inits) == 1
                           else f"init in [{', '.join(inits)}];")
        seeds, first_seed = rng.randint(0, 3), rng.randint(0, 99)
        seed_forms = [f"seed {first_seed};", f"seed in {first_seed}..{first_seed + seeds};",
                      f"seed in {first_seed}..{first_seed + 2 * seeds} step 2;"]
        if seeds and rng.random() < 0.2:
            # Random seeds: which values come out is the axis's business, so no
            # `where` below names one.
            clauses.append(f"seed in randint(0, 99, {seeds + 1}, seed: {rng.randint(0, 9)});")
            first_seed = None
        else:
            clauses.append(seed_forms[0] if seeds == 0 else rng.choice(seed_forms[1:]))
        if rng.random() < 0.2:
            clauses.append(f"divergence({floatlit(num(rng, 1.5, 20))});")
        if has_validation and rng.random() < 0.3:
            metric = "val_accuracy" if classify and rng.random() < 0.5 else "val_loss"
            min_delta = f", min_delta: {floatlit(num(rng, 0, 0.05))}" if rng.random() < 0.4 else ""
            clauses.append(f"early_stop(metric: {metric}, patience: {rng.randint(1, 2)}{min_delta});")
        if epochs > 1 and rng.random() < 0.3:
            metric = rng.choice(["train_loss"] + (["val_loss"] if has_validation else []))
            if rng.random() < 0.5:
                clauses.append(f"prune asha(metric: {metric}, reduction: {rng.randint(2, 4)});")
            else:
                clauses.append(f"prune median(metric: {metric}, min_runs: {rng.randint(1, 3)});")
        if rng.random() < 0.15:
            clauses.append(rng.choice(["energy(meter: model, per_layer: true);",
                                       f"energy(window_ms: {rng.choice([10, 50, 1000])});"]))
        if first_seed is not None and rng.random() < 0.25 and "lr in" in " ".join(clauses):
            # Keeps at least the runs of the first seed.
            clauses.append(f"where lr <= {rng.choice(['0.1', '0.02'])} || seed == {first_seed};")
        report = ["loss"] + (["accuracy"] if classify and rng.random() < 0.7 else []) + \
            (["mse"] if rng.random() < 0.3 else [])
        clauses.append(f"report {', '.join(report)};")
        self.lines.append("sweep s {\n  " + "\n  ".join(clauses) + "\n}")
        return "\n\n".join(self.lines) + "\n"


def run(command, cwd, timeout=600, env=None):
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              env=env)
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout} s"
    return done.returncode, done.stdout + done.stderr


def retry_with_larger_cap(rc, out, command, directory, name, log, env=None):
    """A --max-memory below what one run needs in a program (CPU) or on the
    device (GPU, shared by --streams) is refused before anything is written;
    the same run under a cap 4 times larger, up to one that fits, still trains
    in capped programs. Returns the last (rc, out, command)."""
    while rc != 0 and "may hold (--max-memory" in out and \
            not os.path.exists(os.path.join(directory, name, "s")):
        cap = next(i for i, word in enumerate(command) if word.startswith("--max-memory="))
        value = command[cap].split("=")[1]
        kib = int(value[:-1]) * (1024 if value.endswith("M") else 1) * 4
        if kib > 64 * 1024:
            break
        command = command[:cap] + [f"--max-memory={kib}K"] + command[cap + 1:]
        rc, out = run(command, directory, env=env)
        log.append(f"$ {' '.join(command)}\n{out}(exit {rc})\n")
    return rc, out, command


def one_case(args, index, rng):
    directory = tempfile.mkdtemp(prefix=f"case{index}-", dir=args.work)
    text = Case(rng, directory, os.path.isdir(FASHION)).generate()
    # Named after its sweep, as kill_and_resume.py expects.
    sweep = os.path.join(directory, "s.sweep")
    with open(sweep, "w") as f:
        f.write(text)
    steps, note = [], ""
    options = rng.choice([[], ["--jobs=1"], ["--jobs=2"], ["--max-memory=64K"],
                          ["--no-compaction"]])
    # Pruning judges a program's runs together: both backends get the same cut.
    cut = [f"--runs-per-program={rng.randint(1, 5)}"] if "prune" in text or rng.random() < 0.2 \
        else []
    # The best runs' trained weights, which every backend must write bit for bit
    # alike (a count taken from the text, not the stream: the cases stay as drawn).
    weights = [f"--save-weights={1 + len(text) % 3}"]
    steps.append(("check", [args.sweepc, "check", sweep]))
    if not args.ptx_only:
        steps.append(("cpu", [args.sweepc, "run", sweep, "--backend=cpu", "--quiet",
                              "--results=" + os.path.join(directory, "cpu")] + options + cut +
                      weights))
        steps.append(("interp", [args.sweepc, "run", sweep, "--backend=interp", "--quiet",
                                 "--results=" + os.path.join(directory, "interp")] + cut +
                      weights))
    if args.ptxas:
        ptx = os.path.join(directory, "case.ptx")
        steps.append(("ptx", [args.sweepc, "-emit=ptx", sweep, "-o", ptx]))
        steps.append(("ptxas", [sys.executable, PTXAS_EACH, args.ptxas, "sm_90", ptx]))
    if args.build:
        exe = os.path.join(directory, "case.exe")
        steps.append(("build", [args.sweepc, "build", sweep, "--device=cpu", "-o", exe] + cut))
        steps.append(("exe", [exe, "--quiet", "--results=" + os.path.join(directory, "exe")] +
                      weights))
    log, runs = [], None
    for name, command in steps:
        rc, out = run(command, directory)
        log.append(f"$ {' '.join(command)}\n{out}(exit {rc})\n")
        rc, out, command = retry_with_larger_cap(rc, out, command, directory, name, log)
        if rc != 0:
            return directory, name, log, ""
        if name == "check":
            # "sweep s: ok, N runs in G groups": what every backend must record.
            counted = re.search(r"sweep s: ok, (\d+) runs? in", out)
            if not counted:
                return directory, "check-count", log, ""
            runs = int(counted.group(1))
    if args.ptx_only:
        return directory, None, log, note
    if args.fake_cuda:
        # The GPU backend's host side on the stand-in driver, which runs no
        # kernel: the numbers are whatever device memory held, so only the
        # plumbing is checked (every run recorded, the files complete).
        env = dict(os.environ, SWEEPC_CUDA_DRIVER=args.fake_cuda)
        gpu_options = rng.choice([[], ["--streams=2"], ["--streams=3"],
                                  ["--streams=2", "--max-memory=1M"]])
        command = [args.sweepc, "run", sweep, "--device=cuda", "--quiet", "--no-energy",
                   "--results=" + os.path.join(directory, "fake-gpu")] + gpu_options + cut
        rc, out = run(command, directory, env=env)
        log.append(f"$ SWEEPC_CUDA_DRIVER={args.fake_cuda} {' '.join(command)}\n{out}(exit {rc})\n")
        rc, out, command = retry_with_larger_cap(rc, out, command, directory, "fake-gpu", log,
                                                 env=env)
        if rc != 0:
            return directory, "fake-gpu", log, ""
    if args.kill:
        # SIGKILL at random moments, resumed to the end: the same results as a
        # run left alone (pruned sweeps included: a resumed sweep judges its
        # remaining runs against the finished runs' curves).
        command = [sys.executable, KILL_AND_RESUME, args.sweepc, sweep,
                   os.path.join(directory, "kills"), "--kills", "4", "--allow-few-kills",
                   "--seed", str(rng.randint(0, 10**6)), "--jobs", str(rng.randint(1, 2)),
                   weights[0]]
        if cut:
            command += ["--runs-per-program", cut[0].split("=")[1]]
        rc, out = run(command, directory)
        log.append(f"$ {' '.join(command)}\n{out}(exit {rc})\n")
        if rc != 0:
            return directory, "kill", log, ""
        landed = [line for line in out.splitlines() if "kills interrupted" in line]
        note = " (" + (landed[0].split(": ", 1)[1].split(" (")[0] if landed
                       else "no kill landed") + ")"
    if args.fake_cuda:
        command = [sys.executable, CHECK_RESULTS, os.path.join(directory, "fake-gpu", "s"),
                   "--runs", str(runs), "--no-energy"]
        rc, out = run(command, directory)
        log.append(f"$ {' '.join(command)}\n{out}(exit {rc})\n")
        if rc != 0:
            return directory, "fake-gpu-results", log, ""
    compares = [("interp", os.path.join(directory, "interp", "s")),
                ("same", os.path.join(directory, "cpu", "s"))]
    if args.build:
        compares.append(("same-exe", os.path.join(directory, "exe", "s")))
    for name, results in compares:
        # Every run recorded, in complete files; then the interpreter's numbers.
        command = [sys.executable, CHECK_RESULTS, results, "--runs", str(runs)]
        if name != "interp":
            command += ["--same-as", os.path.join(directory, "interp", "s")]
        rc, out = run(command, directory)
        log.append(f"$ {' '.join(command)}\n{out}(exit {rc})\n")
        if rc != 0:
            return directory, name, log, ""
        if name != "interp":
            difference = different_weights(results, os.path.join(directory, "interp", "s"))
            if difference:
                log.append(difference + "\n")
                return directory, name + "-weights", log, ""
    return directory, None, log, note


def different_weights(results, reference):
    """What differs between two results directories' weights/ (--save-weights), or ""."""
    def files(results):
        folder = os.path.join(results, "weights")
        return {name: open(os.path.join(folder, name), "rb").read()
                for name in (os.listdir(folder) if os.path.isdir(folder) else [])}
    mine, theirs = files(results), files(reference)
    if sorted(mine) != sorted(theirs):
        return f"weights: {sorted(mine)} in {results}, {sorted(theirs)} in {reference}"
    changed = [name for name in mine if mine[name] != theirs[name]]
    return f"weights: {changed} differ from {reference}'s" if changed else ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sweepc", required=True)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", default="/tmp/random-sweeps")
    parser.add_argument("--ptxas", help="ptxas to assemble every kernel with (sm_90)")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--fake-cuda", help="the stand-in libcuda (build/test/unittests/"
                        "libsweep-fake-cuda.so): also train on the GPU backend's host side")
    parser.add_argument("--kill", action="store_true",
                        help="also kill the compiled run at random moments and resume it")
    parser.add_argument("--ptx-only", action="store_true",
                        help="with --ptxas: only the kernels, no training")
    args = parser.parse_args()
    # Every command runs in its case's directory.
    args.sweepc = os.path.abspath(args.sweepc)
    args.fake_cuda = args.fake_cuda and os.path.abspath(args.fake_cuda)
    args.ptxas = args.ptxas and os.path.abspath(shutil.which(args.ptxas) or args.ptxas)
    os.makedirs(args.keep, exist_ok=True)
    args.work = tempfile.mkdtemp(prefix="random-sweeps-")
    failures = 0
    for index in range(args.count):
        rng = random.Random(args.seed * 1000003 + index)
        directory, failed, log, note = one_case(args, index, rng)
        if failed:
            failures += 1
            kept = os.path.join(args.keep, f"seed{args.seed}-case{index}")
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(directory, kept)
            with open(os.path.join(kept, "log.txt"), "w") as f:
                f.write("".join(log))
            print(f"case {index}: {failed} failed, kept in {kept}", flush=True)
        else:
            print(f"case {index}: ok{note}", flush=True)
        shutil.rmtree(directory, ignore_errors=True)
    shutil.rmtree(args.work, ignore_errors=True)
    print(f"{args.count - failures} of {args.count} cases pass")
    return min(failures, 100)


if __name__ == "__main__":
    sys.exit(main())
