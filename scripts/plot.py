#!/usr/bin/env python3
"""Pictures for `hashflop report`, drawn from the report-data.json it writes.

usage: plot.py REPORT_DATA.json OUT_DIR

Writes power, efficiency and value (and, with several devices, devices) as PNG and SVG into
OUT_DIR, each atomically (a temporary file, then rename), and prints one line
"PLOT name|caption" per picture finished. Exits 3 when matplotlib is missing, 2 on bad input.
"""
import json
import os
import sys
import tempfile

try:
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    # Labels are device and variant names, never formulas: a "$" in a name must print as "$",
    # not start mathtext (which fails half-way through a picture on unbalanced dollars).
    matplotlib.rcParams["text.parse_math"] = False
    import matplotlib.pyplot as plt
    import matplotlib.ticker
except ImportError:
    print("matplotlib is not installed (Debian: apt-get install python3-matplotlib)",
          file=sys.stderr)
    sys.exit(3)


def save(fig, out_dir, name, caption):
    # Atomic: a reader never sees half a picture, and a failure leaves the old one.
    for ext in ("png", "svg"):
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=f".{ext}", dir=out_dir)
        os.close(fd)
        try:
            fig.savefig(tmp, format=ext, dpi=110, bbox_inches="tight")
            os.chmod(tmp, 0o644)
            os.replace(tmp, os.path.join(out_dir, f"{name}.{ext}"))
        except BaseException:
            os.unlink(tmp)
            raise
    plt.close(fig)
    print(f"PLOT {name}|{caption}", flush=True)


def power_plot(data, out_dir):
    runs = [(d, r) for d in data["devices"] for r in d["runs"]]
    if not runs:
        return
    fig, axes = plt.subplots(len(runs), 1, figsize=(8, 1.9 * len(runs) + 0.6), squeeze=False)
    for ax, (dev, run) in zip(axes[:, 0], runs):
        for i, (start, end) in enumerate(run["windows"]):
            ax.axvspan(start, end, color="tab:green", alpha=0.15,
                       label="measurement window" if i == 0 else None)
        if run["trace"]:
            t, w = zip(*run["trace"])
            ax.plot(t, w, color="tab:blue", lw=1.2, label="polled power")
        elif run["avg_watts"] is not None and run["windows"]:
            # No polled trace (assumed or counter-only energy): the windows at their average.
            for i, (start, end) in enumerate(run["windows"]):
                ax.hlines(run["avg_watts"], start, end, color="tab:orange", lw=2,
                          label=("ASSUMED constant watts" if run["assumed"] else "average watts")
                          if i == 0 else None)
        else:
            ax.text(0.5, 0.5, "energy not measured", transform=ax.transAxes, ha="center")
        title = run["name"] + (" (ASSUMED watts)" if run["assumed"] else "")
        if len(data["devices"]) > 1:
            title = dev["short_label"] + ": " + title
        ax.set_title(title, fontsize=9)
        ax.set_ylabel("W")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7, loc="lower right")
    axes[-1, 0].set_xlabel("seconds from the first measured window")
    fig.tight_layout()
    save(fig, out_dir, "power", "Power over time per workload; measurement windows shaded")


def efficiency_plot(data, out_dir):
    dev = [d for d in data["devices"] if d["j_per_th"] is not None or d["gemm"]]
    if not dev:
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.8))
    names = [a["model"] for a in data["asics"]]
    values = [a["j_per_th"] for a in data["asics"]]
    colors = ["tab:gray"] * len(names)
    for d in dev:
        if d["j_per_th"] is not None:
            names.append(d["short_label"] + (" (assumed W)" if d["assumed"] else ""))
            values.append(d["j_per_th"])
            colors.append("tab:red")
    a1.barh(names, values, color=colors)
    a1.set_xscale("log")
    a1.set_xlabel("J/TH (log scale, lower is better)")
    a1.set_title("Mining efficiency against ASICs", fontsize=10)
    labels, flops = [], []
    for d in dev:
        for g in d["gemm"]:
            if g["flops_per_joule"] is not None:
                prefix = d["short_label"] + " " if len(dev) > 1 else ""
                labels.append(prefix + g["name"] + (" *" if g["assumed"] else ""))
                flops.append(g["flops_per_joule"])
    # Log only across orders of magnitude: over a narrow range it crowds the tick labels and
    # makes small differences look large.
    log = bool(flops) and max(flops) / min(flops) > 10
    if flops:
        a2.barh(labels, flops, color="tab:blue")
        if log:
            a2.set_xscale("log")
    else:
        a2.text(0.5, 0.5, "no GEMM energy", transform=a2.transAxes, ha="center")
    a2.set_xlabel(f"FLOP/J ({'log scale' if log else 'linear'}; * assumed watts)")
    a2.set_title("GEMM efficiency per dtype", fontsize=10)
    fig.tight_layout()
    save(fig, out_dir, "efficiency", "J/TH against reference ASICs (log scale), and FLOP/J per dtype")


