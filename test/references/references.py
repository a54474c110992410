"""Reference values for gx's loss and metric tests, computed independently of gx with numpy and scipy.

Every number here comes from the papers' formulas, written anew: f-divergences by their definition (a sum for a
discrete pair, adaptive quadrature for a Gaussian pair), FID through scipy's matrix square root of S1 S2 (no
symmetric shortcut), the MNIST score and KID by their definitions, the gradient penalty of a small tanh critic by its
analytic input gradient, Keras 1's clipped cross-entropies as its TensorFlow backend computed them (in float32), and
the seed's epoch table through the seed's own format strings. The output, references.json beside this file, is
committed; the unit tests read it and need no Python. Regenerate with `npm run references`.
"""

import json
import math
import sys

import numpy as np
import scipy
from scipy import integrate, linalg, stats

rng = np.random.default_rng(20161123)


# f-GAN, Nowozin et al. 2016, Table 2: f, the output activation g_f and the conjugate f*.
def xlogx(u):
    return u * math.log(u) if u > 0 else 0.0


F = {
    "kl": lambda u: xlogx(u),
    "reverse-kl": lambda u: -math.log(u),
    "pearson": lambda u: (u - 1) ** 2,
    "neyman": lambda u: (1 - u) ** 2 / u,
    "squared-hellinger": lambda u: (math.sqrt(u) - 1) ** 2,
    "jensen-shannon": lambda u: -(u + 1) * math.log((1 + u) / 2) + xlogx(u),
    "gan": lambda u: xlogx(u) - (u + 1) * math.log(u + 1),
}
ACTIVATION = {
    "kl": lambda v: v,
    "reverse-kl": lambda v: -math.exp(-v),
    "pearson": lambda v: v,
    "neyman": lambda v: 1 - math.exp(-v),
    "squared-hellinger": lambda v: 1 - math.exp(-v),
    "jensen-shannon": lambda v: math.log(2) - math.log1p(math.exp(-v)),
    "gan": lambda v: -math.log1p(math.exp(-v)),
}
CONJUGATE = {
    "kl": lambda t: math.exp(t - 1),
    "reverse-kl": lambda t: -1 - math.log(-t),
    "pearson": lambda t: t * t / 4 + t,
    "neyman": lambda t: 2 - 2 * math.sqrt(1 - t),
    "squared-hellinger": lambda t: t / (1 - t),
    "jensen-shannon": lambda t: -math.log(2 - math.exp(t)),
    "gan": lambda t: -math.log(1 - math.exp(t)),
}

p = [0.2, 0.5, 0.3]
q = [0.4, 0.4, 0.2]
discrete = {name: sum(qi * f(pi / qi) for pi, qi in zip(p, q)) for name, f in F.items()}

m1, s1, m2, s2 = 0.0, 1.0, 0.5, 1.2
P, Q = stats.norm(m1, s1), stats.norm(m2, s2)


def gaussian_divergence(f):
    # D_f(P||Q) = integral q(x) f(p(x)/q(x)) dx, with the ratio in log space so the tails stay finite.
    def integrand(x):
        ratio = math.exp(P.logpdf(x) - Q.logpdf(x))
        return Q.pdf(x) * f(ratio)

    value, _ = integrate.quad(integrand, -40, 40, limit=400, epsabs=1e-13, epsrel=1e-12)
    return value


gaussian = {name: gaussian_divergence(f) for name, f in F.items()}

# The losses of the fgan entry on given raw scores: D minimises E_Q[f*(g_f(v))] - E_P[g_f(v)]; G maximises
# E_Q[g_f(v_fake)] (the paper's practical step), so minimises -E_Q[g_f(v_fake)].
real_scores = [1.5, -2.0, 0.25]
fake_scores = [0.5, -1.0, 3.0]
fgan_losses = {}
for name in F:
    g = ACTIVATION[name]
    conjugate = CONJUGATE[name]
    fgan_losses[name] = {
        "discriminator": float(np.mean([conjugate(g(v)) for v in fake_scores]) - np.mean([g(v) for v in real_scores])),
        "generator": float(-np.mean([g(v) for v in fake_scores])),
    }


