#!/usr/bin/env python3
"""PyTorch fixtures of the recurrent networks (bnlab's `recurrent` study), checked by
Tests/EngineTests/RecurrentFixtureTests.swift.

Run with PyTorch 2.13 CPU and safetensors:  /tmp/tv/bin/python make_rnn_fixtures.py

Each case unrolls a 5-step network over x: [N, T, I] (bnlab reads it as an [N, 1, T, I] image,
row t = step t), puts a linear head on the last hidden state, takes the mean cross-entropy
against labels y, and saves the logits, every hidden state, the loss, the gradients of x and of
every parameter, the buffers after the training forward, and the logits of a second forward in
evaluation mode. Tensor names are bnlab's state_dict names (`rnn.` + the cell's, `fc.`).

- rnn_bn_shared: the deck's BatchNormRNN (slide 11) verbatim: nn.RNNCell, then one
  nn.BatchNorm1d called at every step (its running statistics mix the steps).
- rnn_bn_step: Cooijmans et al. 2016's recurrent BN on a tanh RNN,
  h' = tanh(BN_t(W_hh h) + BN_t(W_ih x) + b), statistics per step (F.batch_norm on a running
  buffer per step), gamma 0.1, no beta; evaluation also on 7 steps, steps 5 and 6 reusing the
  statistics of step 4 (the last seen in training), as Cooijmans et al. do beyond T_max.
- rnn_ln: the same cell with nn.LayerNorm on both terms (Ba et al. 2016).
- rnn_plain: nn.RNNCell alone.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
T, N, I, H, K = 5, 4, 3, 6, 3


class BatchNormRNN(nn.Module):
    """Slide 11 of the deck, unchanged."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.rnn_cell = nn.RNNCell(input_size, hidden_size)
        self.bn = nn.BatchNorm1d(hidden_size)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x, hidden=None):
        if hidden is None:
            hidden = torch.zeros(x.size(0), self.hidden_size).to(x.device)
        outputs = []
        for t in range(x.size(1)):
            hidden = self.rnn_cell(x[:, t, :], hidden)
            hidden = self.bn(hidden)
            outputs.append(hidden)
        outputs = torch.stack(outputs, dim=1)
        self.hiddens = outputs
        return self.fc(outputs[:, -1, :])


class PlainRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn_cell = nn.RNNCell(I, H)
        self.fc = nn.Linear(H, K)

    def forward(self, x):
        h = torch.zeros(x.size(0), H)
        hs = []
        for t in range(x.size(1)):
            h = self.rnn_cell(x[:, t, :], h)
            hs.append(h)
        self.hiddens = torch.stack(hs, dim=1)
        return self.fc(h)


class StepBN(nn.Module):
    """BN with a shared gamma (no beta) and running statistics per time step (Cooijmans et al.)."""

    def __init__(self, features, steps, gamma=0.1):
        super().__init__()
        self.weight = nn.Parameter(torch.full((features,), gamma))
        self.steps = steps
        for t in range(steps):
            self.register_buffer(f'mean{t}', torch.zeros(features))
            self.register_buffer(f'var{t}', torch.ones(features))

    def forward(self, a, t):
        s = min(t, self.steps - 1)   # beyond the steps seen in training: the last step's statistics
        return F.batch_norm(a, getattr(self, f'mean{s}'), getattr(self, f'var{s}'), self.weight, None,
                            training=self.training, momentum=0.1, eps=1e-5)


