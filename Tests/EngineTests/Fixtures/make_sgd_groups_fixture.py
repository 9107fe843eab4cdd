"""Writes sgd_param_groups.safetensors: torch.optim.SGD with two parameter groups whose
hyper-parameters change between steps, for SGDTests.

Usage: /tmp/tv/bin/python Tests/EngineTests/Fixtures/make_sgd_groups_fixture.py
Seeded, so rerunning rewrites an identical file.

Group 0 holds p0 [2,3] (momentum with dampening, weight decay), group 1 holds p1 [4] and
p2 [3] (Nesterov, other weight decay). Group 0's lr and group 1's momentum change between steps.
  init.p<k>               the parameters before the first step
  hyper<s>                [2, 5] F32: per group, lr, momentum, dampening, weight_decay, nesterov (0/1),
                          as set before step s (1-based)
  grad<s>.p<k>            the gradient given to step s
  step<s>.p<k>            the parameters after step s
"""
import os

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 4
# group 0's lr and group 1's momentum before each step
LR0 = [0.1, 0.05, 0.2, 0.2]
MOMENTUM1 = [0.5, 0.8, 0.8, 0.3]
KEYS = ['lr', 'momentum', 'dampening', 'weight_decay', 'nesterov']


def main():
    torch.manual_seed(3)
    params = [torch.randn(2, 3), torch.randn(4), torch.randn(3)]
    params = [torch.nn.Parameter(p) for p in params]
    out = {f'init.p{k}': p.detach().clone() for k, p in enumerate(params)}
    opt = torch.optim.SGD([
        dict(params=[params[0]], lr=LR0[0], momentum=0.9, dampening=0.1, weight_decay=0.01),
        dict(params=[params[1], params[2]], lr=0.05, momentum=MOMENTUM1[0], weight_decay=0.001, nesterov=True),
    ], lr=0.01)
    for s in range(1, STEPS + 1):
        opt.param_groups[0]['lr'] = LR0[s - 1]
        opt.param_groups[1]['momentum'] = MOMENTUM1[s - 1]
        out[f'hyper{s}'] = torch.tensor([[float(g[k]) for k in KEYS] for g in opt.param_groups], dtype=torch.float32)
        for k, p in enumerate(params):
            p.grad = torch.randn(p.shape)
            out[f'grad{s}.p{k}'] = p.grad.clone()
        opt.step()
        out.update({f'step{s}.p{k}': p.detach().clone() for k, p in enumerate(params)})
    save_file({k: v.contiguous() for k, v in out.items()}, os.path.join(HERE, 'sgd_param_groups.safetensors'),
              metadata={'torch': torch.__version__, 'steps': str(STEPS)})
    print(f'wrote sgd_param_groups.safetensors: {len(out)} tensors (torch {torch.__version__})')


if __name__ == '__main__':
    main()
