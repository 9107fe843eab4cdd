"""Writes the PyTorch reference fixtures that EngineTests compares against.

Usage: /tmp/tv/bin/python Tests/EngineTests/Fixtures/make_fixtures.py
Every random draw is seeded, so rerunning rewrites identical files. The tests never run Python;
they read the committed .safetensors files from the test bundle.

Also importable (`from make_fixtures import Net, deep_net, fashion_mnist_batch`) for
checkpoint-interop checks (`ConvNet` is an alias of `Net`).

convnet_bn_step.safetensors (ConvNet with BN, torch.manual_seed(0), SGD lr 0.1, momentum 0.9,
weight decay 5e-4, CrossEntropyLoss, training mode, the same batch twice):
  x [16,1,28,28] F32, y [16] I64        first 16 Fashion-MNIST training images, (x/255 - 0.2860)/0.3530
  init.<state_dict key>                 initial parameters and BN buffers (num_batches_tracked I64)
  logits, loss                          step-1 forward (loss is a scalar, shape [])
  grad.<parameter name>                 step-1 gradients (e.g. grad.conv1.weight)
  step1.<state_dict key>                state after the first optimizer step
  logits2, loss2, grad2.<parameter>     step-2 forward/backward, from the step-1 state
  step2.<state_dict key>                state after the second step (momentum buffers matter)
"""
import gzip
import os

import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
FMNIST = '/usr/share/datasets/fashion-mnist/'


# MARK: - Model definitions (importable)

class Net(nn.Module):
    """The seed's ConvNet / ConvNetWithBN, exactly as in anchors/torch_convnet_bench.py."""

    def __init__(self, bn=True, c=1, hw=28):
        super().__init__()
        self.conv1 = nn.Conv2d(c, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16) if bn else nn.Identity()
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32) if bn else nn.Identity()
        self.fc = nn.Linear(32 * (hw // 4) ** 2, 10)
        self.relu = nn.ReLU(); self.pool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))
        x = self.pool(self.relu(self.bn2(self.conv2(x))))
        return self.fc(x.flatten(1))


ConvNet = Net


def deep_net(bn, depth):
    """The `deep` CNN of anchors/torch_lr_sweep.py (`net`): conv-[bn]-relu blocks, pool after the first two."""
    L, c = [], 1
    widths = [16, 32] + [32] * (depth - 2)
    for i, w in enumerate(widths):
        L += [nn.Conv2d(c, w, 3, padding=1)] + ([nn.BatchNorm2d(w)] if bn else []) + [nn.ReLU()]
        if i < 2: L += [nn.MaxPool2d(2)]
        c = w
    return nn.Sequential(*L, nn.Flatten(), nn.Linear(32 * 7 * 7, 10))


