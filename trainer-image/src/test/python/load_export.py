"""Loads a trainer export into torchvision's ResNet and runs it on the input the trainer ran, for
TorchvisionExportTest:

    /usr/bin/python3 load_export.py MODEL.safetensors IO.safetensors ARCHITECTURE NUM_CLASSES

MODEL goes through load_state_dict(strict=True) as it is; IO holds "input" and the trainer's "logits".
Prints one JSON object: the largest difference between the two outputs, and what was loaded.
The safetensors format is read here in a few lines, as Debian has no python3-safetensors.
"""
import json
import struct
import sys

import torch
import torchvision

DTYPES = {"F32": torch.float32, "I64": torch.int64}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(data[start + begin:start + end]), dtype=DTYPES[entry["dtype"]])
        tensors[name] = values.reshape(entry["shape"])
    return tensors, metadata


def main(model_path, io_path, architecture, num_classes):
    state, metadata = load(model_path)
    model = getattr(torchvision.models, architecture.lower())(num_classes=int(num_classes))
    model.load_state_dict(state)
    model.eval()
    io, _ = load(io_path)
    with torch.no_grad():
        logits = model(io["input"])
    print(json.dumps({
        "maxAbsDiff": (logits - io["logits"]).abs().max().item(),
        "maxAbsLogit": io["logits"].abs().max().item(),
        "tensors": len(state),
        "stateDictTensors": len(model.state_dict()),
        "numBatchesTracked": model.bn1.num_batches_tracked.item(),
        "epoch": metadata.get("epoch"),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
