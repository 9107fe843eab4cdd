"""Writes the PyTorch reference fixtures for the gradient probes (internal covariate shift and loss landscape).

Usage: /tmp/tv/bin/python Tests/StudiesTests/Fixtures/make_gradient_fixtures.py
Seeded and single-threaded, so rerunning rewrites identical files. The tests never run Python;
they read the committed .safetensors files.

Reuses `deep_net` and `fashion_mnist_batch` from Tests/EngineTests/Fixtures/make_fixtures.py.

Files written into this folder, for each arm (`bn` = deep_net(bn=True, depth=3), `plain` = deep_net(bn=False, depth=3)):

probe_init_<arm>.safetensors   the model's initial state_dict() after torch.manual_seed(0), and nothing else
                               (keys as nn.Sequential names them, e.g. `0.weight`, `1.running_mean`;
                               BN `num_batches_tracked` is I64)

gradient_probes.safetensors    per arm, keys prefixed `bn.` / `plain.`:
  x0 [8,1,28,28] F32, y0 [8] I64   batch 0: Fashion-MNIST training images 0-7, (x/255 - 0.2860)/0.3530
  x1 [8,1,28,28] F32, y1 [8] I64   batch 1: training images 8-15 (x0..y1 are identical for both arms)
  loss [1]                         CrossEntropyLoss (mean) on batch 1 at W1 (train mode)
  grad_norm [1]                    ||g||, g = gradient of that loss over all parameters concatenated
  ics_relative [4]                 ||G_i - G'_i|| / ||G_i|| per weight layer (Conv2d, Conv2d, Conv2d, Linear)
  ics_cosine [4]                   cos(G_i, G'_i) per weight layer
  multipliers [5]                  m = 0.25, 0.5, 1, 2, 4 (step size s = m * lr)
  landscape_loss [5]               loss on batch 1 at W1 - s*g (train mode)
  landscape_grad_distance [5]      ||g - g'|| with g' the gradient at W1 - s*g, all parameters
  beta [1]                         max over k of ||g - g'_k|| / ||s_k * g||

Protocol: SGD(lr=0.05, momentum=0.9), CrossEntropyLoss; step 0 on batch 0 from the initial state gives W1
(and momentum buffers). G_i is the gradient of weight layer i's `weight` at W1 on batch 1. U is W1 after
one more optimizer step with g (momentum included). G'_i is the same gradient when the parameters of every
module before weight layer i in the Sequential are at U and the rest at W1 (Santurkar et al. 2018,
arXiv:1805.11604, section 2.2). Everything runs in float32; the final reductions (norms, cosines, ratios)
are computed in float64 and stored cast to float32.
"""
import copy
import json
import os
import struct
import sys

import torch
import torch.nn as nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'EngineTests', 'Fixtures'))
from make_fixtures import deep_net, fashion_mnist_batch  # noqa: E402
# (make_fixtures.save writes into its own folder, so the files here are written with save_file directly.)

LR, MOMENTUM, DEPTH = 0.05, 0.9, 3
MULTIPLIERS = [0.25, 0.5, 1.0, 2.0, 4.0]
ARMS = [(True, 'bn'), (False, 'plain')]


# MARK: - Helpers

def flat64(tensors):
    """All tensors concatenated, as one float64 vector (the reductions are done in float64)."""
    return torch.cat([t.detach().reshape(-1).double() for t in tensors])


def cosine(a, b):
    return float(torch.dot(a, b) / (a.norm() * b.norm()))


def loss_and_grads(net, x, y):
    """Train-mode forward/backward on (x, y); returns the loss and each parameter's gradient (float32 copies)."""
    net.train()
    net.zero_grad(set_to_none=True)
    loss = nn.CrossEntropyLoss()(net(x), y)
    loss.backward()
    return loss.detach().clone(), {k: p.grad.detach().clone() for k, p in net.named_parameters()}


def weight_layers(net):
    """Indices in the Sequential of the Conv2d and Linear modules, in order."""
    return [i for i, m in enumerate(net) if isinstance(m, (nn.Conv2d, nn.Linear))]


def sort_metadata(path):
    """Rewrites the header with `__metadata__` keys sorted: save_file emits them in hash order, so without this
    reruns would differ byte-wise (tensor data and offsets are untouched)."""
    with open(path, 'rb') as f:
        blob = f.read()
    n = struct.unpack('<Q', blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    header['__metadata__'] = dict(sorted(header['__metadata__'].items()))
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + blob[8 + n:])


# MARK: - Probes

