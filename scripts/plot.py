#!/usr/bin/env python3
"""Pictures for `hashflop report`, drawn from the report-data.json it writes.

usage: plot.py REPORT_DATA.json OUT_DIR

Writes power, efficiency, value, tokens and site (and, with several devices, devices) as PNG and
SVG into OUT_DIR, each atomically (a temporary file, then rename), and prints one line
"PLOT name|caption" per picture finished. Exits 3 when matplotlib is missing, 2 on bad input.
"""
import json
import math
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
except ImportError as e:
    print(f"matplotlib cannot be imported ({e}); Debian: apt-get install python3-matplotlib",
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
    # Only runs a meter watched: an assumed constant, drawn as a line, looks like data, and a
    # run without energy has nothing to draw. Neither gets a panel.
    runs = [(d, r) for d in data["devices"] for r in d["runs"]
            if r["trace"] or (r["avg_watts"] is not None and not r["assumed"])]
    if not runs:
        print("NOTE No power picture: no meter measured power in this run "
              "(energy not measured, or assumed with --assume-watts).", flush=True)
        return
    fig, axes = plt.subplots(len(runs), 1, figsize=(8, 1.9 * len(runs) + 0.6), squeeze=False)
    for ax, (dev, run) in zip(axes[:, 0], runs):
        for i, (start, end) in enumerate(run["windows"]):
            ax.axvspan(start, end, color="tab:green", alpha=0.15,
                       label="measurement window" if i == 0 else None)
        if run["trace"]:
            t, w = zip(*run["trace"])
            ax.plot(t, w, color="tab:blue", lw=1.2, label="polled power")
        else:
            # A counter-only meter: each window at its measured average.
            for i, (start, end) in enumerate(run["windows"]):
                ax.hlines(run["avg_watts"], start, end, color="tab:orange", lw=2,
                          label="window average (energy counter)" if i == 0 else None)
        title = run["name"]
        if len(data["devices"]) > 1:
            title = dev["short_label"] + ": " + title
        ax.set_title(title, fontsize=9)
        ax.set_ylabel("W")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7, loc="lower right")
    axes[-1, 0].set_xlabel("seconds from the first measured window")
    fig.tight_layout()
    save(fig, out_dir, "power", "Power over time per workload; measurement windows shaded")


def si(v):
    for scale, prefix in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= scale:
            return f"{v / scale:.3g} {prefix}"
    return f"{v:.3g} "


def plain_ticks(axis, fmt):
    # With parse_math off, matplotlib's log labels print as raw mathtext: plain numbers
    # instead, and no minor labels.
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt(v)))
    axis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def label_bars(ax, bars, fmt):
    ax.bar_label(bars, labels=[fmt(b.get_width() if b.get_width() else b.get_height())
                               for b in bars], fontsize=7, padding=2)


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
    bars = a1.barh(names, values, color=colors)
    a1.set_xscale("log")
    # A few decades, few ticks: the default log ticks crowd and overlap on a narrow panel.
    a1.xaxis.set_major_locator(matplotlib.ticker.LogLocator(numticks=4))
    a1.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    plain_ticks(a1.xaxis, lambda v: f"{v:,.0f}" if v >= 1 else f"{v:g}")
    label_bars(a1, bars, lambda v: f"{v:,.0f}" if v >= 10 else f"{v:.3g}")
    a1.set_xlim(min(values) / 3, max(values) * 30)
    a1.set_xlabel("J/TH (log scale, lower is better)")
    a1.set_title("Mining efficiency against ASICs", fontsize=10)
    labels, values2, per_joule = [], [], True
    for d in dev:
        for g in d["gemm"]:
            if g["flops_per_joule"] is not None:
                prefix = d["short_label"] + " " if len(dev) > 1 else ""
                labels.append(prefix + g["name"] + (" *" if g["assumed"] else ""))
                values2.append(g["flops_per_joule"])
    if not values2:
        # No energy: the rates still say something; the axis says which is shown.
        per_joule = False
        for d in dev:
            for g in d["gemm"]:
                prefix = d["short_label"] + " " if len(dev) > 1 else ""
                labels.append(prefix + g["name"])
                values2.append(g.get("flops_per_second") or 0)
    # Log only across orders of magnitude: over a narrow range it crowds the tick labels and
    # makes small differences look large.
    log = bool(values2) and min(values2) > 0 and max(values2) / min(values2) > 10
    if values2:
        bars = a2.barh(labels, values2, color="tab:blue" if per_joule else "tab:gray")
        label_bars(a2, bars, si)
        if log:
            a2.set_xscale("log")
            a2.set_xlim(min(values2) / 3, max(values2) * 30)
            a2.xaxis.set_major_locator(matplotlib.ticker.LogLocator(numticks=4))
        else:
            a2.set_xlim(0, max(values2) * 1.3)
            a2.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        plain_ticks(a2.xaxis, si)
    else:
        a2.text(0.5, 0.5, "no GEMM run", transform=a2.transAxes, ha="center")
    unit = "FLOP/J" if per_joule else "FLOP/s (no energy: rates, not efficiency)"
    a2.set_xlabel(f"{unit}{', log scale' if log else ''}{'; * assumed watts' if per_joule else ''}")
    a2.set_title("GEMM efficiency per dtype" if per_joule else "GEMM rate per dtype", fontsize=10)
    fig.tight_layout()
    save(fig, out_dir, "efficiency", "J/TH against reference ASICs (log scale), and FLOP/J per dtype"
         if per_joule else "J/TH against reference ASICs (log scale), and GEMM FLOP/s (no energy)")


