"""sigma(W) by power iteration from a fixed u (Miyato et al. 2018, Algorithm 1) and by SVD, for
test/registry/spectral-norm.test.ts: python3 test/references/spectral_norm.py > test/references/spectral-norm.json"""
import json

import numpy as np

# A 2x2x2x3 convolution kernel (in = 2*2*2 = 8 rows, out = 3 columns), as gx reshapes it: [-1, outputs].
kernel = (np.arange(24, dtype=np.float64).reshape(2, 2, 2, 3) % 7 - 3) / 4
kernel[0, 1, 1, 2] = 2.5
u0 = np.array([[0.3, -1.0, 0.5]])
matrix = kernel.reshape(-1, 3)


def normalise(x):
    return x / (np.linalg.norm(x) + 1e-12)


u = u0
sigmas = []
for _ in range(50):
    v = normalise(u @ matrix.T)
    u = normalise(v @ matrix)
    sigmas.append(float((v @ matrix @ u.T)[0, 0]))

print(json.dumps({
    'kernel': kernel.flatten().tolist(),
    'shape': list(kernel.shape),
    'u0': u0.flatten().tolist(),
    'sigma_by_iteration': sigmas,
    'sigma_svd': float(np.linalg.svd(matrix, compute_uv=False)[0]),
    'u_after_50': u.flatten().tolist(),
}, indent=1))
