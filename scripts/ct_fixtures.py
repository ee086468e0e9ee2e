#!/usr/bin/python3
"""Reference values for lib/ct, computed with scikit-image (Debian python3-skimage).

Run:  /usr/bin/python3 scripts/ct_fixtures.py      (writes test/ct/fixtures/*.json)

What is compared (see lib/ct/README.md):
  projector.json  skimage.transform.radon sinograms of three fixed phantoms. lib/ct's projector uses
                  the same discretisation (unit-step ray samples, bilinear interpolation, zero outside)
                  with convention 'skimage', so the sinograms should agree to rounding.
                  Case 'corners' fills all 784 pixels and projects a 30x30 zero-bordered canvas
                  (radon_canvas): skimage's circle=False ray range stops at t = -20 for a bare 28x28
                  image, which drops a few bilinear samples touching corner pixels 0 and 27; on the
                  canvas its rays (t in [-21, 21], 43 detectors) reach every pixel.
  sirt.json       SIRT as in ASTRA, x <- clamp(x + lam * C * A^T * R * (p - A x)), run in numpy float64
                  with A = skimage's radon operator itself: column i of A is radon of the i-th unit
                  image. skimage has no SIRT (only SART), hence the numpy loop on skimage's matrix.
                  Cases 'canvas' use radon_canvas (the same operator as lib/ct, 43 detectors); case
                  'bare' uses radon(circle=False) on the bare 28x28 image (40 detectors), whose matrix
                  differs from lib/ct's in 2-3 corner entries (see above), which shows in the result.
  metrics.json    skimage.metrics MSE, PSNR and SSIM (Gaussian window sigma=1.5, 11x11,
                  K1=0.01, K2=0.03, population covariance, stated data_range) for fixed image pairs.
All inputs are rounded to float32 first, so the TypeScript side sees exactly the same inputs.
"""
import json
import os
import sys
import warnings

import numpy as np
import skimage
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity
from skimage.transform import radon

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'ct', 'fixtures')
N = 28
SEED = 8


def f32(a):
    """Round to float32 values, keep float64 dtype (skimage would otherwise compute in float32)."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def strokes(points, width, shape=(N, N)):
    """A digit-like image: polyline strokes with soft edges, values in [0, 1]."""
    rr, cc = np.mgrid[:shape[0], :shape[1]].astype(np.float64)
    dist = np.full(shape, np.inf)
    for (r0, c0), (r1, c1) in zip(points[:-1], points[1:]):
        dr, dc = r1 - r0, c1 - c0
        t = np.clip(((rr - r0) * dr + (cc - c0) * dc) / (dr * dr + dc * dc), 0, 1)
        dist = np.minimum(dist, np.hypot(rr - (r0 + t * dr), cc - (c0 + t * dc)))
    return np.clip(1.5 - dist / width, 0, 1)


def phantom_circle():
    """Zero outside radius 11 around pixel (14, 14), so radon(circle=True) drops nothing; asymmetric."""
    rr, cc = np.mgrid[:N, :N]
    ring = strokes([(8, 14), (10, 19), (15, 20), (20, 17), (20, 11), (15, 8), (10, 9), (8, 14)], 1.0)
    blob = 0.6 * np.exp(-((rr - 9.0) ** 2 + (cc - 18.0) ** 2) / 3.0)
    img = np.clip(ring + blob, 0, 1) * (((rr - 14) ** 2 + (cc - 14) ** 2) <= 11 ** 2)
    return f32(img)


def phantom_digit():
    """A '2'-like digit inside the central 20x20 box, where MNIST digits live."""
    return f32(strokes([(7, 8), (5, 13), (6, 18), (10, 19), (15, 14), (21, 7), (21, 20)], 1.1))


def nums(a):
    """Flattened values with 9 significant digits: exact for float32 inputs, 1e-9 relative for results."""
    return [float(f'{v:.9g}') for v in np.asarray(a, dtype=np.float64).ravel()]


def sino_rows(s):
    """skimage sinogram [detector, angle] -> lib/ct layout [angle, detector], flattened."""
    return nums(np.asarray(s).T)


def radon_canvas(img, theta):
    """radon(circle=False) of img on a canvas with a 1-pixel zero border: same rotation axis (pixel
    (14, 14) of img), 43 detectors centred at index 21, and rays long enough for every pixel."""
    canvas = np.zeros((N + 2, N + 2))
    canvas[1:-1, 1:-1] = img
    return radon(canvas, theta, circle=False)


def radon_bare(img, theta):
    return radon(img, theta, circle=False)


def radon_matrix(theta, project):
    """skimage's radon operator as a dense matrix (rows: angle-major bins, columns: row-major pixels)."""
    cols = []
    for i in range(N * N):
        e = np.zeros(N * N)
        e[i] = 1.0
        cols.append(np.asarray(project(e.reshape(N, N), theta)).T.ravel())
    return np.stack(cols, axis=1)


def sirt_numpy(A, p, iters, lam, lo, hi):
    """ASTRA's SIRT; inverse sums <= 1e-6 become 0."""
    rs, cs = A.sum(1), A.sum(0)
    R = np.where(rs > 1e-6, 1 / np.where(rs > 1e-6, rs, 1), 0)
    C = np.where(cs > 1e-6, 1 / np.where(cs > 1e-6, cs, 1), 0)
    x = np.zeros(A.shape[1])
    x = np.clip(x, lo, hi)
    for _ in range(iters):
        x = np.clip(x + lam * C * (A.T @ (R * (p - A @ x))), lo, hi)
    return x


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)')