def money(v):
    # The report's rule: two decimals from $1, two significant digits below.
    if v <= 0:
        return ""
    if v >= 1:
        return f"${v:,.2f}"
    return f"${v:.{max(0, 1 - math.floor(math.log10(v)))}f}"


def value_plot(data, out_dir):
    dev = [d for d in data["devices"]
           if d["mining_usd_per_kwh"] is not None or d["ai_usd_per_kwh"] is not None]
    if not dev:
        return
    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = range(len(dev))
    mining = [d["mining_usd_per_kwh"] or 0 for d in dev]
    ai = [d["ai_usd_per_kwh"] or 0 for d in dev]
    b1 = ax.bar([i - 0.2 for i in x], mining, 0.4, label="mining revenue", color="tab:orange")
    b2 = ax.bar([i + 0.2 for i in x], ai, 0.4, label="AI revenue", color="tab:blue")
    for bars in (b1, b2):
        ax.bar_label(bars, labels=[money(b.get_height()) for b in bars], fontsize=7, padding=2)
    cost = data["electricity_usd_per_kwh"] * data["pue"]
    ax.axhline(cost, color="tab:red", ls="--",
               label=f"electricity ${data['electricity_usd_per_kwh']:g}/kWh x PUE {data['pue']:g}")
    ax.set_yscale("log")
    plain_ticks(ax.yaxis, money)
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
    b1 = a1.bar(names, hpj, color="tab:orange")
    a1.set_title("hashes per joule", fontsize=10)
    b2 = a2.bar(names, best, color="tab:blue")
    a2.set_title("best FLOP per joule", fontsize=10)
    for a, v, bars in ((a1, hpj, b1), (a2, best, b2)):
        shown = [x for x in v if x > 0]
        if shown and max(shown) / min(shown) > 10:
            a.set_yscale("log")
        plain_ticks(a.yaxis, si)
        a.bar_label(bars, labels=[si(x) if x > 0 else "no energy" for x in v], fontsize=7)
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


def dollars(v):
    # Per-year sums: "$1.52M", "$840k", "$12".
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= scale:
            return f"${v / scale:.3g}{suffix}"
    return f"${v:.3g}"


SITE_COLORS = {"asic": "tab:orange", "device_mining": "tab:red", "device_rental": "tab:blue",
               "tokens": "tab:purple", "colocation": "tab:gray"}


def site_plot(data, out_dir):
    dev = [d for d in data["devices"] if d.get("site")]
    if not dev:
        return
    mw = data.get("site_mw") or 1
    refs = data.get("references", [])
    ref_styles = [("black", "--"), ("tab:green", "--"), ("tab:brown", ":"), ("tab:pink", "-.")]
    heights = [max(2.4, 0.42 * len(d["site"]) + 1.2) for d in dev]
    fig, axes = plt.subplots(len(dev), 1, figsize=(9.5, sum(heights) + 1.2), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, d in zip(axes[:, 0], dev):
        rows = [r for r in d["site"] if r["revenue_usd_per_year"] > 0]
        names = [r["name"] for r in rows]
        values = [r["revenue_usd_per_year"] / mw for r in rows]
        bars = ax.barh(names, values, color=[SITE_COLORS.get(r["use"], "tab:gray") for r in rows])
        ax.invert_yaxis()
        # Whose watts size each bar, as in the report's table: measured, ASSUMED, maker spec.
        texts = ax.bar_label(bars, labels=[
            f"{dollars(v)} ({'a lease' if r['use'] == 'colocation' else r['energy']})"
            for v, r in zip(values, rows)], fontsize=7, padding=3)
        for t in texts:  # readable where a reference line crosses it
            t.set_bbox(dict(facecolor="white", edgecolor="none", pad=0.6, alpha=0.85))
            t.set_zorder(5)
        for i, r in enumerate(refs):
            color, ls = ref_styles[i % len(ref_styles)]
            ax.axvline(r["usd_per_mw_year"], color=color, ls=ls, lw=1.3,
                       label=f"{r['name']}: {dollars(r['usd_per_mw_year'])} per MW-year"
                       + ("" if r["deal"] else " (from the market's hashprice)"))
        shown = values + [r["usd_per_mw_year"] for r in refs]
        if shown:
            if max(shown) / min(shown) > 30:
                ax.set_xscale("log")
                ax.set_xlim(min(shown) / 3, max(shown) * 40)
                ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(numticks=6))
            else:
                ax.set_xlim(0, max(shown) * 1.5)
        plain_ticks(ax.xaxis, dollars)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_title(d["short_label"] + (" (assumed W)" if d["assumed"] else ""), fontsize=9)
        if refs:
            ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
                      title="references drawn as lines", title_fontsize=7, frameon=False)
    axes[-1, 0].set_xlabel("revenue per MW-year, USD (log scale where the uses span decades)",
                           fontsize=8)
    fig.suptitle("What a megawatt earns in a year, by use", fontsize=10)
    fig.tight_layout()
    save(fig, out_dir, "site", "Revenue per MW-year for each way to use the site, with the deal "
         "references drawn as lines")


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
    for plot in (power_plot, efficiency_plot, value_plot, devices_plot, tokens_plot, site_plot):
        plot(data, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