def arm_case(bn, batches):
    (x0, y0), (x1, y1) = batches
    torch.manual_seed(0)
    net = deep_net(bn, depth=DEPTH)
    net.train()
    init = {k: v.detach().clone().contiguous() for k, v in net.state_dict().items()}

    # Step 0 on batch 0: W0 -> W1 (momentum buffers filled).
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    opt.zero_grad()
    nn.CrossEntropyLoss()(net(x0), y0).backward()
    opt.step()
    w1 = {k: p.detach().clone() for k, p in net.named_parameters()}

    # g at W1 on batch 1 (the probes below all run on copies).
    loss, g = loss_and_grads(net, x1, y1)
    names = list(g)
    g64 = flat64(g[k] for k in names)

    # U: one optimizer step from W1 with g, on a copy of model and optimizer state.
    net_u = copy.deepcopy(net)
    opt_u = torch.optim.SGD(net_u.parameters(), lr=LR, momentum=MOMENTUM)
    opt_u.load_state_dict(opt.state_dict())
    for k, p in net_u.named_parameters():
        p.grad = g[k].clone()
    opt_u.step()
    u = {k: p.detach().clone() for k, p in net_u.named_parameters()}
    assert all(torch.equal(p, w1[k]) for k, p in net.named_parameters()), 'original moved off W1'

    # Internal covariate shift per weight layer.
    layers = weight_layers(net)
    ics_rel, ics_cos = [], []
    for idx in layers:
        probe = copy.deepcopy(net)
        with torch.no_grad():
            for k, p in probe.named_parameters():
                p.copy_(u[k] if int(k.split('.')[0]) < idx else w1[k])
        _, g_shift = loss_and_grads(probe, x1, y1)
        G, Gs = flat64([g[f'{idx}.weight']]), flat64([g_shift[f'{idx}.weight']])
        ics_rel.append(float((G - Gs).norm() / G.norm()))
        ics_cos.append(cosine(G, Gs))

    # Loss landscape along -g.
    land_loss, land_dist, betas = [], [], []
    for m in MULTIPLIERS:
        s = m * LR
        probe = copy.deepcopy(net)
        with torch.no_grad():
            for k, p in probe.named_parameters():
                p.copy_(w1[k] - s * g[k])
        loss_s, g_s = loss_and_grads(probe, x1, y1)
        dist = float((g64 - flat64(g_s[k] for k in names)).norm())
        land_loss.append(float(loss_s))
        land_dist.append(dist)
        betas.append(dist / float((s * g64).norm()))

    f32 = lambda v: torch.tensor(v, dtype=torch.float64).reshape(-1).float()
    out = {'x0': x0, 'y0': y0, 'x1': x1, 'y1': y1,
           'loss': f32(float(loss)), 'grad_norm': f32(float(g64.norm())),
           'ics_relative': f32(ics_rel), 'ics_cosine': f32(ics_cos),
           'multipliers': f32(MULTIPLIERS),
           'landscape_loss': f32(land_loss), 'landscape_grad_distance': f32(land_dist),
           'beta': f32(max(betas))}
    return init, out, layers


KEYS = {
    'x0': '[8,1,28,28] F32 batch 0 = Fashion-MNIST train images 0-7, (x/255-0.2860)/0.3530 (same for both arms)',
    'y0': '[8] I64 labels of batch 0',
    'x1': '[8,1,28,28] F32 batch 1 = train images 8-15, same normalisation (same for both arms)',
    'y1': '[8] I64 labels of batch 1',
    'loss': '[1] CrossEntropyLoss (mean) on batch 1 at W1, train mode',
    'grad_norm': '[1] L2 norm of the batch-1 gradient g at W1 over all parameters concatenated',
    'ics_relative': '[4] per weight layer i: ||G_i - G_i\'|| / ||G_i|| (G_i\' with earlier modules at U)',
    'ics_cosine': '[4] per weight layer i: cos(G_i, G_i\')',
    'multipliers': '[5] m; step size s = m * lr',
    'landscape_loss': '[5] batch-1 loss at W1 - s*g, train mode',
    'landscape_grad_distance': '[5] ||g - g\'|| over all parameters, g\' the gradient at W1 - s*g',
    'beta': '[1] max over multipliers of ||g - g\'|| / ||s*g||',
}


if __name__ == '__main__':
    torch.set_num_threads(1)
    try:
        torch.use_deterministic_algorithms(True)
    except Exception as e:  # pragma: no cover
        print('deterministic algorithms unavailable:', e)

    x, y = fashion_mnist_batch(16)
    batches = ((x[:8].clone(), y[:8].clone()), (x[8:].clone(), y[8:].clone()))

    probes, layer_idx = {}, {}
    for bn, arm in ARMS:
        init, out, layers = arm_case(bn, batches)
        save_file(init, os.path.join(HERE, f'probe_init_{arm}.safetensors'))
        print(f'wrote probe_init_{arm}.safetensors: {len(init)} tensors')
        probes.update({f'{arm}.{k}': v for k, v in out.items()})
        layer_idx[arm] = layers
        print(f'--- {arm} (weight layers at Sequential indices {layers})')
        for k in ('loss', 'grad_norm', 'ics_relative', 'ics_cosine', 'landscape_loss',
                  'landscape_grad_distance', 'beta'):
            print(f'  {k:24s} {[round(v, 6) for v in out[k].tolist()]}')

    metadata = dict(
         lr=LR, momentum=MOMENTUM, depth=DEPTH, model='deep_net(bn, depth=3), torch.manual_seed(0)',
         optimizer='SGD(lr=0.05, momentum=0.9), step 0 on batch 0 gives W1; probes at W1 on batch 1',
         loss='CrossEntropyLoss (mean), train mode', arms='bn. = deep_net(bn=True), plain. = deep_net(bn=False)',
         weight_layer_indices_bn=layer_idx['bn'], weight_layer_indices_plain=layer_idx['plain'],
         precision='float32 compute; norms, cosines and ratios in float64, stored as float32',
         **{f'key.{k}': v for k, v in KEYS.items()})
    probes = {k: v.detach().contiguous().clone() for k, v in probes.items()}
    save_file(probes, os.path.join(HERE, 'gradient_probes.safetensors'),
              metadata={k: str(v) for k, v in metadata.items()})
    sort_metadata(os.path.join(HERE, 'gradient_probes.safetensors'))
    print(f'wrote gradient_probes.safetensors: {len(probes)} tensors')
