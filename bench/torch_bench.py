"""PyTorch CPU reference for the mlp-blocks benchmark suite (bench/suite.mjs, implementation c).

The four workloads of bench/workloads.mjs in plain torch.nn, batch 128, float32, torch.optim.AdamW
(lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.01). One workload per process, so the peak RSS is its
own; prints one JSON line. Run: /usr/bin/python3 bench/torch_bench.py --workload 1 --threads 2
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

BATCH = 128


class ResidualBlock(nn.Module):
    """z + up(relu(down(bn(z)))): batch norm without affine, no biases (the authors' block)."""

    def __init__(self, width, hidden):
        super().__init__()
        self.norm = nn.BatchNorm1d(width, affine=False)
        self.down = nn.Linear(width, hidden, bias=False)
        self.up = nn.Linear(hidden, width, bias=False)

    def forward(self, z):
        return z + self.up(F.relu(self.down(self.norm(z))))


class ResidualMlp(nn.Module):
    """lift ▶ blocks ▶ head (no bias, sigmoid). A fixed lift is a frozen buffer, not a parameter."""

    def __init__(self, d_in, d_out, width, hidden, fixed_lift):
        super().__init__()
        if fixed_lift:
            bound = d_in ** -0.5
            self.register_buffer('lift_matrix', torch.empty(d_in, width).uniform_(-bound, bound))
            self.lift = None
        else:
            self.lift = nn.Linear(d_in, width, bias=False)
        self.blocks = nn.Sequential(*[ResidualBlock(width, h) for h in hidden])
        self.head = nn.Linear(width, d_out, bias=False)

    def forward(self, x):
        z = x @ self.lift_matrix if self.lift is None else self.lift(x)
        return torch.sigmoid(self.head(self.blocks(z)))


class GmlpBlock(nn.Module):
    """x + V·(Z1 ⊙ (W·LN(Z2) + b)), [Z1 | Z2] = gelu(U·LN(x)) (timm's gMLP epsilons)."""

    def __init__(self, d, ffn, tokens):
        super().__init__()
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.proj_in = nn.Linear(d, ffn)
        self.sgu_norm = nn.LayerNorm(ffn // 2, eps=1e-5)
        self.spatial = nn.Linear(tokens, tokens)
        self.proj_out = nn.Linear(ffn // 2, d)

    def forward(self, x):
        u, v = F.gelu(self.proj_in(self.norm(x))).chunk(2, dim=-1)
        v = self.spatial(self.sgu_norm(v).transpose(1, 2)).transpose(1, 2)
        return x + self.proj_out(u * v)


class MixerBlock(nn.Module):
    """Token mixing (hidden D_S) then channel mixing (hidden D_C), pre-norm, residual."""

    def __init__(self, c, tokens, d_s, d_c):
        super().__init__()
        self.norm1 = nn.LayerNorm(c, eps=1e-6)
        self.token_fc1 = nn.Linear(tokens, d_s)
        self.token_fc2 = nn.Linear(d_s, tokens)
        self.norm2 = nn.LayerNorm(c, eps=1e-6)
        self.channel_fc1 = nn.Linear(c, d_c)
        self.channel_fc2 = nn.Linear(d_c, c)

    def forward(self, x):
        h = self.token_fc2(F.gelu(self.token_fc1(self.norm1(x).transpose(1, 2)))).transpose(1, 2)
        u = x + h
        return u + self.channel_fc2(F.gelu(self.channel_fc1(self.norm2(u))))


class Classifier(nn.Module):
    """patch embedding (stride = kernel conv) ▶ blocks ▶ LayerNorm ▶ mean over tokens ▶ linear logits."""

    def __init__(self, channels, patch, d, blocks, classes):
        super().__init__()
        self.stem = nn.Conv2d(channels, d, patch, stride=patch)
        self.blocks = nn.Sequential(*blocks)
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, classes)

    def forward(self, images):
        x = self.stem(images).flatten(2).transpose(1, 2)
        return self.head(self.norm(self.blocks(x)).mean(dim=1))


def workload(wid):
    """(model, input shape of one example NCHW-style, loss name, outputs) of a workload id."""
    if wid == 1:
        return ResidualMlp(784, 784, 1150, [115] * 10, True), [784], 'mse', 784
    if wid == 2:
        return ResidualMlp(784, 784, 784, [1150] * 2, False), [784], 'mse', 784
    if wid == 3:
        return Classifier(1, 4, 128, [GmlpBlock(128, 768, 49) for _ in range(6)], 10), [1, 28, 28], 'ce', 10
    if wid == 4:
        return Classifier(3, 4, 128, [MixerBlock(128, 64, 64, 512) for _ in range(8)], 10), [3, 32, 32], 'ce', 10
    raise SystemExit(f'torch_bench.py: --workload must be 1, 2, 3 or 4, received {wid}')


def training_setup(wid, threads):
    """(model, x, y, loss function, AdamW) of a workload, seeded, with torch on `threads` threads."""
    torch.set_num_threads(threads)  # Debian's torch defaults to one thread here
    torch.manual_seed(0)
    model, shape, loss_name, outputs = workload(wid)
    x = torch.rand(BATCH, *shape)
    y = torch.rand(BATCH, outputs) if loss_name == 'mse' else torch.randint(0, outputs, (BATCH,))
    loss_fn = F.mse_loss if loss_name == 'mse' else F.cross_entropy
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    return model, x, y, loss_fn, opt


def positive(name):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f'--{name} must be a positive integer, received {text!r}')
        return value
    return parse


def timed(fn, windows, steps):
    rates = []
    for _ in range(windows):
        t0 = time.perf_counter()
        for _ in range(steps):
            fn()
        rates.append(steps * BATCH / (time.perf_counter() - t0))
    return {'windows': [round(r, 1) for r in rates], 'samplesPerSecond': round(statistics.median(rates), 1)}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--workload', type=positive('workload'), required=True)
    p.add_argument('--threads', type=positive('threads'), default=2)
    p.add_argument('--windows', type=positive('windows'), default=5)
    p.add_argument('--steps', type=positive('steps'), default=10)
    p.add_argument('--warmup', type=positive('warmup'), default=3)
    a = p.parse_args()

    model, x, y, loss_fn, opt = training_setup(a.workload, a.threads)

    def train():
        model.train()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()  # read back each step, as the tfjs implementations do

    def infer():
        model.eval()
        with torch.no_grad():
            float(model(x)[0, 0])

    for _ in range(a.warmup):
        train()
    for _ in range(a.warmup):
        infer()
    result = {
        'workload': a.workload, 'impl': 'c', 'backend': 'torch-cpu', 'threads': torch.get_num_threads(),
        'torch': torch.__version__,
        'trainable': sum(p.numel() for p in model.parameters() if p.requires_grad),
        'notes': ['patch embedding as Conv2d(stride = kernel)'] if a.workload >= 3 else [],
        'windowsCount': a.windows, 'steps': a.steps, 'warmup': a.warmup,
        'train': timed(train, a.windows, a.steps),
        'infer': timed(infer, a.windows, a.steps),
        # ru_maxrss is in KiB on Linux.
        'peakRssMiB': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
