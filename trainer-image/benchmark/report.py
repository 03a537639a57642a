"""Turns the JSON lines of hack/benchmark-trainer into Markdown tables: per figure the median over the rounds
(and the range), and the trainer's figure as a ratio to each PyTorch build's (DJL / PyTorch; above 1 means the
trainer is faster), with each implementation's memory format for training; then, per training figure, the optimiser
step's time (the step and the clearing of the gradients) per training step and its share of the step.

The ratio is given two ways. The median of the rounds' pairs: the n-th figure of the trainer for a model and size
against the n-th of PyTorch's, which hack/benchmark-trainer measures one right after the other, so that a slow minute
of a shared machine slows both sides of a pair alike (their medians can be minutes apart). And the ratio of the
bests: on a shared machine the best of several rounds is the figure least disturbed by other load."""
import json
import statistics
import sys
from collections import defaultdict


def main():
    figures = defaultdict(list)
    optimizer = defaultdict(list)
    formats = defaultdict(set)
    implementations = []
    for line in open(sys.argv[1]):
        if not line.startswith("{"):
            continue
        m = json.loads(line)
        if "imagesPerSecond" not in m:
            continue  # the step checkpoint's save times: a figure of their own, not a throughput to compare
        key = (m["kind"], m["model"], m["size"])
        figures[key + (m["implementation"],)].append(m["imagesPerSecond"])
        if "memoryFormat" in m:
            formats[key + (m["implementation"],)].add(m["memoryFormat"])
        if "optimizer" in m.get("partSeconds", {}):
            optimizer[key + (m["implementation"],)].append(
                (m["partSeconds"]["optimizer"] / m["steps"], m["partSeconds"]["optimizer"] / m["seconds"]))
        if m["implementation"] not in implementations:
            implementations.append(m["implementation"])
    if not figures:
        sys.exit(f"no figures in {sys.argv[1]}")
    others = [i for i in implementations if i != "djl"]
    header = (["what", "size", "DJL trainer"] + [f"{o}" for o in others]
              + [f"DJL / {o}: pairs' median (range); bests" for o in others]
              + ["memory format (" + " / ".join(["DJL"] + others) + ")"])
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] * len(header)) + "|")
    keys = sorted({k[:3] for k in figures}, key=lambda k: (k[0] != "train", k[1], -k[2]))
    for kind, model, size in keys:
        djl = figures.get((kind, model, size, "djl"))
        row = [("training " + model) if kind == "train" else "data pipeline", f"{size} px", cell(djl)]
        row += [cell(figures.get((kind, model, size, o))) for o in others]
        for o in others:
            theirs = figures.get((kind, model, size, o))
            row.append(ratios(djl, theirs))
        row.append(" / ".join(", ".join(sorted(formats[(kind, model, size, i)])) or "-"
                              for i in ["djl"] + others) if kind == "train" else "")
        print("| " + " | ".join(row) + " |")
    print()
    rounds = max(len(v) for v in figures.values())
    print(f"images/s; median (min-max) over {rounds} rounds")
    if optimizer:
        print()
        header = ["optimiser step", "size"] + ["DJL trainer" if i == "djl" else i for i in implementations]
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---"] * len(header)) + "|")
        for kind, model, size in keys:
            if kind == "train":
                row = [model, f"{size} px"] + [share(optimizer.get((kind, model, size, i))) for i in implementations]
                print("| " + " | ".join(row) + " |")
        print()
        print("ms per training step (share of the step), medians over the rounds")


def ratios(djl, theirs):
    """The median (and range) of the pairs' ratios, the n-th of djl against the n-th of theirs, and the ratio of the
    bests; "-" when either side has no figure."""
    if not djl or not theirs:
        return "-"
    pairs = [a / b for a, b in zip(djl, theirs)]
    spread = f" ({min(pairs):.2f}-{max(pairs):.2f}x)" if len(pairs) > 1 else ""
    return f"{statistics.median(pairs):.2f}x{spread}; {max(djl) / max(theirs):.2f}x"


def cell(values):
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def share(values):
    if not values:
        return "-"
    return (f"{statistics.median(v[0] for v in values) * 1000:.1f} ms"
            f" ({statistics.median(v[1] for v in values) * 100:.0f} %)")


if __name__ == "__main__":
    main()
