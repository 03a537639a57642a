"""Writes the state_dict names and shapes of torchvision's ResNet-18 and ResNet-50 (10 classes), which the
trainer's parameter names are tested against:

    /usr/bin/python3 trainer-image/src/test/python/torchvision_state_dicts.py trainer-image/src/test/resources/pytorch
"""
import pathlib
import sys

import torchvision

out = pathlib.Path(sys.argv[1])
for name in ["resnet18", "resnet50"]:
    model = getattr(torchvision.models, name)(num_classes=10)
    lines = [f"{key} {list(value.shape)}\n" for key, value in model.state_dict().items()]
    (out / f"{name}-state-dict.txt").write_text("".join(lines))
