"""Learning-rate (and momentum) sequences from torch.optim.lr_scheduler, for SchedulerFixtureTests.

Run with PyTorch 2.13 (CPU):  python make_scheduler_fixtures.py   -> scheduler_fixtures.json

Each case builds torch.optim.SGD over one or two parameter groups, attaches a scheduler described
by `spec` (the Swift test builds its own from the same spec), and records every group's lr and
momentum after construction and after each step. `error_at` is the 1-based step that raised.
"""
import json
import math

import torch

METRICS_MIN = [1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.95, 0.96, 0.8, 0.81, 0.82, 0.83, 0.79, 0.795, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75]
METRICS_MAX = [0.5, 0.6, 0.58, 0.61, 0.605, 0.6, 0.7, 0.69, 0.695, 0.7, 0.71, 0.705, 0.8, 0.79, 0.78, 0.77, 0.81, 0.8, 0.79, 0.78]


def build(spec, opt):
    kind, a = spec["kind"], spec.get("args", {})
    S = torch.optim.lr_scheduler
    if kind == "step":
        return S.StepLR(opt, step_size=a["step_size"], gamma=a["gamma"])
    if kind == "multistep":
        return S.MultiStepLR(opt, milestones=a["milestones"], gamma=a["gamma"])
    if kind == "exponential":
        return S.ExponentialLR(opt, gamma=a["gamma"])
    if kind == "cosine":
        return S.CosineAnnealingLR(opt, T_max=a["T_max"], eta_min=a["eta_min"])
    if kind == "linear":
        return S.LinearLR(opt, start_factor=a["start_factor"], end_factor=a["end_factor"], total_iters=a["total_iters"])
    if kind == "sequential":
        children = [build(c, opt) for c in spec["children"]]
        return S.SequentialLR(opt, schedulers=children, milestones=a["milestones"])
    if kind == "onecycle":
        return S.OneCycleLR(opt, max_lr=a["max_lr"], total_steps=a["total_steps"], pct_start=a["pct_start"],
                            anneal_strategy=a["anneal_strategy"], cycle_momentum=a["cycle_momentum"],
                            base_momentum=a["base_momentum"], max_momentum=a["max_momentum"],
                            div_factor=a["div_factor"], final_div_factor=a["final_div_factor"],
                            three_phase=a["three_phase"])
    if kind == "plateau":
        return S.ReduceLROnPlateau(opt, mode=a["mode"], factor=a["factor"], patience=a["patience"],
                                   threshold=a["threshold"], threshold_mode=a["threshold_mode"],
                                   cooldown=a["cooldown"], min_lr=a["min_lr"], eps=a["eps"])
    raise ValueError(kind)


def onecycle(max_lr, total, pct=0.3, anneal="cos", cycle=True, base=0.85, maxm=0.95, div=25.0, final=1e4, three=False):
    return {"kind": "onecycle", "args": {"max_lr": max_lr, "total_steps": total, "pct_start": pct, "anneal_strategy": anneal,
                                         "cycle_momentum": cycle, "base_momentum": base, "max_momentum": maxm,
                                         "div_factor": div, "final_div_factor": final, "three_phase": three}}


