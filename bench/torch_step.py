"""PyTorch's side of bench/train-steps.mjs: one workload's training step split into forward+backward and the
AdamW update, timed without a profiler (medians of 35 steps after 5). Same models as bench/torch_bench.py.
Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/torch_step.py --workload 1
"""
import argparse
import time

from torch_bench import training_setup

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('--workload', type=int, required=True)
p.add_argument('--threads', type=int, default=2)
a = p.parse_args()
model, x, y, loss_fn, opt = training_setup(a.workload, a.threads)
model.train()
fb, st, tot = [], [], []
for i in range(40):
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(x), y)
    loss.backward()
    t1 = time.perf_counter()
    opt.step()
    float(loss)
    t2 = time.perf_counter()
    if i >= 5:
        fb.append((t1 - t0) * 1e3)
        st.append((t2 - t1) * 1e3)
        tot.append((t2 - t0) * 1e3)


def median(v):
    return sorted(v)[len(v) // 2]


print(f'workload {a.workload}: forward+backward {median(fb):.2f} ms, AdamW {median(st):.2f} ms, step {median(tot):.2f} ms')
