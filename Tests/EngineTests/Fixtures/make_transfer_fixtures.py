"""Writes the fine-tuning fixtures for TransferTests: frozen parameters, BatchNorm in eval mode while
the rest trains, a replaced head, and load_state_dict's strict and non-strict loading.

Usage: /tmp/tv/bin/python Tests/EngineTests/Fixtures/make_transfer_fixtures.py
Seeded, so rerunning rewrites identical files (torch 2.13 CPU).

The network is the seed's ConvNetWithBN (`Net` of make_fixtures.py). A "source" model is trained for
4 steps in training mode (so its BN running statistics are not the defaults), then its head is
replaced by a new 5-class `nn.Linear` (`model.fc = nn.Linear(1568, 5)`) and each scenario runs 3
SGD steps (lr 0.05, momentum 0.9, weight decay 1e-3, every parameter passed to the optimizer as
users do, zero_grad() setting grads to None) on the first 48 Fashion-MNIST training images in
batches of 16, labels mod 5:
  recipe           backbone frozen (requires_grad_(False)), model.train() then every BN .eval(): the deck's recipe
  bn_affine        only BN weight/bias and the head trainable, training mode (Frankle et al. 2020)
  frozen_bn_train  backbone frozen but BN left in training mode: its running statistics still move
  refreeze         everything trainable for step 1, then conv1 frozen for steps 2 and 3 (its momentum
                   buffer is kept and not applied: grad None skips the parameter)

transfer_steps.safetensors:
  x [48,1,28,28] F32, y [48] I64         the batches (y already mod 5)
  source.<state_dict key>               the source model (10-class head) after pretraining
  head.weight [5,1568], head.bias [5]   the new head's initial values
  <scenario>.loss [3]                   the loss at each step
  <scenario>.step3.<state_dict key>     the state after the third step
  <scenario>.grad.<parameter>           the gradients of the third step (absent where grad is None)

transfer_load.json: load_state_dict on a Net whose head has 5 classes:
  backbone_only: the source dict without fc.*, plus head.weight; strict raises (message), strict=False
                 returns missing_keys and unexpected_keys
  size_mismatch: the whole source dict (10-class fc), strict=False still raises (message)
  no_num_batches_tracked: the source dict without the BN num_batches_tracked keys (fc from the new
                 model), strict: loads, missing_keys empty, the buffers keep their values
"""
import json
import os
import sys

import torch
import torch.nn as nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import Net, fashion_mnist_batch  # noqa: E402

STEPS, BATCH = 3, 16


def state(prefix, net):
    return {prefix + k: v.detach().clone() for k, v in net.state_dict().items()}


def source_model(x, y):
    torch.manual_seed(0)
    net = Net(bn=True)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    net.train()
    for s in range(4):
        opt.zero_grad()
        nn.functional.cross_entropy(net(x[s * BATCH:(s + 1) * BATCH]), y[s * BATCH:(s + 1) * BATCH]).backward()
        opt.step()
    return net


def scenario(name, source, head, x, y):
    net = Net(bn=True)
    net.load_state_dict(source.state_dict())
    net.fc = nn.Linear(32 * 7 * 7, 5)
    net.fc.load_state_dict(head.state_dict())
    backbone = [net.conv1, net.bn1, net.conv2, net.bn2]
    net.train()
    if name in ('recipe', 'frozen_bn_train'):
        for m in backbone: m.requires_grad_(False)
    if name == 'recipe':
        for m in (net.bn1, net.bn2): m.eval()
    if name == 'bn_affine':
        for m in (net.conv1, net.conv2): m.requires_grad_(False)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
    losses, out = [], {}
    for s in range(STEPS):
        if name == 'refreeze' and s == 1:
            net.conv1.requires_grad_(False)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x[s * BATCH:(s + 1) * BATCH]), y[s * BATCH:(s + 1) * BATCH])
        loss.backward()
        losses.append(loss.item())
        opt.step()
    out[f'{name}.loss'] = torch.tensor(losses, dtype=torch.float32)
    out.update(state(f'{name}.step3.', net))
    out.update({f'{name}.grad.{k}': p.grad.clone() for k, p in net.named_parameters() if p.grad is not None})
    if name == 'recipe':
        assert all(torch.equal(a, b) for a, b in zip(net.bn1.running_mean, source.bn1.running_mean))
    return out


def load_cases(source):
    def message(f):
        try:
            f()
            return None
        except RuntimeError as e:
            return str(e)

    src = {k: v.clone() for k, v in source.state_dict().items()}
    cases = {}
    backbone = {k: v for k, v in src.items() if not k.startswith('fc.')}
    backbone['head.weight'] = torch.zeros(5, 1568)
    target = Net(bn=True); target.fc = nn.Linear(1568, 5)
    strict_error = message(lambda: target.load_state_dict(backbone))
    target = Net(bn=True); target.fc = nn.Linear(1568, 5)
    keys = target.load_state_dict(backbone, strict=False)
    assert torch.equal(target.conv1.weight, src['conv1.weight'])
    cases['backbone_only'] = dict(strict_error=strict_error, missing_keys=keys.missing_keys,
                                  unexpected_keys=keys.unexpected_keys)
    target = Net(bn=True); target.fc = nn.Linear(1568, 5)
    cases['size_mismatch'] = dict(error=message(lambda: target.load_state_dict(src, strict=False)))
    target = Net(bn=True); target.fc = nn.Linear(1568, 5)
    target.bn1.num_batches_tracked.fill_(7)
    no_nbt = {k: v for k, v in src.items() if not k.endswith('num_batches_tracked') and not k.startswith('fc.')}
    no_nbt.update({'fc.' + k: v for k, v in target.fc.state_dict().items()})
    keys = target.load_state_dict(no_nbt)
    cases['no_num_batches_tracked'] = dict(missing_keys=keys.missing_keys, unexpected_keys=keys.unexpected_keys,
                                           bn1_num_batches_tracked=int(target.bn1.num_batches_tracked),
                                           bn2_num_batches_tracked=int(target.bn2.num_batches_tracked),
                                           source_num_batches_tracked=int(src['bn1.num_batches_tracked']))
    return cases


def main():
    x, y = fashion_mnist_batch(4 * BATCH)
    y = y % 5
    source = source_model(x, y)            # pretrained on the 64 images
    x, y = x[:STEPS * BATCH], y[:STEPS * BATCH]
    torch.manual_seed(1)
    head = nn.Linear(32 * 7 * 7, 5)
    out = {'x': x, 'y': y, 'head.weight': head.weight.detach().clone(), 'head.bias': head.bias.detach().clone()}
    out.update(state('source.', source))
    for name in ('recipe', 'bn_affine', 'frozen_bn_train', 'refreeze'):
        out.update(scenario(name, source, head, x, y))
    save_file({k: v.contiguous() for k, v in out.items()}, os.path.join(HERE, 'transfer_steps.safetensors'),
              metadata={'torch': torch.__version__, 'steps': str(STEPS)})
    with open(os.path.join(HERE, 'transfer_load.json'), 'w') as f:
        json.dump(load_cases(source), f, indent=1, sort_keys=True)
        f.write('\n')
    print(f'wrote transfer_steps.safetensors ({len(out)} tensors) and transfer_load.json (torch {torch.__version__})')


if __name__ == '__main__':
    main()
