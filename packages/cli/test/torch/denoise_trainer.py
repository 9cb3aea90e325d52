#!/usr/bin/env python3
"""An independent PyTorch trainer of the Hourglass paper's MNIST denoising protocol, the standing cross-check of
`mlp-blocks train` (test/torch-crosscheck.test.ts). Written from the paper and the authors' model code, sharing no
code with mlp-blocks: it reads the MNIST IDX files itself, splits 60k into 50k train / 10k eval with
numpy.random.RandomState(seed).permutation as the authors do, and trains

    z0 = W_in x;  z_{i+1} = z_i + W_up ReLU(W_down BN(z_i));  y = sigmoid(W_out z_L)      (no biases, BN affine=False)

with AdamW (betas 0.9/0.999, eps 1e-8, weight decay 0.01), the learning rate decaying linearly to 0 over training,
inputs clamp(x + sigma N(0, 1), 0, 1) with fresh noise every step, batch 128 (a trailing batch of one is skipped,
as batch norm needs two), MSE loss. After each epoch it scores the eval split (noise fixed per example) with the
paper's PSNR: 10 log10(1 / batch MSE) averaged over batches weighted by their size.

Prints one JSON object: {"evalPsnr": [per epoch], "seconds": s}. Runs under Debian's python3-torch:
    /usr/bin/python3 denoise_trainer.py --mnist DIR --epochs 2 --limit 10000
"""
import argparse
import json
import math
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], 'big')
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Block(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.norm = nn.BatchNorm1d(width, affine=False)
        self.down = nn.Linear(width, hidden, bias=False)
        self.up = nn.Linear(hidden, width, bias=False)

    def forward(self, z):
        return z + self.up(torch.relu(self.down(self.norm(z))))


class Hourglass(nn.Module):
    def __init__(self, d_in, width, hidden, depth, d_out):
        super().__init__()
        self.lift = nn.Linear(d_in, width, bias=False)
        self.blocks = nn.Sequential(*[Block(width, hidden) for _ in range(depth)])
        self.head = nn.Linear(width, d_out, bias=False)

    def forward(self, x):
        return torch.sigmoid(self.head(self.blocks(self.lift(x))))


def psnr_of_batches(model, x, noisy, batch):
    model.eval()
    total, weight = 0.0, 0
    with torch.no_grad():
        for start in range(0, x.shape[0], batch):
            out = model(noisy[start:start + batch])
            mse = torch.mean((out - x[start:start + batch]) ** 2).item()
            n = out.shape[0]
            total += n * 10 * math.log10(1 / mse)
            weight += n
    model.train()
    return total / weight


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--mnist', required=True, help='directory with train-images-idx3-ubyte')
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--limit', type=int, default=None, help='train on the first N examples of the training split')
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--weight-decay', type=float, default=0.01)
    p.add_argument('--sigma', type=float, default=0.25)
    p.add_argument('--width', type=int, default=785)
    p.add_argument('--bottleneck', type=int, default=115)
    p.add_argument('--depth', type=int, default=4)
    p.add_argument('--split-seed', type=int, default=42)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    images = read_idx(f'{a.mnist}/train-images-idx3-ubyte').reshape(60000, 784).astype(np.float32) / 255.0
    perm = np.random.RandomState(a.split_seed).permutation(60000)
    train_idx, eval_idx = perm[:50000], perm[50000:]
    if a.limit is not None:
        train_idx = train_idx[:a.limit]
    x_train = torch.from_numpy(images[train_idx])
    x_eval = torch.from_numpy(images[eval_idx])
    gen = torch.Generator().manual_seed(a.seed + 1)
    eval_noisy = torch.clamp(x_eval + a.sigma * torch.randn(x_eval.shape, generator=gen), 0, 1)

    model = Hourglass(784, a.width, a.bottleneck, a.depth, 784)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=a.weight_decay)
    n = x_train.shape[0]
    steps_per_epoch = sum(1 for s in range(0, n, a.batch) if min(a.batch, n - s) > 1)
    total = steps_per_epoch * a.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: max(0.0, 1 - t / total))
    loss_fn = nn.MSELoss()
    evals = []
    t0 = time.time()
    for epoch in range(a.epochs):
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, a.batch):
            idx = order[start:start + a.batch]
            if idx.shape[0] < 2:
                continue
            clean = x_train[idx]
            noisy = torch.clamp(clean + a.sigma * torch.randn(clean.shape, generator=gen), 0, 1)
            opt.zero_grad()
            loss = loss_fn(model(noisy), clean)
            loss.backward()
            opt.step()
            sched.step()
        evals.append(psnr_of_batches(model, x_eval, eval_noisy, a.batch))
    print(json.dumps({'evalPsnr': evals, 'seconds': time.time() - t0, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