# FID, Heusel et al. 2017, eq. 6, through scipy's general matrix square root of S1 S2.
def fid(mu1, sigma1, mu2, sigma2):
    root = linalg.sqrtm(sigma1 @ sigma2)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1 + sigma2 - 2 * np.real(root)))


def spd(dim):
    a = rng.normal(size=(dim, dim))
    return a @ a.T / dim + 0.1 * np.eye(dim)


fid_cases = []
for mu1, sigma1, mu2, sigma2 in [
    (np.zeros(2), np.array([[2.0, 1.0], [1.0, 2.0]]), np.zeros(2), np.array([[3.0, 0.0], [0.0, 1.0]])),
    (np.array([1.0, -2.0]), np.array([[1.0, 0.9], [0.9, 1.0]]), np.array([0.0, 0.5]), np.array([[4.0, -1.0], [-1.0, 0.5]])),
    (rng.normal(size=5), spd(5), rng.normal(size=5), spd(5)),
]:
    assert not np.allclose(sigma1 @ sigma2, sigma2 @ sigma1), "the covariances must not commute"
    fid_cases.append(
        {
            "mean1": mu1.tolist(),
            "covariance1": sigma1.flatten().tolist(),
            "mean2": mu2.tolist(),
            "covariance2": sigma2.flatten().tolist(),
            "fid": fid(mu1, sigma1, mu2, sigma2),
        }
    )


# The Inception (MNIST) score, Salimans et al. 2016: exp(E_x KL(p(y|x) || p(y))), per split, averaged over splits.
def inception_score(probabilities, splits):
    scores = []
    for part in np.array_split(probabilities, splits):
        marginal = part.mean(axis=0)
        kl = np.sum(part * (np.log(part) - np.log(marginal)), axis=1)
        scores.append(math.exp(kl.mean()))
    return float(np.mean(scores))


predictions = rng.dirichlet([0.3] * 10, size=40)
mnist_score = {
    "probabilities": predictions.flatten().tolist(),
    "count": 40,
    "dim": 10,
    "splits1": inception_score(predictions, 1),
    "splits4": inception_score(predictions, 4),
}