def main():
    os.makedirs(OUT, exist_ok=True)
    provenance = {'skimage': skimage.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0],
                  'script': 'scripts/ct_fixtures.py'}
    theta = [0.0, 15.0, 33.7, 45.0, 90.0, 120.5, 179.0]

    # --- projector ---------------------------------------------------------------------------
    pc, pd = phantom_circle(), phantom_digit()
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # circle=True must not warn: the phantom is inside the circle
        s_circle = radon(pc, theta, circle=True)
    s_full = radon(pd, theta, circle=False)
    pr = f32(np.random.default_rng(SEED).random((N, N)))
    s_corners = radon_canvas(pr, theta)
    write('projector.json', {
        'provenance': provenance,
        'cases': [
            {'name': 'circle', 'call': 'radon(image, theta, circle=True)',
             'geometry': {'rows': N, 'cols': N, 'anglesDeg': theta, 'detectorCount': s_circle.shape[0],
                          'detectorSpacing': 1, 'convention': 'skimage'},
             'image': nums(pc), 'sinogram': sino_rows(s_circle)},
            {'name': 'full', 'call': 'radon(image, theta, circle=False)',
             'geometry': {'rows': N, 'cols': N, 'anglesDeg': theta, 'detectorCount': s_full.shape[0],
                          'detectorSpacing': 1, 'convention': 'skimage'},
             'image': nums(pd), 'sinogram': sino_rows(s_full)},
            {'name': 'corners', 'call': 'radon(image on a 30x30 zero-bordered canvas, theta, circle=False)',
             'geometry': {'rows': N, 'cols': N, 'anglesDeg': theta, 'detectorCount': s_corners.shape[0],
                          'detectorSpacing': 1, 'convention': 'skimage'},
             'image': nums(pr), 'sinogram': sino_rows(s_corners)},
        ],
    })

    # --- SIRT --------------------------------------------------------------------------------
    cases = []
    runs = [('canvas', radon_canvas, 16, 100, 1.0, 0.0, None), ('canvas', radon_canvas, 8, 25, 1.5, None, None),
            ('canvas', radon_canvas, 16, 40, 1.0, 0.0, 0.6), ('bare', radon_bare, 8, 25, 1.5, None, None)]
    for kind, project, n_angles, iters, lam, lo, hi in runs:
        th = [i * 180.0 / n_angles for i in range(n_angles)]
        A = radon_matrix(th, project)
        sino = project(pd, th)
        p = np.asarray(sino).T.ravel()
        assert np.abs(A @ pd.ravel() - p).max() < 1e-9 * np.abs(p).max(), 'radon is not linear?'
        p = f32(p)  # the TS side gets this float32 sinogram
        x = sirt_numpy(A, p, iters, lam, -np.inf if lo is None else lo, np.inf if hi is None else hi)
        cases.append({
            'name': f'{kind}: {n_angles} angles, {iters} it, lambda {lam}, min {lo}, max {hi}', 'operator': kind,
            'geometry': {'rows': N, 'cols': N, 'anglesDeg': th, 'detectorCount': sino.shape[0],
                         'detectorSpacing': 1, 'convention': 'skimage'},
            'iterations': iters, 'relaxation': lam, 'min': lo, 'max': hi,
            'sinogram': nums(p), 'truth': nums(pd), 'result': nums(x),
        })
    write('sirt.json', {'provenance': provenance, 'operators': {
        'canvas': 'A[:, i] = radon(e_i on a 30x30 zero-bordered canvas, theta, circle=False)',
        'bare': 'A[:, i] = radon(e_i, theta, circle=False)'}, 'cases': cases})

    # --- metrics -----------------------------------------------------------------------------
    rng = np.random.default_rng(SEED)
    ref = pd
    pairs = [
        ('noisy', f32(np.clip(ref + 0.1 * rng.standard_normal(ref.shape), 0, 1)), ref, 1.0),
        ('shifted', f32(np.roll(ref, (1, -2), axis=(0, 1))), ref, 1.0),
        ('sirt', f32(np.array(cases[0]['result']).reshape(N, N)), ref, 1.0),
        ('circle vs digit', pc, ref, 1.0),
        ('range 2', f32(2 * ref - 1 + 0.2 * rng.standard_normal(ref.shape)), f32(2 * ref - 1), 2.0),
        ('20x32', f32(rng.random((20, 32))), f32(strokes([(3, 3), (16, 28)], 1.5, (20, 32))), 1.0),
    ]
    rows = []
    for name, x, y, L in pairs:
        rows.append({
            'name': name, 'rows': x.shape[0], 'cols': x.shape[1], 'dataRange': L,
            'image': nums(x), 'reference': nums(y),
            'mse': float(mean_squared_error(y, x)),
            'psnr': float(peak_signal_noise_ratio(y, x, data_range=L)),
            'ssim': float(structural_similarity(y, x, gaussian_weights=True, sigma=1.5,
                                                use_sample_covariance=False, data_range=L)),
        })
    write('metrics.json', {'provenance': provenance,
                           'ssim_call': 'structural_similarity(ref, x, gaussian_weights=True, sigma=1.5, '
                                        'use_sample_covariance=False, data_range=L)',
                           'cases': rows})


if __name__ == '__main__':
    main()
