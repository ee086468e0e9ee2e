"""PyTorch twins of the rows of scripts/bench.ts, measured the same way; prints one JSON line.

Same architectures (FCNN-k with SELU after every Linear, the inversion CNN, ViT-tiny blocks with a
hand-written attention like lib/models/vit.ts), same batches (64 for training with Adam 1e-3, 256
for inference), the same CE + TV inversion loop on 10 images and the same Levenberg-Marquardt
iteration (J by autodiff over 10 copies of x, delta = J^T (J J^T + mu I)^-1 r).
Usage: python3 scripts/bench_torch.py --threads 2 [--quick] [--rows m1.train,cnn.infer,...]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

TRAIN_BATCH = 64
INFER_BATCH = 256
VIT_DEPTH = 4


def fcnn(layers, width=784):
    mods = [nn.Flatten()]
    for i in range(layers):
        mods += [nn.Linear(784 if i == 0 else width, 10 if i == layers - 1 else width), nn.SELU()]
    return nn.Sequential(*mods)


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(dim, eps=1e-6), nn.LayerNorm(dim, eps=1e-6)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.fc1, self.fc2 = nn.Linear(dim, mlp), nn.Linear(mlp, dim)

    def forward(self, x):
        n, t, d = x.shape
        hd = d // self.heads
        q, k, v = self.qkv(self.ln1(x)).reshape(n, t, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(n, t, d))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Vit(nn.Module):
    def __init__(self, patch=4, dim=192, depth=VIT_DEPTH, heads=3, mlp=768, classes=10):
        super().__init__()
        self.patch, self.side = patch, 28 // patch
        self.embed = nn.Linear(patch * patch, dim)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, self.side * self.side + 1, dim) * 0.02)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp) for _ in range(depth)])
        self.ln = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        n, p, s = x.shape[0], self.patch, self.side
        x = x.reshape(n, s, p, s, p).permute(0, 1, 3, 2, 4).reshape(n, s * s, p * p)
        h = torch.cat([self.cls.expand(n, -1, -1), self.embed(x)], 1) + self.pos
        for b in self.blocks:
            h = b(h)
        return self.head(self.ln(h)[:, 0])


MODELS = {'m1': lambda: fcnn(2), 'fcnn6': lambda: fcnn(6), 'cnn': cnn, 'vit': Vit}


CPU_RATES = []


def rate(step, warmup, seconds, min_steps=2):
    """Best of 3 windows of seconds/3 each (as in bench.ts: the least disturbed window counts).
    Also records steps per (process CPU second / threads): the rate if every thread had a core."""
    for _ in range(warmup):
        step()
    best = best_cpu = 0.0
    threads = torch.get_num_threads()
    for _ in range(3):
        t0, c0, n = time.perf_counter(), time.process_time(), 0
        while n < min_steps or time.perf_counter() - t0 < seconds / 3:
            step()
            n += 1
        best = max(best, n / (time.perf_counter() - t0))
        best_cpu = max(best_cpu, n / ((time.process_time() - c0) / threads))
    CPU_RATES.append(best_cpu)
    return best


def batch(n):
    return torch.rand(n, 1, 28, 28), torch.randint(0, 10, (n,))


def train_rate(make, seconds):
    net = make()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    x, y = batch(TRAIN_BATCH)

    def step():
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()
    return rate(step, 3, seconds) * TRAIN_BATCH


def infer_rate(make, seconds):
    net = make().eval()
    x, _ = batch(INFER_BATCH)

    def step():
        with torch.no_grad():
            net(x)
    return rate(step, 2, seconds) * INFER_BATCH


def tv(x):
    # lib/inverters/priors.ts tvPrior: summed per image, mean over the batch
    return (((x[:, :, 1:, :] - x[:, :, :-1, :]) ** 2).sum() + ((x[:, :, :, 1:] - x[:, :, :, :-1]) ** 2).sum()) / x.shape[0]


def inversion_rate(seconds):
    net = cnn()
    for p in net.parameters():
        p.requires_grad_(False)
    x = torch.rand(10, 1, 28, 28, requires_grad=True)
    target = torch.arange(10)
    opt = torch.optim.Adam([x], 0.05)

    def step():
        opt.zero_grad()
        (F.cross_entropy(net(x), target) + 0.01 * tv(x)).backward()
        opt.step()
    return rate(step, 2, seconds)


def lm_rate(seconds):
    """One LM iteration as scripts/bench.ts runs it: an accepted trial's residual is the next r."""
    net = fcnn(2)
    for p in net.parameters():
        p.requires_grad_(False)
    target = F.one_hot(torch.tensor([7]), 10).float()
    eye = torch.eye(10)
    probs = lambda t: torch.softmax(net(t), -1)
    residual = lambda t: (target - probs(t)).reshape(10, 1)
    x = torch.rand(1, 1, 28, 28)
    with torch.no_grad():
        r = residual(x)
    state = {'x': x, 'mu': 1e-2, 'r': r, 'err': float((r ** 2).sum())}

    def step():
        xs = state['x'].repeat(10, 1, 1, 1).requires_grad_(True)
        (jac,) = torch.autograd.grad((probs(xs) * eye).sum(), xs)
        jac = jac.reshape(10, 784)
        with torch.no_grad():
            z = torch.linalg.solve(jac @ jac.T + state['mu'] * eye, state['r'])
            trial = state['x'] + (z.T @ jac).reshape(1, 1, 28, 28)
            rt = residual(trial)
            e = float((rt ** 2).sum())
        if e < state['err']:
            state.update(x=trial, r=rt, err=e, mu=max(state['mu'] / 3, 1e-7))
        else:
            state['mu'] *= 2
    return rate(step, 2, seconds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--rows', default='')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    seconds = 3.0 if a.quick else 6.0
    keys = [k for k in a.rows.split(',') if k] or [f'{m}.{k}' for m in MODELS for k in ('infer', 'train')] + ['invert', 'lm']
    rows, per_cpu = {}, {}
    for key in keys:
        model, _, kind = key.partition('.')
        scale = TRAIN_BATCH if kind == 'train' else INFER_BATCH if kind == 'infer' else 1
        if key == 'invert':
            rows[key] = inversion_rate(seconds)
        elif key == 'lm':
            rows[key] = lm_rate(seconds)
        elif model in MODELS and kind == 'train':
            rows[key] = train_rate(MODELS[model], seconds)
        elif model in MODELS and kind == 'infer':
            rows[key] = infer_rate(MODELS[model], seconds)
        else:
            rows[key] = per_cpu[key] = None  # no PyTorch twin (e.g. the DDPM UNet)
            continue
        per_cpu[key] = CPU_RATES.pop() * scale
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'rows': rows, 'perCpuSecond': per_cpu}))


if __name__ == '__main__':
    main()