def fashion_mnist_batch(n=16, mean=0.2860, std=0.3530):
    """The first n training images scaled to [0, 1] and standardised, with their int64 labels."""
    imgs = np.frombuffer(gzip.open(FMNIST + 'train-images-idx3-ubyte.gz').read(), np.uint8, offset=16)
    labs = np.frombuffer(gzip.open(FMNIST + 'train-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)
    x = torch.from_numpy(imgs[:n * 784].reshape(n, 1, 28, 28).astype(np.float32)) / 255
    return (x - mean) / std, torch.from_numpy(labs[:n].astype(np.int64))


# MARK: - Helpers

def save(name, tensors, **metadata):
    tensors = {k: v.detach().contiguous().clone() for k, v in tensors.items()}
    save_file(tensors, os.path.join(HERE, name), metadata={k: str(v) for k, v in metadata.items()})
    print(f'wrote {name}: {len(tensors)} tensors')


def snap(tensors):
    """Copies now: buffers and grads are updated in place later."""
    return {k: v.detach().clone() for k, v in tensors.items()}


def state(prefix, module):
    return {f'{prefix}{k}': v for k, v in module.state_dict().items()}


# MARK: - BatchNorm

def batchnorm_case(kind, shape, momentum, seed):
    """Two training steps (forward + backward), then an eval forward; plus a momentum=None run."""
    g = torch.Generator().manual_seed(seed)
    C = shape[1]
    bn = kind(C, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(1 + 0.5 * torch.randn(C, generator=g))
        bn.bias.copy_(0.3 * torch.randn(C, generator=g))
    out = snap({'weight': bn.weight, 'bias': bn.bias})
    bn.train()
    for step in (1, 2):
        # non-zero mean, non-unit scale, differing per channel
        cshape = [1, C] + [1] * (len(shape) - 2)
        x = (torch.randn(shape, generator=g) * (0.5 + torch.rand(cshape, generator=g) * 3)
             + torch.randn(cshape, generator=g) * 2).requires_grad_()
        dy = torch.randn(shape, generator=g)
        bn.weight.grad = None; bn.bias.grad = None
        y = bn(x)
        y.backward(dy)
        out.update(snap({f'step{step}.x': x, f'step{step}.grad_out': dy, f'step{step}.y': y,
                    f'step{step}.grad_input': x.grad, f'step{step}.grad_weight': bn.weight.grad,
                    f'step{step}.grad_bias': bn.bias.grad,
                    f'step{step}.running_mean': bn.running_mean, f'step{step}.running_var': bn.running_var,
                    f'step{step}.num_batches_tracked': bn.num_batches_tracked}))
    bn.eval()
    x = (torch.randn(shape, generator=g) * 2 + 1).requires_grad_()
    dy = torch.randn(shape, generator=g)
    bn.weight.grad = None; bn.bias.grad = None
    y = bn(x)
    y.backward(dy)
    out.update(snap({'eval.x': x, 'eval.y': y, 'eval.grad_out': dy, 'eval.grad_input': x.grad,
                     'eval.grad_weight': bn.weight.grad, 'eval.grad_bias': bn.bias.grad}))

    # momentum=None: cumulative moving average over three training batches
    cma = kind(C, momentum=None)
    cma.train()
    for step in (1, 2, 3):
        x = torch.randn(shape, generator=g) * (step + 0.5) + step
        cma(x)
        out.update(snap({f'cma{step}.x': x, f'cma{step}.running_mean': cma.running_mean,
                         f'cma{step}.running_var': cma.running_var,
                         f'cma{step}.num_batches_tracked': cma.num_batches_tracked}))
    return out


# MARK: - LayerNorm, GroupNorm, InstanceNorm2d

def norms_case(seed=5):
    """Forward and backward of each layer with non-trivial affine parameters."""
    g = torch.Generator().manual_seed(seed)
    out = {}

    def run(prefix, layer, shape):
        for name, p in layer.named_parameters():
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=g) * 0.5 + (1 if name == 'weight' else 0))
            p.grad = None
            out[f'{prefix}.{name}'] = p.detach().clone()
        x = (torch.randn(shape, generator=g) * 2 + 0.7).requires_grad_()
        dy = torch.randn(shape, generator=g)
        y = layer(x)
        y.backward(dy)
        out.update(snap({f'{prefix}.x': x, f'{prefix}.y': y, f'{prefix}.grad_out': dy, f'{prefix}.grad_input': x.grad}))
        out.update(snap({f'{prefix}.grad_{name}': p.grad for name, p in layer.named_parameters()}))
        out.update(snap({f'{prefix}.{name}': b for name, b in layer.named_buffers()}))

    run('layernorm', nn.LayerNorm([4, 5]), [2, 3, 4, 5])
    run('groupnorm', nn.GroupNorm(2, 6), [2, 6, 3, 3])
    inorm = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    run('instancenorm', inorm, [2, 3, 4, 4])                 # training: updates running stats
    inorm.eval()
    run('instancenorm_eval', inorm, [2, 3, 4, 4])            # evaluation: uses them
    return out


# MARK: - RNNCell

def rnncell_case(T=5, N=3, I=4, H=6, seed=3):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    cell = nn.RNNCell(I, H)
    x = torch.randn(T, N, I, generator=g).requires_grad_()
    h0 = torch.randn(N, H, generator=g).requires_grad_()
    r = torch.randn(T, N, H, generator=g)
    h, hs = h0, []
    for t in range(T):
        h = cell(x[t], h)
        hs.append(h)
    hs = torch.stack(hs)
    loss = (hs * r).sum()
    loss.backward()
    out = {'x': x, 'h0': h0, 'r': r, 'h': hs, 'loss': loss.reshape(()),
           'grad.x': x.grad, 'grad.h0': h0.grad}
    for name, p in cell.named_parameters():
        out[name] = p
        out[f'grad.{name}'] = p.grad
    return out


# MARK: - ConvNetWithBN training step

def convnet_case():
    torch.manual_seed(0)
    net = Net(bn=True, c=1, hw=28)
    x, y = fashion_mnist_batch(16)
    out = {'x': x, 'y': y}
    out.update(snap(state('init.', net)))
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    crit = nn.CrossEntropyLoss()
    net.train()
    for step in (1, 2):
        opt.zero_grad()
        logits = net(x)
        loss = crit(logits, y)
        loss.backward()
        prefix = 'grad.' if step == 1 else 'grad2.'
        out.update(snap({f'{prefix}{k}': p.grad for k, p in net.named_parameters()}))
        out['logits' if step == 1 else 'logits2'] = logits.detach().clone()
        out['loss' if step == 1 else 'loss2'] = loss.detach().reshape(())
        opt.step()
        out.update(snap(state(f'step{step}.', net)))
    return out


# MARK: - Safetensors dtype coverage

def dtypes_case():
    return {
        'f32': torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4 - 0.5,
        'f64': torch.tensor([[1.5, -2.25], [1e-3, 3e10]], dtype=torch.float64),
        'f16': torch.tensor([0.5, -1.0, 65504.0, 6.1035e-05, 0.0], dtype=torch.float16),
        'bf16': torch.tensor([1.0, -3.5, 1e20], dtype=torch.bfloat16),
        'i64': torch.tensor([0, -1, 2 ** 40, 7], dtype=torch.int64),
        'i32': torch.tensor([[3, -4]], dtype=torch.int32),
        'scalar': torch.tensor(2.5, dtype=torch.float32),
        'empty': torch.zeros(0, 3, dtype=torch.float32),
    }


if __name__ == '__main__':
    torch.set_num_threads(1)
    save('batchnorm2d.safetensors', batchnorm_case(nn.BatchNorm2d, [4, 3, 5, 5], 0.1, seed=1),
         layer='BatchNorm2d', momentum=0.1)
    save('batchnorm1d.safetensors', batchnorm_case(nn.BatchNorm1d, [6, 4], 0.2, seed=2),
         layer='BatchNorm1d', momentum=0.2)
    save('batchnorm1d_ncl.safetensors', batchnorm_case(nn.BatchNorm1d, [3, 4, 5], 0.1, seed=4),
         layer='BatchNorm1d', momentum=0.1)
    save('norms.safetensors', norms_case(), layers='LayerNorm([4,5]), GroupNorm(2,6), InstanceNorm2d(3, affine, tracked)')
    save('rnncell.safetensors', rnncell_case(), layer='RNNCell', T=5, N=3, I=4, H=6)
    save('convnet_bn_step.safetensors', convnet_case(), model='ConvNet(bn=True)', lr=0.1, momentum=0.9,
         weight_decay=5e-4, batch='first 16 Fashion-MNIST training images, (x/255-0.2860)/0.3530')
    save('dtypes.safetensors', dtypes_case(), written_by='python safetensors', note='dtype coverage')
