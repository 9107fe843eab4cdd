"""PyTorch CPU counterpart of `bnlab bench`, and of every workload of `bnlab bench --suite`.

Usage: /tmp/tv/bin/python scripts/torch_bench.py [--model convnet-bn|convnet|deep] [--depth D]
           [--norm none|batch|group|layer|instance] [--no-bn] [--threads N] [--batch B] [--steps S]
           [--warmup W] [--inference]
It takes `bnlab bench`'s spelling, so a suite workload passes the same arguments to both sides
(`bnlab bench --list-suite` prints them; scripts/compare.sh alternates the two).
Training: the anchor's measurement (SGD lr 0.1, momentum 0.9, consecutive standardised Fashion-MNIST
batches, untimed warm-up steps) on the seed's ConvNet (`Net`, exactly the anchor's) or on
torch_lr_sweep.py's `net(bn, depth)` (`deep_net`, imported from
Tests/EngineTests/Fixtures/make_fixtures.py), with the norm layer bnlab's `deep` uses in place of BN:
GroupNorm(8, C), LayerNorm([C, H, W]), InstanceNorm2d(C, affine=True).
--inference: model.eval() and torch.no_grad() over the 10,000 test images in batches of 1000
(logits, cross-entropy and accuracy), as `bnlab bench --inference` does.
Prints images_per_second=<float> and peak_rss_mb=<float>.
(--bn 0|1 is kept for older command lines: --bn 0 is --no-bn.)
"""
import argparse, gzip, os, resource, sys, time
import numpy as np, torch, torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'EngineTests', 'Fixtures'))
from make_fixtures import Net, deep_net  # noqa: E402

FMNIST = '/usr/share/datasets/fashion-mnist/'
MEAN, STD = 0.2860, 0.3530   # bnlab's Fashion-MNIST standardisation

def images(name):
    d = gzip.open(FMNIST + name).read()
    x = np.frombuffer(d, np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32)
    x /= 255; x -= MEAN; x /= STD   # in place: no extra copies in the peak memory
    return torch.from_numpy(x)

def labels(name):
    return torch.from_numpy(np.frombuffer(gzip.open(FMNIST + name).read(), np.uint8, offset=8).astype(np.int64))

def deep_norm_net(norm, depth):
    """bnlab's `deep` family: deep_net's blocks with any of its normalisations after each conv."""
    if norm in ('none', 'batch'):
        return deep_net(norm == 'batch', depth)
    L, c, side = [], 1, 28
    for i, w in enumerate([16, 32] + [32] * (depth - 2)):
        layer = {'group': lambda: nn.GroupNorm(8, w),
                 'layer': lambda: nn.LayerNorm([w, side, side]),
                 'instance': lambda: nn.InstanceNorm2d(w, affine=True)}[norm]()
        L += [nn.Conv2d(c, w, 3, padding=1), layer, nn.ReLU()]
        if i < 2: L += [nn.MaxPool2d(2)]; side //= 2
        c = w
    return nn.Sequential(*L, nn.Flatten(), nn.Linear(32 * 7 * 7, 10))


class Rows(nn.Module):
    """An image [N, 1, 28, 28] read as 28 steps of one row: the recurrent networks' input [N, 28, 28]."""
    def __init__(self, net):
        super().__init__()
        self.net = net
    def forward(self, x):
        return self.net(x.squeeze(1))


def build(model, depth, norm):
    """The network of `bnlab bench --model <model> --depth <depth> --norm <norm>`."""
    if model in ('convnet-bn', 'convnet'):
        return Net(model == 'convnet-bn' and norm != 'none')
    if model == 'deep':
        return deep_norm_net(norm, depth)
    if model in ('mlp-sigmoid', 'mlp-sigmoid-bn'):
        from make_mlp_fixtures import MLP   # the network the MLP fixtures check (issue 12)
        return MLP(model == 'mlp-sigmoid-bn')
    if model in ('rnn', 'rnn-bn-step', 'rnn-ln'):
        import make_rnn_fixtures as R        # the networks the recurrent fixtures check (issue 18)
        R.I, R.H, R.T, R.K = 28, a.hidden, 28, 10   # 28 rows of 28 pixels, hidden 128
        net = R.PlainRNN() if model == 'rnn' else R.NormalizedRNN('bn' if model == 'rnn-bn-step' else 'ln')
        return Rows(net)
    raise SystemExit(f'torch_bench.py: unknown --model {model!r}')


ap = argparse.ArgumentParser()
ap.add_argument('--model', default='convnet-bn')
ap.add_argument('--depth', type=int, default=6)
ap.add_argument('--norm', choices=['none', 'batch', 'group', 'layer', 'instance'], default='batch')
ap.add_argument('--no-bn', action='store_true')
ap.add_argument('--bn', type=int, choices=[0, 1], default=1)
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--batch', type=int, default=128)
ap.add_argument('--steps', type=int, default=200)
ap.add_argument('--warmup', type=int, default=20)
ap.add_argument('--inference', action='store_true')
ap.add_argument('--hidden', type=int, default=128)
a = ap.parse_args()
if a.no_bn or a.bn == 0: a.norm = 'none'
torch.set_num_threads(a.threads)
torch.manual_seed(0)
m = build(a.model, a.depth, a.norm)
crit = nn.CrossEntropyLoss()

if a.inference:
    X, Y = images('t10k-images-idx3-ubyte.gz'), labels('t10k-labels-idx1-ubyte.gz')
    m.eval()
    t = time.perf_counter()
    with torch.no_grad():
        correct, loss = 0, 0.0
        for s in range(0, len(X), 1000):
            z = m(X[s:s + 1000])
            loss += crit(z, Y[s:s + 1000]).item() * len(z)
            correct += (z.argmax(1) == Y[s:s + 1000]).sum().item()
    dt = time.perf_counter() - t
    print(f"accuracy={correct / len(X):.4f}")
    print(f"images_per_second={len(X) / dt:.1f}")
else:
    X, Y = images('train-images-idx3-ubyte.gz'), labels('train-labels-idx1-ubyte.gz')
    opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    def step(i):
        s = (i * a.batch) % (60000 - a.batch)
        xb, yb = X[s:s + a.batch], Y[s:s + a.batch]
        opt.zero_grad(); loss = crit(m(xb), yb); loss.backward(); opt.step(); return loss
    for i in range(a.warmup): step(i)
    t = time.perf_counter()
    for i in range(a.steps): l = step(i)
    dt = time.perf_counter() - t
    print(f"final_loss={l.item():.4f}")
    print(f"images_per_second={a.steps * a.batch / dt:.1f}")
print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
