"""Writes layer_fixtures.json: small PyTorch reference values for EngineTests.

Run with a Python that has torch (the tests themselves never need Python):
    python Tests/EngineTests/Fixtures/make_layer_fixtures.py
Inputs are generated here and stored alongside the outputs, so the Swift tests feed the
same numbers to bnlab's layers and compare.
"""
import json
import pathlib

import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float32)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def conv_case(n, cin, cout, hw, k, stride, padding, bias):
    conv = torch.nn.Conv2d(cin, cout, k, stride=stride, padding=padding, bias=bias)
    x = torch.randn(n, cin, hw, hw, requires_grad=True)
    y = conv(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    return {
        "stride": stride, "padding": padding, "kernel": k,
        "x_shape": list(x.shape), "x": flat(x),
        "weight_shape": list(conv.weight.shape), "weight": flat(conv.weight),
        "bias": flat(conv.bias) if bias else None,
        "y_shape": list(y.shape), "y": flat(y),
        "dy": flat(dy), "dx": flat(x.grad),
        "dweight": flat(conv.weight.grad),
        "dbias": flat(conv.bias.grad) if bias else None,
    }


def linear_case():
    lin = torch.nn.Linear(5, 3)
    x = torch.randn(4, 5, requires_grad=True)
    y = lin(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    return {"x": flat(x), "weight": flat(lin.weight), "bias": flat(lin.bias), "y": flat(y),
            "dy": flat(dy), "dx": flat(x.grad), "dweight": flat(lin.weight.grad),
            "dbias": flat(lin.bias.grad)}


def maxpool_case(kernel, stride):
    # Values from a small set, so windows contain ties.
    x = torch.randint(0, 3, (2, 2, 7, 7)).float().requires_grad_(True)
    pool = torch.nn.MaxPool2d(kernel, stride)
    y = pool(x)
    dy = torch.arange(1, y.numel() + 1, dtype=torch.float32).reshape(y.shape)
    y.backward(dy)
    return {"kernel": kernel, "stride": stride, "x_shape": list(x.shape), "x": flat(x),
            "y_shape": list(y.shape), "y": flat(y), "dy": flat(dy), "dx": flat(x.grad)}


def cross_entropy_case(scale):
    logits = (scale * torch.randn(6, 5)).requires_grad_(True)
    labels = torch.randint(0, 5, (6,))
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    return {"logits": flat(logits), "labels": labels.tolist(), "loss": float(loss.detach()),
            "dlogits": flat(logits.grad)}


def sgd_case(**options):
    p = torch.nn.Parameter(torch.randn(2, 3))
    p0 = flat(p)
    grads = [torch.randn(2, 3) for _ in range(3)]
    opt = torch.optim.SGD([p], lr=0.1, **options)
    after = []
    for g in grads:
        opt.zero_grad()
        p.grad = g.clone()
        opt.step()
        after.append(flat(p))
    return {"options": options, "p0": p0, "grads": [flat(g) for g in grads], "after": after}


fixtures = {
    "conv": [
        conv_case(2, 2, 3, 5, 3, stride=1, padding=0, bias=True),
        conv_case(2, 2, 3, 5, 3, stride=2, padding=1, bias=True),
        conv_case(1, 3, 2, 6, 3, stride=1, padding=1, bias=False),
        conv_case(2, 1, 2, 7, 2, stride=2, padding=0, bias=True),
        conv_case(2, 2, 3, 1, 5, stride=1, padding=2, bias=True),   # padding wider than the image
        conv_case(1, 2, 2, 3, 5, stride=2, padding=3, bias=False),
    ],
    "linear": linear_case(),
    "maxpool": [maxpool_case(2, 2), maxpool_case(3, 2), maxpool_case(3, 1)],
    "cross_entropy": [cross_entropy_case(1.0), cross_entropy_case(40.0)],
    "sgd": [
        sgd_case(),
        sgd_case(weight_decay=0.01),
        sgd_case(momentum=0.9),
        sgd_case(momentum=0.9, dampening=0.3, weight_decay=0.05),
        sgd_case(momentum=0.8, nesterov=True, weight_decay=5e-4),
    ],
}

out = pathlib.Path(__file__).with_name("layer_fixtures.json")
out.write_text(json.dumps(fixtures, indent=None, separators=(",", ":")) + "\n")
print(f"wrote {out.name} ({out.stat().st_size} bytes) with torch {torch.__version__}")
