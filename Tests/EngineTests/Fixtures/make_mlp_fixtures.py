"""Writes the PyTorch fixtures of nn.Sigmoid and of Ioffe & Szegedy's Figure 1 MLP (issue 12).

Usage: /tmp/tv/bin/python Tests/EngineTests/Fixtures/make_mlp_fixtures.py
Seeded, so rerunning rewrites identical files; the tests read the committed files, never Python.

sigmoid.safetensors:
  x [5, 8] F32          values from N(0, 3²) with ±30, ±90, 0 and ±1e-3 written in (saturation, exp overflow)
  y = torch.sigmoid(x); dy [5, 8] random; dx = autograd's dL/dx for L = Σ y·dy

mlp_sigmoid_step.safetensors, mlp_sigmoid_bn_step.safetensors (MLP below, bn False / True,
torch.manual_seed(0), weights N(0, 0.1²) and zero biases, SGD lr 0.5, momentum 0, CrossEntropyLoss,
training mode, the same batch twice):
  x [16, 1, 28, 28], y [16]             first 16 Fashion-MNIST training images, (x/255 - 0.2860)/0.3530
  init.<state_dict key>, logits, loss, grad.<parameter>, step1.<state_dict key>, logits2, loss2
"""
import os

import torch
import torch.nn as nn

from make_fixtures import fashion_mnist_batch, save


class MLP(nn.Module):
    """784-100-100-100-10 with sigmoid units; BatchNorm1d before each sigmoid when bn (bnlab's mlp-sigmoid[-bn])."""

    def __init__(self, bn, std=0.1):
        super().__init__()
        self.flatten = nn.Flatten()
        width = 784
        for i in (1, 2, 3):
            setattr(self, f'fc{i}', nn.Linear(width, 100))
            if bn:
                setattr(self, f'bn{i}', nn.BatchNorm1d(100))
            setattr(self, f'sigmoid{i}', nn.Sigmoid())
            width = 100
        self.fc = nn.Linear(100, 10)
        self.bn = bn
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, std)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.flatten(x)
        for i in (1, 2, 3):
            x = getattr(self, f'fc{i}')(x)
            if self.bn:
                x = getattr(self, f'bn{i}')(x)
            x = getattr(self, f'sigmoid{i}')(x)
        return self.fc(x)


def sigmoid_case():
    torch.manual_seed(0)
    x = torch.randn(5, 8) * 3
    x[0, :8] = torch.tensor([30., -30., 90., -90., 0., 1e-3, -1e-3, 17.])
    x.requires_grad_(True)
    y = torch.sigmoid(x)
    dy = torch.randn(5, 8)
    (y * dy).sum().backward()
    return {'x': x, 'y': y, 'dy': dy, 'dx': x.grad}


def mlp_case(bn):
    torch.manual_seed(0)
    net = MLP(bn)
    x, y = fashion_mnist_batch(16)
    out = {'x': x, 'y': y}
    out.update({'init.' + k: v.clone() for k, v in net.state_dict().items()})
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    net.train()
    for step in (1, 2):
        suffix = '' if step == 1 else '2'
        opt.zero_grad()
        logits = net(x)
        loss = nn.functional.cross_entropy(logits, y)
        loss.backward()
        out['logits' + suffix] = logits
        out['loss' + suffix] = loss
        if step == 1:
            out.update({'grad.' + k: p.grad.clone() for k, p in net.named_parameters()})
            opt.step()
            out.update({'step1.' + k: v.clone() for k, v in net.state_dict().items()})
    return out


if __name__ == '__main__':
    save('sigmoid.safetensors', sigmoid_case(), layer='Sigmoid')
    for bn in (False, True):
        save(f'mlp_sigmoid{"_bn" if bn else ""}_step.safetensors', mlp_case(bn), model=f'MLP(bn={bn})', std=0.1, lr=0.5,
             batch='first 16 Fashion-MNIST training images, (x/255-0.2860)/0.3530')