def plateau(mode="min", factor=0.5, patience=2, threshold=1e-4, tmode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
    return {"kind": "plateau", "args": {"mode": mode, "factor": factor, "patience": patience, "threshold": threshold,
                                        "threshold_mode": tmode, "cooldown": cooldown, "min_lr": min_lr, "eps": eps}}


def linear(s, e, n):
    return {"kind": "linear", "args": {"start_factor": s, "end_factor": e, "total_iters": n}}


def cosine(t, eta=0.0):
    return {"kind": "cosine", "args": {"T_max": t, "eta_min": eta}}


CASES = [
    ("step_size3_gamma0.5", {"kind": "step", "args": {"step_size": 3, "gamma": 0.5}}, [0.1], 12),
    ("step_two_groups", {"kind": "step", "args": {"step_size": 2, "gamma": 0.1}}, [0.1, 0.01], 9),
    ("multistep", {"kind": "multistep", "args": {"milestones": [2, 5, 9], "gamma": 0.3}}, [0.2], 12),
    ("multistep_repeated_milestone", {"kind": "multistep", "args": {"milestones": [7, 3, 3], "gamma": 0.5}}, [1.0], 10),
    ("exponential", {"kind": "exponential", "args": {"gamma": 0.9}}, [0.05, 0.5], 15),
    ("cosine_past_tmax", cosine(10, 0.001), [0.1], 35),
    ("cosine_tmax5_two_cycles", cosine(5), [0.4, 0.04], 25),
    ("cosine_tmax1", cosine(1, 0.01), [0.1], 6),
    ("linear_warmup_default", linear(1.0 / 3, 1.0, 5), [0.3], 10),
    ("linear_warmup_partial", linear(0.1, 0.5, 4), [1.0, 0.1], 8),
    ("linear_decay", linear(1.0, 0.1, 6), [0.5], 9),
    ("sequential_warmup_cosine", {"kind": "sequential", "args": {"milestones": [3]},
                                  "children": [linear(0.1, 1.0, 3), cosine(7)]}, [0.1], 16),
    ("sequential_three", {"kind": "sequential", "args": {"milestones": [2, 6]},
                          "children": [linear(0.5, 1.0, 2), {"kind": "exponential", "args": {"gamma": 0.8}},
                                       {"kind": "step", "args": {"step_size": 2, "gamma": 0.5}}]}, [0.2, 0.02], 12),
    ("sequential_exponential_multistep", {"kind": "sequential", "args": {"milestones": [4]},
                                          "children": [{"kind": "exponential", "args": {"gamma": 0.5}},
                                                       {"kind": "multistep", "args": {"milestones": [2, 3], "gamma": 0.1}}]}, [1.0], 9),
    ("onecycle_cos", onecycle(1.0, 20), [0.1], 20),
    ("onecycle_linear_two_groups", onecycle([0.5, 1.0], 17, pct=0.25, anneal="linear"), [0.1, 0.1], 17),
    ("onecycle_three_phase_cos", onecycle(0.8, 30, three=True), [0.1], 30),
    ("onecycle_three_phase_linear", onecycle(2.0, 25, pct=0.4, anneal="linear", div=10.0, final=100.0, three=True), [0.1], 25),
    ("onecycle_no_momentum_cycle", onecycle(0.3, 12, cycle=False), [0.1], 12),
    ("onecycle_custom_momentum", onecycle(0.3, 15, base=0.8, maxm=0.9, pct=0.5), [0.1], 15),
    ("onecycle_past_total_steps", onecycle(1.0, 10), [0.1], 12),
    ("plateau_min_rel", plateau(), [0.1], 20),
    ("plateau_cooldown", plateau(patience=1, cooldown=2), [0.1], 20),
    ("plateau_threshold_abs", plateau(patience=1, threshold=0.05, tmode="abs"), [0.1], 20),
    ("plateau_min_lr", plateau(patience=0, factor=0.5, min_lr=0.02), [0.1], 20),
    ("plateau_max_rel", plateau(mode="max", patience=1, factor=0.3, threshold=0.01), [0.1], 20),
    ("plateau_max_abs_min_lr_per_group", plateau(mode="max", patience=0, factor=0.5, threshold=0.005, tmode="abs",
                                                 min_lr=[0.01, 0.001]), [0.1, 0.01], 20),
    ("plateau_eps", plateau(patience=0, factor=0.9, eps=0.005), [0.1], 20),
]


def main():
    out = []
    for name, spec, lrs, steps in CASES:
        params = [torch.nn.Parameter(torch.zeros(1)) for _ in lrs]
        opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], lr=lrs[0], momentum=0.9)
        metrics = None
        if spec["kind"] == "plateau":
            metrics = (METRICS_MAX if spec["args"]["mode"] == "max" else METRICS_MIN)[:steps]
        sched = build(spec, opt)
        lr_seq = [[g["lr"] for g in opt.param_groups]]
        mom_seq = [[g["momentum"] for g in opt.param_groups]]
        error_at = None
        for k in range(steps):
            opt.step()
            try:
                if metrics is not None:
                    sched.step(metrics[k])
                else:
                    sched.step()
            except ValueError:
                error_at = k + 1
                break
            lr_seq.append([float(g["lr"]) for g in opt.param_groups])
            mom_seq.append([float(g["momentum"]) for g in opt.param_groups])
        out.append({"name": name, "spec": spec, "lrs": lrs, "momentum": 0.9, "steps": steps, "metrics": metrics,
                    "lr": lr_seq, "momenta": mom_seq, "error_at": error_at})
    with open("scheduler_fixtures.json", "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, indent=1)
    print(f"{len(out)} cases written")


if __name__ == "__main__":
    main()
