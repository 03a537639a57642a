"""PyTorch eager's side of hack/benchmark-trainer: the same measurements as the trainer's `benchmark` command
(torchvision ResNet, 1,000 classes, batch 16, synthetic tensors, forward + cross-entropy + backward + AdamW step +
zeroing gradients, the last two also timed on their own; and torchvision's ImageFolder + DataLoader over the same
generated PNGs), one JSON line each. Training is contiguous, as the classic script trains, unless --memory-format
channels-last converts the model as PyTorch's channels_last recipe does (the input batch stays contiguous, as the
trainer's does: the convolutions then run channels-last from their weights).
"""
import argparse
import json
import time

import torch
import torchvision
from torchvision import transforms


def train(model_name, size, batch, warmup, min_steps, min_seconds, threads, implementation, memory_format):
    torch.manual_seed(0)
    model = getattr(torchvision.models, model_name.lower())(num_classes=1000)
    if memory_format == "channels-last":
        model = model.to(memory_format=torch.channels_last)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    images = torch.randn(batch, 3, size, size)
    labels = torch.randint(0, 1000, (batch,))

    optimizer_seconds = 0.0

    def step():
        nonlocal optimizer_seconds
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer_start = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        optimizer_seconds += time.perf_counter() - optimizer_start
        return loss.item()

    for _ in range(warmup):
        step()
    optimizer_seconds = 0.0
    start = time.perf_counter()
    steps = 0
    while steps < min_steps or time.perf_counter() - start < min_seconds:
        step()
        steps += 1
    seconds = time.perf_counter() - start
    emit(implementation, "train", model_name, size, batch, threads, steps, seconds, steps * batch / seconds,
         {"optimizer": optimizer_seconds}, memory_format)


def data(folder, size, batch, workers, min_seconds, implementation):
    dataset = torchvision.datasets.ImageFolder(folder, transforms.Compose([
        transforms.RandomResizedCrop(size), transforms.RandomHorizontalFlip(), transforms.ToTensor()]))
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True, num_workers=workers,
                                         drop_last=True, persistent_workers=workers > 0)
    for _ in loader:  # a first pass starts the workers and warms the file cache
        pass
    start = time.perf_counter()
    delivered = 0
    while delivered == 0 or time.perf_counter() - start < min_seconds:
        for images, _ in loader:
            delivered += images.shape[0]
    seconds = time.perf_counter() - start
    emit(implementation, "data", "-", size, batch, workers, delivered // batch, seconds, delivered / seconds, {})


def emit(implementation, kind, model, size, batch, threads, steps, seconds, rate, part_seconds, memory_format=None):
    """One JSON line, as the trainer's benchmark prints it; part_seconds: time in named parts of the seconds;
    memory_format: the model's, for training."""
    figure = {"implementation": implementation, "kind": kind, "model": model, "size": size, "batch": batch,
              "threads": threads, "steps": steps, "seconds": round(seconds, 3), "imagesPerSecond": round(rate, 3),
              "partSeconds": {k: round(v, 3) for k, v in part_seconds.items()}}
    if memory_format:
        figure["memoryFormat"] = memory_format
    print(json.dumps(figure), flush=True)


def main():
    parser = argparse.ArgumentParser()
    # No defaults: hack/benchmark-trainer names the figures to both sides.
    parser.add_argument("--models", required=True, help="comma-separated torchvision ResNets, e.g. ResNet18,ResNet50")
    parser.add_argument("--sizes", required=True, help="comma-separated image sizes in pixels, e.g. 224,64")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--warmup-steps", type=int, default=3)
    parser.add_argument("--min-steps", type=int, default=5)
    parser.add_argument("--min-seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--data", help="DIR/<size>/train as the trainer's benchmark wrote it")
    parser.add_argument("--loader-workers", type=int, default=2)
    parser.add_argument("--skip", default="")
    parser.add_argument("--memory-format", choices=["contiguous", "channels-last"], default="contiguous")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    implementation = "pytorch-" + torch.__version__.split("+")[0]
    sizes = [int(s) for s in args.sizes.split(",")]
    if "data" not in args.skip and args.data:
        for size in sizes:
            data(f"{args.data}/{size}/train", size, args.batch, args.loader_workers, args.min_seconds / 4,
                 implementation)
    if "train" not in args.skip:
        for model in args.models.split(","):
            for size in sizes:
                train(model, size, args.batch, args.warmup_steps, args.min_steps, args.min_seconds, args.threads,
                      implementation, args.memory_format)


if __name__ == "__main__":
    main()
