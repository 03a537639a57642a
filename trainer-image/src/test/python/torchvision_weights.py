"""torchvision's side of InitialWeightsTest: writes a randomly initialised torchvision ResNet's state_dict as
safetensors, as safetensors.torch.save_file(model.state_dict(), f) does, and runs torchvision on an input the trainer
ran, with the trainer's head:

    /usr/bin/python3 torchvision_weights.py write ARCHITECTURE NUM_CLASSES SEED OUT.safetensors
    /usr/bin/python3 torchvision_weights.py forward ARCHITECTURE WEIGHTS.safetensors IO.safetensors

"write" moves batch norm's weights, biases, running statistics and counters (and the head's bias) away from their
initial 1, 0, 0, 1 and 0, so that a file's values differ from any initialisation and a network in evaluation mode
depends on its running statistics. "forward" loads WEIGHTS with load_state_dict(strict=True), replaces the head by
IO's "fc.weight" and "fc.bias", runs IO's "input" in evaluation mode and prints one JSON object: the largest
difference from IO's "logits". The format is written here in a few lines, as Debian has no python3-safetensors.
"""
import json
import struct
import sys

import torch
import torchvision

from load_export import load

DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save(tensors, path):
    header, offset, chunks = {}, 0, []
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)  # safetensors pads the header to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))


def write(architecture, num_classes, seed, path):
    torch.manual_seed(int(seed))
    model = getattr(torchvision.models, architecture)(num_classes=int(num_classes))
    state = model.state_dict()
    for name, tensor in state.items():
        if name.endswith(".running_mean") or (tensor.dim() == 1 and name.endswith(".bias")):
            tensor.uniform_(-0.5, 0.5)
        elif name.endswith(".running_var") or (tensor.dim() == 1 and name.endswith(".weight")):
            tensor.uniform_(0.5, 2.0)
        elif name.endswith(".num_batches_tracked"):
            tensor.fill_(17)
    save(state, path)


def forward(architecture, weights_path, io_path):
    state, _ = load(weights_path)
    io, _ = load(io_path)
    model = getattr(torchvision.models, architecture)(num_classes=state["fc.weight"].shape[0])
    model.load_state_dict(state)
    model.fc = torch.nn.Linear(io["fc.weight"].shape[1], io["fc.weight"].shape[0])
    model.fc.load_state_dict({"weight": io["fc.weight"], "bias": io["fc.bias"]})
    model.eval()
    with torch.no_grad():
        logits = model(io["input"])
    print(json.dumps({
        "maxAbsDiff": (logits - io["logits"]).abs().max().item(),
        "maxAbsLogit": logits.abs().max().item(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
    }))


if __name__ == "__main__":
    {"write": write, "forward": forward}[sys.argv[1]](*sys.argv[2:])
