"""Reference FIDs for the backend Fréchet distance (src/registry/metrics/backend-frechet.ts), in float64 by scipy.

The features are made by a recipe simple enough to write again in the test (test/eval/backend-frechet.test.ts):
Park-Miller's integer generator, normals as the sum of 12 uniforms minus 6, mixed by a matrix whose rows fall off
as (i + 1) ** -0.8 (correlated features with a decaying spectrum, as a network's are), shifted and clipped at 0
(non-negative, as pooled ReLU features are). The FID is scipy's: sqrtm of S1 S2, no symmetric shortcut. The output,
frechet.json beside this file, is committed; regenerate with `npm run references`.
"""

import json

import numpy as np
import scipy
from scipy import linalg

MODULUS = 2147483647


def uniforms(seed, count):
    out, x = [], seed
    for _ in range(count):
        x = x * 48271 % MODULUS
        out.append(x / MODULUS)
    return np.array(out)


def normals(seed, rows, cols):
    u = uniforms(seed, rows * cols * 12).reshape(rows * cols, 12)
    return (u.sum(axis=1) - 6).reshape(rows, cols)


def features(seed, rows, dim, shift):
    mix = normals(99, dim, dim) * (np.arange(1, dim + 1) ** -0.8)[:, None]
    return np.maximum(normals(seed, rows, dim) @ mix + 0.5 + shift, 0)


def fid(x, y):
    m1, m2 = x.mean(axis=0), y.mean(axis=0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    root = linalg.sqrtm(s1 @ s2).real
    return float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(root))


CASES = [
    {"name": "shifted", "dim": 64, "rows": 600, "seeds": [1, 2], "shift": 0.3},
    {"name": "nearly identical", "dim": 64, "rows": 600, "seeds": [3, 4], "shift": 0.0},
    {"name": "fewer rows than dimensions", "dim": 64, "rows": 40, "seeds": [5, 6], "shift": 0.1},
]
out = []
for case in CASES:
    x = features(case["seeds"][0], case["rows"], case["dim"], 0.0)
    y = features(case["seeds"][1], case["rows"], case["dim"], case["shift"])
    out.append({**case, "sum_x": float(x.sum()), "sum_y": float(y.sum()), "fid": fid(x, y)})
print(json.dumps({"generated_by": f"frechet.py, numpy {np.__version__}, scipy {scipy.__version__}", "cases": out}, indent=2))
