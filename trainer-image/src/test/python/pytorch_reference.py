"""Writes the PyTorch values the trainer's AdamW and learning-rate schedule tests compare against.

Run with a python3 that has torch (Debian's python3-torch is enough) and commit the output, so that the
tests themselves never need PyTorch:

    /usr/bin/python3 trainer-image/src/test/python/pytorch_reference.py \
        > trainer-image/src/test/resources/pytorch/reference.json
"""
import json
import math
import sys

import torch


def schedule(peak, warmup, total):
    """The learning rate before each optimiser step 0..total, from torch's own schedulers."""
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([param], lr=peak)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=0.0)
    if warmup > 0:
        # LinearLR cannot start at exactly 0; 1e-9 of the peak is 0 within the tests' tolerance.
        linear = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1e-9, end_factor=1.0, total_iters=warmup)
        sched = torch.optim.lr_scheduler.SequentialLR(opt, [linear, cosine], milestones=[warmup])
    else:
        sched = cosine
    lrs = []
    for _ in range(total + 1):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return {"peak": peak, "warmupSteps": warmup, "totalSteps": total, "lr": lrs}


def adamw(weight_decay, lrs):
    """AdamW on two small parameters with fixed gradients, the learning rate changed before each step."""
    shapes = [[3, 4], [5]]
    initial = [[math.sin(0.37 * i + k) for i in range(math.prod(s))] for k, s in enumerate(shapes)]
    params = [torch.nn.Parameter(torch.tensor(v, dtype=torch.float32).reshape(s)) for v, s in zip(initial, shapes)]
    opt = torch.optim.AdamW(params, lr=lrs[0], weight_decay=weight_decay)
    steps = []
    for t, lr in enumerate(lrs):
        grads = [[math.cos(0.11 * (t + 1) * i + 0.5 * k) * (k + 1) for i in range(math.prod(s))]
                 for k, s in enumerate(shapes)]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=torch.float32).reshape(p.shape)
        opt.param_groups[0]["lr"] = lr
        opt.step()
        steps.append({"lr": lr, "gradients": grads, "params": [p.detach().flatten().tolist() for p in params]})
    state = [opt.state[p] for p in params]
    return {
        "weightDecay": weight_decay,
        "shapes": shapes,
        "initial": initial,
        "steps": steps,
        "finalStep": [int(s["step"]) for s in state],
        "expAvg": [s["exp_avg"].flatten().tolist() for s in state],
        "expAvgSq": [s["exp_avg_sq"].flatten().tolist() for s in state],
    }


def main():
    torch.set_default_dtype(torch.float32)
    json.dump({
        "torch": torch.__version__,
        "schedules": [schedule(0.001, 10, 50), schedule(0.01, 0, 20), schedule(0.1, 3, 4)],
        "adamw": [adamw(0.01, [0.0, 0.005, 0.01, 0.008, 0.004, 0.001]),
                  adamw(0.1, [0.1] * 8)],
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