class NormalizedRNN(nn.Module):
    """tanh(N_hh(h W_hh^T) + N_ih(x W_ih^T) + b), a linear head on the last hidden state."""

    def __init__(self, kind):
        super().__init__()
        k = 1 / H ** 0.5
        self.weight_ih = nn.Parameter(torch.empty(H, I).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(H, H).uniform_(-k, k))
        self.bias = nn.Parameter(torch.randn(H) * 0.1)   # nonzero, so its gradient path is exercised
        self.kind = kind
        if kind == 'bn':
            self.norm_ih, self.norm_hh = StepBN(H, T), StepBN(H, T)
        else:
            self.norm_ih, self.norm_hh = nn.LayerNorm(H), nn.LayerNorm(H)
            with torch.no_grad():   # away from the defaults, so the affine gradients are exercised
                for ln in (self.norm_ih, self.norm_hh):
                    ln.weight.add_(torch.randn(H) * 0.2)
                    ln.bias.add_(torch.randn(H) * 0.1)
        self.fc = nn.Linear(H, K)

    def norm(self, which, a, t):
        m = self.norm_ih if which == 'ih' else self.norm_hh
        return m(a, t) if self.kind == 'bn' else m(a)

    def forward(self, x):
        h = torch.zeros(x.size(0), H)
        hs = []
        for t in range(x.size(1)):
            h = torch.tanh(self.norm('hh', h @ self.weight_hh.T, t) + self.norm('ih', x[:, t, :] @ self.weight_ih.T, t) + self.bias)
            hs.append(h)
        self.hiddens = torch.stack(hs, dim=1)
        return self.fc(h)


def bnlab_names(kind):
    """PyTorch name -> bnlab state_dict name."""
    def name(n):
        if n.startswith('fc.'):
            return n
        if kind == 'bn_shared' or kind == 'plain':
            n = n.replace('rnn_cell.', 'rnn_cell.' if kind == 'bn_shared' else '')
            return 'rnn.' + n
        n = n.replace('norm_ih.', 'bn_ih.' if kind == 'bn' else 'ln_ih.').replace('norm_hh.', 'bn_hh.' if kind == 'bn' else 'ln_hh.')
        return 'rnn.' + n
    return name


def run(model, kind, seed):
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(N, T, I, generator=g) * 1.5).requires_grad_()
    y = torch.randint(0, K, (N,), generator=g)
    model.train()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    name = bnlab_names(kind)
    out = {'x': x, 'y': y.to(torch.float32), 'logits': logits, 'hiddens': model.hiddens, 'loss': loss.reshape(()),
           'grad.x': x.grad}
    for n, p in model.named_parameters():
        out['init.' + name(n)] = p
        out['grad.' + name(n)] = p.grad
    buffers = dict(model.named_buffers())
    if kind == 'bn':
        # per-step buffers stacked as bnlab keeps them: [T, C]; no num_batches_tracked in F.batch_norm
        for m in ('norm_ih', 'norm_hh'):
            short = 'bn_ih' if m == 'norm_ih' else 'bn_hh'
            out[f'after.rnn.{short}.running_mean'] = torch.stack([buffers[f'{m}.mean{t}'] for t in range(T)])
            out[f'after.rnn.{short}.running_var'] = torch.stack([buffers[f'{m}.var{t}'] for t in range(T)])
    else:
        for n, b in buffers.items():
            out['after.' + name(n)] = b.to(torch.float32)
    model.eval()
    with torch.no_grad():
        out['eval.logits'] = model(x)
        if kind == 'bn':
            # 7 steps: steps 5 and 6 use step 4's statistics
            x7 = torch.cat([x, x[:, :2, :] * -1], dim=1)
            out['x7'] = x7
            out['eval7.logits'] = model(x7)
    return out


def save(name, tensors, **metadata):
    tensors = {k: v.detach().contiguous().clone() for k, v in tensors.items()}
    save_file(tensors, os.path.join(HERE, name), metadata={k: str(v) for k, v in metadata.items()})
    print(f'wrote {name}: {len(tensors)} tensors')


if __name__ == '__main__':
    torch.manual_seed(18)
    common = dict(torch=torch.__version__, T=T, N=N, I=I, H=H, classes=K)
    save('rnn_bn_shared.safetensors', run(BatchNormRNN(I, H, K), 'bn_shared', 1), model='BatchNormRNN (deck slide 11)', **common)
    save('rnn_bn_step.safetensors', run(NormalizedRNN('bn'), 'bn', 2), model='recurrent BN per step, gamma 0.1', **common)
    save('rnn_ln.safetensors', run(NormalizedRNN('ln'), 'ln', 3), model='LayerNorm on both terms', **common)
    save('rnn_plain.safetensors', run(PlainRNN(), 'plain', 4), model='nn.RNNCell', **common)
