"""Writes bn_fixtures.json: PyTorch reference values for BatchNorm's running-statistics options,
recalibration (torch.optim.swa_utils.update_bn), GroupNorm's group counts and the single-value error.

Run with a Python that has torch (the tests themselves never need Python):
    python Tests/EngineTests/Fixtures/make_bn_fixtures.py
Inputs are generated here and stored with the outputs, so the Swift tests feed the same numbers
to bnlab's layers and compare.
"""
import json
import pathlib

import torch
from torch import nn

torch.manual_seed(13)
torch.set_default_dtype(torch.float32)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def running_case(momentum, track, batch_sizes, c=3, hw=4):
    """BatchNorm2d over several training batches (sizes vary, the last may be 1 image), then eval."""
    bn = nn.BatchNorm2d(c, momentum=momentum, track_running_stats=track)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(c) + 0.5)
        bn.bias.copy_(torch.randn(c))
    case = {"momentum": momentum, "track": track, "weight": flat(bn.weight), "bias": flat(bn.bias),
            "channels": c, "steps": []}
    for mode, n in [("train", b) for b in batch_sizes] + [("eval", 5)]:
        bn.train(mode == "train")
        x = (torch.randn(n, c, hw, hw) * 2 + 1).requires_grad_(True)
        bn.weight.grad = None
        bn.bias.grad = None
        y = bn(x)
        dy = torch.randn_like(y)
        y.backward(dy)
        step = {"mode": mode, "shape": list(x.shape), "x": flat(x), "y": flat(y), "dy": flat(dy),
                "dx": flat(x.grad), "dweight": flat(bn.weight.grad), "dbias": flat(bn.bias.grad)}
        if track:
            step.update(running_mean=flat(bn.running_mean), running_var=flat(bn.running_var),
                        num_batches_tracked=int(bn.num_batches_tracked))
        case["steps"].append(step)
    case["state_dict_keys"] = list(bn.state_dict().keys())
    return case


def small_net(dropout):
    layers = [nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4, momentum=0.3), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(0.5))
    layers += [nn.Flatten(), nn.Linear(4 * 5 * 5, 6), nn.BatchNorm1d(6, momentum=None)]
    return nn.Sequential(*layers)


def recalibration_case(dropout):
    """update_bn on a small net whose running statistics are far off; with dropout, the variant
    that keeps dropout in evaluation mode during the pass (update_bn itself would sample masks)."""
    net = small_net(dropout)
    for m in net.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                m.running_mean.fill_(3.0)
                m.running_var.fill_(7.0)
                m.num_batches_tracked.fill_(11)
                m.weight.copy_(torch.rand(m.num_features) + 0.5)
                m.bias.copy_(torch.randn(m.num_features))
    net.eval()
    batches = [torch.randn(n, 1, 5, 5) * 1.5 + 0.5 for n in (4, 4, 3)]
    state = {k: flat(v) for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    if dropout:
        # update_bn's steps, with dropout kept in evaluation mode
        norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        momenta = {m: m.momentum for m in norms}
        for m in norms:
            m.reset_running_stats()
            m.momentum = None
        net.train()
        for m in net.modules():
            if isinstance(m, nn.Dropout):
                m.eval()
        with torch.no_grad():
            for b in batches:
                net(b)
        for m in norms:
            m.momentum = momenta[m]
        net.train(False)
    else:
        torch.optim.swa_utils.update_bn([b for b in batches], net)
    after = {k: (flat(v) if v.dtype != torch.int64 else [int(v)]) for k, v in net.state_dict().items()
             if "running" in k or "num_batches" in k}
    probe = torch.randn(2, 1, 5, 5)
    with torch.no_grad():
        logits = net(probe)
    return {"dropout": dropout, "training_after": net.training, "state": state,
            "batches": [{"shape": list(b.shape), "x": flat(b)} for b in batches],
            "after": after, "momenta": [m.momentum for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)],
            "probe": flat(probe), "probe_logits": flat(logits)}


def group_case(groups, channels, n=3, hw=3):
    gn = nn.GroupNorm(groups, channels)
    with torch.no_grad():
        gn.weight.copy_(torch.rand(channels) + 0.5)
        gn.bias.copy_(torch.randn(channels))
    x = (torch.randn(n, channels, hw, hw) * 2 + 0.5).requires_grad_(True)
    y = gn(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    return {"groups": groups, "channels": channels, "shape": list(x.shape), "weight": flat(gn.weight),
            "bias": flat(gn.bias), "x": flat(x), "y": flat(y), "dy": flat(dy), "dx": flat(x.grad),
            "dweight": flat(gn.weight.grad), "dbias": flat(gn.bias.grad)}


def error_case(layer, shape, training):
    layer.train(training)
    try:
        layer(torch.randn(*shape))
        return {"shape": shape, "training": training, "error": None}
    except ValueError as e:
        return {"shape": shape, "training": training, "error": str(e)}


fixtures = {
    "running": [
        running_case(None, True, [4, 2, 3, 1]),
        running_case(0.05, True, [4, 2, 3]),
        running_case(0.1, False, [4, 2]),
    ],
    "recalibration": [recalibration_case(False), recalibration_case(True)],
    "group": [group_case(8, 16), group_case(8, 32), group_case(4, 32), group_case(16, 32), group_case(1, 16)],
    "errors": {
        "bn1d_train": error_case(nn.BatchNorm1d(4), [1, 4], True),
        "bn1d_eval": error_case(nn.BatchNorm1d(4), [1, 4], False),
        "bn1d_untracked_eval": error_case(nn.BatchNorm1d(4, track_running_stats=False), [1, 4], False),
        "bn2d_single_image_train": error_case(nn.BatchNorm2d(4), [1, 4, 2, 2], True),
        "bn2d_one_pixel_train": error_case(nn.BatchNorm2d(4), [1, 4, 1, 1], True),
    },
    "torch": torch.__version__,
}

out = pathlib.Path(__file__).with_name("bn_fixtures.json")
out.write_text(json.dumps(fixtures, indent=None, separators=(",", ":")) + "\n")
print(f"wrote {out.name} ({out.stat().st_size} bytes) with torch {torch.__version__}")