def value_plot(data, out_dir):
    dev = [d for d in data["devices"]
           if d["mining_usd_per_kwh"] is not None or d["ai_usd_per_kwh"] is not None]
    if not dev:
        return
    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = range(len(dev))
    mining = [d["mining_usd_per_kwh"] or 0 for d in dev]
    ai = [d["ai_usd_per_kwh"] or 0 for d in dev]
    ax.bar([i - 0.2 for i in x], mining, 0.4, label="mining revenue", color="tab:orange")
    ax.bar([i + 0.2 for i in x], ai, 0.4, label="AI revenue", color="tab:blue")
    cost = data["electricity_usd_per_kwh"] * data["pue"]
    ax.axhline(cost, color="tab:red", ls="--",
               label=f"electricity ${data['electricity_usd_per_kwh']:g}/kWh x PUE {data['pue']:g}")
    ax.set_yscale("log")
    ax.set_xticks(list(x))
    ax.set_xticklabels([d["short_label"] + (" (assumed W)" if d["assumed"] else "")
                        for d in dev])
    ax.set_ylabel("USD per kWh of device energy (log)")
    ax.set_title("What a kWh earns: mining against AI", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, out_dir, "value", "USD per kWh for mining and for AI, with the electricity price line")


def devices_plot(data, out_dir):
    dev = data["devices"]
    if len(dev) < 2:
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.8))
    names = [d["short_label"] for d in dev]
    hpj = [d["hashes_per_joule"] or 0 for d in dev]
    best = [max([g["flops_per_joule"] or 0 for g in d["gemm"]], default=0) for d in dev]
    a1.bar(names, hpj, color="tab:orange")
    a1.set_title("hashes per joule", fontsize=10)
    a2.bar(names, best, color="tab:blue")
    a2.set_title("best FLOP per joule", fontsize=10)
    for a, v in ((a1, hpj), (a2, best)):
        shown = [x for x in v if x > 0]
        if shown and max(shown) / min(shown) > 10:
            a.set_yscale("log")
    for a in (a1, a2):
        a.tick_params(axis="x", labelrotation=15)
    fig.tight_layout()
    save(fig, out_dir, "devices", "Devices side by side: hashes/J and best FLOP/J")


def tokens_plot(data, out_dir):
    dev = [d for d in data["devices"]
           if any(t["tokens_per_joule"] is not None for t in d.get("tokens", []))]
    if not dev:
        return
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, d in enumerate(dev):
        color = f"C{i}"
        for phase, marker in (("decode", "o"), ("prefill", "s")):
            pts = sorted((t["batch"], t["tokens_per_joule"]) for t in d["tokens"]
                         if t["phase"] == phase and t["tokens_per_joule"] is not None)
            if pts:
                b, tpj = zip(*pts)
                ax.plot(b, tpj, marker=marker, color=color, ls="-" if phase == "decode" else ":",
                        label=f"{d['short_label']} {d['tokens'][0]['model']} {phase}"
                        + (" (assumed W)" if d["assumed"] else ""))
        line = next((t["mining_tokens_per_joule"] for t in d["tokens"]
                     if t["mining_tokens_per_joule"] is not None), None)
        if line is not None:
            # Tokens/J at which a kWh of tokens earns what a kWh of mining earns on this device.
            ax.axhline(line, color=color, ls="--", lw=1,
                       label=f"{d['short_label']}: tokens/J that earn what mining earns")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    # Plain tick text: mathtext is off (see the top), so the log axes' default "10^x" labels
    # would print as raw TeX.
    batches = sorted({t["batch"] for d in dev for t in d["tokens"]})
    ax.set_xticks(batches)
    plain = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
    ax.xaxis.set_major_formatter(plain)
    ax.yaxis.set_major_formatter(plain)
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("batch (sequences)")
    ax.set_ylabel("tokens per joule (log)")
    ax.set_title("Tokens per joule against batch, with the mining line for scale", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    save(fig, out_dir, "tokens",
         "Tokens/J against batch size per phase, with the tokens/J at which tokens earn what "
         "mining earns per kWh")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            data = json.load(f)
        data["devices"]
    except (OSError, ValueError, KeyError) as e:
        print(f"plot.py: cannot read {argv[1]}: {e}", file=sys.stderr)
        return 2
    os.makedirs(argv[2], exist_ok=True)
    for plot in (power_plot, efficiency_plot, value_plot, devices_plot, tokens_plot):
        plot(data, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
