"""Turns the JSON lines of hack/benchmark-trainer into Markdown tables: per figure the median over the rounds
(and the range), and the trainer's figure as a ratio to each PyTorch build's, of medians and of bests (DJL /
PyTorch; above 1 means the trainer is faster), with each implementation's memory format for training; then, per
training figure, the optimiser step's time (the step and the clearing of the gradients) per training step and its
share of the step. On a shared machine the best of several rounds is the figure least disturbed by other load."""
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
    others = [i for i in implementations if i != "djl"]
    header = (["what", "size", "DJL trainer"] + [f"{o}" for o in others]
              + [f"DJL / {o} (median, best)" for o in others]
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
            row.append(f"{statistics.median(djl) / statistics.median(theirs):.2f}x, {max(djl) / max(theirs):.2f}x"
                       if djl and theirs else "-")
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
