"""Where PyTorch's time goes in one workload's inference (or training step): torch.profiler over warm calls,
operators grouped by name, self CPU time per call. The counterpart of bench/profile-step.mjs for implementation (c).
Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/torch_profile.py --workload 3 --threads 1 [--train]
"""
import argparse

import torch
from torch.profiler import ProfilerActivity, profile

from torch_bench import training_setup

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('--workload', type=int, required=True)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--steps', type=int, default=5)
p.add_argument('--train', action='store_true')
a = p.parse_args()
model, x, y, loss_fn, opt = training_setup(a.workload, a.threads)


def once():
    if a.train:
        model.train()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
    else:
        model.eval()
        with torch.no_grad():
            float(model(x)[0, 0])


for _ in range(3):
    once()
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(a.steps):
        once()
rows = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
total = sum(e.self_cpu_time_total for e in rows)
print(f'workload {a.workload} {"training step" if a.train else "inference"}, {a.threads} thread(s): '
      f'{total / a.steps / 1000:.1f} ms/call of operator self time')
for e in rows[:14]:
    print(f'  {e.key:<32} {e.self_cpu_time_total / a.steps / 1000:8.2f} ms/call {100 * e.self_cpu_time_total / total:5.1f}%  ×{e.count // a.steps}')