# KID, Binkowski et al. 2018, eq. 2: the unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3.
def kid(x, y):
    d = x.shape[1]
    kxx, kyy, kxy = ((a @ b.T / d + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
    m, n = len(x), len(y)
    within = lambda k, size: (k.sum() - np.trace(k)) / (size * (size - 1))
    return float(within(kxx, m) + within(kyy, n) - 2 * kxy.mean())


kid_cases = []
for dim in (3, 5, 8):
    x = rng.normal(size=(7, dim))
    y = rng.normal(loc=0.4, scale=1.3, size=(7, dim))
    kid_cases.append({"dim": dim, "count": 7, "x": x.flatten().tolist(), "y": y.flatten().tolist(), "kid": kid(x, y)})


# Improved precision and recall, Kynkaanniemi et al. 2019, k = 3, in several dimensions.
def coverage(manifold, points, k):
    within = np.linalg.norm(manifold[:, None] - manifold[None], axis=-1)
    radii = np.sort(within, axis=1)[:, k]
    across = np.linalg.norm(points[:, None] - manifold[None], axis=-1)
    return float(np.mean(np.any(across <= radii[None], axis=1)))


real_points = rng.normal(size=(30, 4))
fake_points = rng.normal(loc=0.7, scale=0.8, size=(25, 4))
precision_recall = {
    "dim": 4,
    "real": real_points.flatten().tolist(),
    "fake": fake_points.flatten().tolist(),
    "precision": coverage(real_points, fake_points, 3),
    "recall": coverage(fake_points, real_points, 3),
    # FID of the same two sets of rows, with numpy's sample means and (n - 1) covariances.
    "fid": fid(real_points.mean(axis=0), np.cov(real_points, rowvar=False), fake_points.mean(axis=0), np.cov(fake_points, rowvar=False)),
}


# The gradient penalty (Gulrajani et al. 2017) of a nonlinear critic D(x) = w2 . tanh(W1^T x + b1) + b2, with its
# input gradient W1 (w2 * (1 - tanh^2)), on x_hat = e x_real + (1 - e) x_fake with one e per sample.
inputs, hidden, batch = 4, 3, 5
w1 = rng.normal(size=(inputs, hidden))
b1 = rng.normal(size=hidden)
w2 = rng.normal(size=hidden)
b2 = 0.3
real_x = rng.normal(size=(batch, inputs))
fake_x = rng.normal(size=(batch, inputs))
mix = np.array([0.1, 0.5, 0.9, 0.3, 0.7])
x_hat = mix[:, None] * real_x + (1 - mix[:, None]) * fake_x
gradients = (w2 * (1 - np.tanh(x_hat @ w1 + b1) ** 2)) @ w1.T
gradient_penalty = {
    "w1": w1.flatten().tolist(),
    "b1": b1.tolist(),
    "w2": w2.tolist(),
    "b2": b2,
    "real": real_x.flatten().tolist(),
    "fake": fake_x.flatten().tolist(),
    "mix": mix.tolist(),
    "penalty": float(np.mean((np.linalg.norm(gradients, axis=1) - 1) ** 2)),
}

# Keras 1's cross-entropies (tensorflow_backend.py, Nov 2016) on probabilities from a sigmoid or softmax head, in
# float32: clip to [eps, 1 - eps]; binary: back to a logit, then sigmoid cross-entropy; sparse: log, then softmax
# cross-entropy. Scores where float32's own rounding of sigmoid would dominate are left out.
f32 = np.float32
eps = f32(1e-7)


def keras_binary(v, target):
    p = np.clip(f32(1) / (f32(1) + np.exp(-f32(v))), eps, f32(1) - eps)
    logit = np.log(p / (f32(1) - p))
    return float(np.maximum(logit, 0) - logit * f32(target) + np.log1p(np.exp(-np.abs(logit))))


binary_scores = [-30.0, -17.0, -5.0, 0.0, 3.0, 17.0, 30.0]
keras_bce = {
    "scores": binary_scores,
    "target1": [keras_binary(v, 1) for v in binary_scores],
    "target0": [keras_binary(v, 0) for v in binary_scores],
}


def keras_sparse(logits, label):
    z = f32(np.asarray(logits)) - f32(np.max(logits))
    p = np.exp(z) / np.sum(np.exp(z))
    log_q = np.log(np.clip(p, eps, f32(1) - eps))
    return float(-(log_q[label] - np.log(np.sum(np.exp(log_q)))))


sparse_logits = [[30.0, 0.0, 0.0], [0.0, 30.0, -5.0], [1.0, 2.0, 0.5], [-3.0, 0.0, 40.0]]
sparse_labels = [1, 1, 0, 2]
keras_sparse_ce = {
    "logits": [v for row in sparse_logits for v in row],
    "labels": sparse_labels,
    "loss": float(np.mean([keras_sparse(row, label) for row, label in zip(sparse_logits, sparse_labels)])),
}

# The seed's epoch table (mnist_acgan.py), printed by its own format strings for given losses.
metrics_names = ["loss", "generation_loss", "auxiliary_loss"]
rows = {
    "generator (train)": [3.28125, 1.5, 1.78125],
    "generator (test)": [2.004, 0.995, 1.009],
    "discriminator (train)": [1.25, 0.625, 0.625],
    "discriminator (test)": [10.5, 0.125, 10.375],
}
table = "{0:<22s} | {1:4s} | {2:15s} | {3:5s}".format("component", *metrics_names) + "\n" + "-" * 65 + "\n"
ROW_FMT = "{0:<22s} | {1:<4.2f} | {2:<15.2f} | {3:<5.2f}"
for name, values in rows.items():
    table += ROW_FMT.format(name, *values) + "\n"
seed_table = {"rows": rows, "table": table}

json.dump(
    {
        "generated_by": f"test/references/references.py with Python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}",
        "fdivergences": {
            "discrete": {"p": p, "q": q, "divergence": discrete},
            "gaussian": {"m1": m1, "s1": s1, "m2": m2, "s2": s2, "divergence": gaussian},
            "losses": {"real": real_scores, "fake": fake_scores, "values": fgan_losses},
        },
        "fid": fid_cases,
        "mnist_score": mnist_score,
        "kid": kid_cases,
        "precision_recall": precision_recall,
        "gradient_penalty": gradient_penalty,
        "keras_binary_crossentropy": keras_bce,
        "keras_sparse_categorical_crossentropy": keras_sparse_ce,
        "seed_table": seed_table,
    },
    sys.stdout,
    indent=1,
)
print()
