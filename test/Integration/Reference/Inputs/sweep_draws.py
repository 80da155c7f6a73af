"""sweepc's random numbers recomputed in NumPy from their documented definition.

Every random number of a run is a pure function of (key, stream, counter) through
Philox4x32-10 (runtime/rng/Streams.h, TrainingDraws.h, docs/language.md "How a run
trains"): initial weights, dropout masks and the epoch's minibatch order. A reference
that trains the same runs elsewhere (PyTorch) starts from these and so from the same
weights and minibatches, without sharing any of sweepc's code.
"""

import math

import numpy as np

M32 = np.uint64(0xFFFFFFFF)
INIT_STREAM = 1 << 32       # + dense layer index
DROPOUT_STREAM = 2 << 32    # + dropout layer index
SHUFFLE_STREAM = 3 << 32    # + epoch


def philox(counter, key):
    """Philox4x32-10 on arrays: counter is 4 uint64 arrays holding 32-bit words."""
    c0, c1, c2, c3 = [np.asarray(c, dtype=np.uint64) for c in counter]
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    for r in range(10):
        if r:
            k0 = (k0 + np.uint64(0x9E3779B9)) & M32
            k1 = (k1 + np.uint64(0xBB67AE85)) & M32
        p0 = np.uint64(0xD2511F53) * c0
        p1 = np.uint64(0xCD9E8D57) * c2
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ k0, p1 & M32,
                          (p0 >> np.uint64(32)) ^ c3 ^ k1, p0 & M32)
    return c0, c1, c2, c3


def blocks(seed, stream, index):
    """Blocks `index` (an array) of stream `stream` under key `seed`."""
    index = np.asarray(index, dtype=np.uint64)
    counter = (index & M32, index >> np.uint64(32),
               np.full_like(index, stream & 0xFFFFFFFF), np.full_like(index, stream >> 32))
    return philox(counter, (seed & 0xFFFFFFFF, seed >> 32))


def normals(seed, stream, count):
    """Draws 0..count-1 as standard normals: Box-Muller on each block's 53-bit halves."""
    b0, b1, b2, b3 = blocks(seed, stream, np.arange(count, dtype=np.uint64))
    hi = ((b0 << np.uint64(32)) | b1) >> np.uint64(11)
    lo = ((b2 << np.uint64(32)) | b3) >> np.uint64(11)
    u1 = (hi.astype(np.float64) + 1.0) * 2.0 ** -53
    u2 = lo.astype(np.float64) * 2.0 ** -53
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(6.283185307179586 * u2)


def uniforms53(seed, stream, count):
    """Draws 0..count-1 as 53-bit uniforms in [0, 1) from each block's first two words."""
    b0, b1, _, _ = blocks(seed, stream, np.arange(count, dtype=np.uint64))
    bits = ((b0 << np.uint64(21)) ^ (b1 >> np.uint64(11))) & np.uint64((1 << 53) - 1)
    return bits.astype(np.float64) * 2.0 ** -53


def init_weights(seed, layer, fan_in, fan_out, kind, gain=1.0):
    """Dense layer `layer`'s initial [fan_in, fan_out] weights for init `kind`."""
    count = fan_in * fan_out
    spread = {"he_normal": math.sqrt(2.0 / fan_in),
              "he_uniform": math.sqrt(6.0 / fan_in),
              "xavier_normal": math.sqrt(2.0 / (fan_in + fan_out)),
              "xavier_uniform": math.sqrt(6.0 / (fan_in + fan_out))}[kind] * gain
    if kind.endswith("normal"):
        w = spread * normals(seed, INIT_STREAM + layer, count)
    else:
        w = spread * (2.0 * uniforms53(seed, INIT_STREAM + layer, count) - 1.0)
    return w.astype(np.float32).reshape(fan_in, fan_out)


def shuffled(count, seed, epoch):
    """The training split's Fisher-Yates order in `epoch` (from 1) for dataset seed `seed`."""
    b = blocks(seed, SHUFFLE_STREAM + epoch, np.arange((count + 3) // 4, dtype=np.uint64))
    words = np.stack(b, axis=1).reshape(-1)
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = (int(words[i]) * (i + 1)) >> 32
        order[i], order[j] = order[j], order[i]
    return order


def dropout_scales(seed, layer, p, step, batch, rows, width):
    """Dropout layer `layer`'s [rows, width] scales (0 or 1 / (1 - p)) at global `step`.

    Value j of row i is dropped when the top 24 bits of draw (step * batch + i) * width + j
    (four draws per block), read as a uniform in [0, 1), are below p; `batch` is the
    sweep's batch size, also for a last minibatch that is smaller.
    """
    first = step * batch * width
    draws = np.arange(first, first + rows * width, dtype=np.uint64)
    b = blocks(seed, DROPOUT_STREAM + layer, np.arange(int(first) // 4,
                                                       (int(first) + rows * width + 3) // 4))
    words = np.stack(b, axis=1).reshape(-1)
    picked = words[(draws - np.uint64(first // 4 * 4)).astype(np.int64)]
    uniform = (picked >> np.uint64(8)).astype(np.float64) * 2.0 ** -24
    keep = np.float32(1.0 / (1.0 - p))
    return np.where(uniform < p, np.float32(0), keep).astype(np.float32).reshape(rows, width)
