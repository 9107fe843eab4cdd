"""PyTorch CPU counterpart of `bnlab bench` for what ../shared/anchors/torch_convnet_bench.py does not cover.

Usage: /tmp/tv/bin/python scripts/torch_bench.py [--model convnet|deep] [--depth D] [--bn 0|1]
                                                  [--threads N] [--batch B] [--steps S] [--inference]
Training: the anchor's measurement (SGD lr 0.1, momentum 0.9, consecutive Fashion-MNIST batches,
20 untimed warm-up steps) on the seed's ConvNet or on torch_lr_sweep.py's `net(bn, depth)`
(imported as `deep_net` from Tests/EngineTests/Fixtures/make_fixtures.py).
--inference: model.eval() and torch.no_grad() over the 10,000 test images in batches of 1000
(logits, cross-entropy and accuracy), as `bnlab bench --inference` does.
Prints images_per_second=<float> and peak_rss_mb=<float>.
"""
import argparse, gzip, os, resource, sys, time
import numpy as np, torch, torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'EngineTests', 'Fixtures'))
from make_fixtures import Net, deep_net  # noqa: E402

FMNIST = '/usr/share/datasets/fashion-mnist/'

def images(name):
    d = gzip.open(FMNIST + name).read()
    return torch.from_numpy(np.frombuffer(d, np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)

def labels(name):
    return torch.from_numpy(np.frombuffer(gzip.open(FMNIST + name).read(), np.uint8, offset=8).astype(np.int64))

ap = argparse.ArgumentParser()
ap.add_argument('--model', choices=['convnet', 'deep'], default='convnet')
ap.add_argument('--depth', type=int, default=6)
ap.add_argument('--bn', type=int, default=1)
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--batch', type=int, default=128)
ap.add_argument('--steps', type=int, default=200)
ap.add_argument('--inference', action='store_true')
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
m = Net(bool(a.bn)) if a.model == 'convnet' else deep_net(bool(a.bn), a.depth)
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
    for i in range(20): step(i)
    t = time.perf_counter()
    for i in range(a.steps): l = step(i)
    dt = time.perf_counter() - t
    print(f"final_loss={l.item():.4f}")
    print(f"images_per_second={a.steps * a.batch / dt:.1f}")
print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
