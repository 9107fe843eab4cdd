"""Checks checkpoint interoperability between bnlab and PyTorch (run by hand; tests never need Python).

  python check_interop.py BNLAB.safetensors LOGITS.safetensors
      Loads a checkpoint written by `bnlab train --save` into the PyTorch class of its architecture
      (safetensors.torch.load_file + load_state_dict, strict) and compares its eval-mode logits with
      the ones `bnlab eval --load BNLAB.safetensors --logits LOGITS.safetensors` wrote.
  python check_interop.py --write-torch-fixture
      Writes Tests/StudiesTests/Fixtures/torch_convnet_bn.safetensors (a state_dict saved by PyTorch, no bnlab metadata) and
      torch_convnet_bn_logits.safetensors (16 test images and their eval-mode logits) for the Swift
      test that loads a PyTorch-written checkpoint.
"""
import json
import os
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import Net, deep_net, fashion_mnist_batch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STUDIES_FIXTURES = os.path.join(HERE, '..', '..', 'StudiesTests', 'Fixtures')


def model_for(meta):
    spec = json.loads(meta['bnlab.spec'])
    c, h, _ = spec['inputShape']
    family = spec['family']
    if family in ('convnet-bn', 'convnet'):
        return Net(bn=family == 'convnet-bn', c=c, hw=h)
    if family == 'deep' and spec['norm'] in ('batch', 'none'):
        return deep_net(spec['norm'] == 'batch', spec['depth'])
    raise SystemExit(f'no PyTorch class here for {family} norm={spec.get("norm")}')


def compare(ckpt, logits_file):
    with safe_open(ckpt, 'pt') as f:
        meta = f.metadata()
    net = model_for(meta)
    net.load_state_dict(load_file(ckpt), strict=True)
    net.eval()
    ref = load_file(logits_file)
    with torch.no_grad():
        out = net(ref['images'])
    diff = (out - ref['logits']).abs().max().item()
    print(f'model={meta["bnlab.model"]} images={len(out)} max_abs_logit_diff={diff:.3g} '
          f'argmax_agree={(out.argmax(1) == ref["logits"].argmax(1)).float().mean().item():.4f}')
    sys.exit(0 if diff <= 1e-4 else 1)


def write_torch_fixture():
    torch.manual_seed(1)
    net = Net(bn=True)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    x, y = fashion_mnist_batch(256)
    net.train()
    for i in range(5):  # a few steps so running statistics and weights are not at their initial values
        xb, yb = x[i * 48:(i + 1) * 48], y[i * 48:(i + 1) * 48]
        opt.zero_grad(); torch.nn.functional.cross_entropy(net(xb), yb).backward(); opt.step()
    save_file(net.state_dict(), os.path.join(STUDIES_FIXTURES, 'torch_convnet_bn.safetensors'))
    net.eval()
    with torch.no_grad():
        xs = x[-16:]
        save_file({'images': xs.contiguous(), 'logits': net(xs)}, os.path.join(STUDIES_FIXTURES, 'torch_convnet_bn_logits.safetensors'))


if __name__ == '__main__':
    if sys.argv[1:] == ['--write-torch-fixture']:
        write_torch_fixture()
    else:
        compare(*sys.argv[1:3])
