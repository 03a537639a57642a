"""Prints what torchvision's ImageFolder makes of a folder: its classes and its samples, as JSON.

    python3 image_folder.py ROOT

{"classes": [...], "samples": [["relative/path", class_index], ...]}. The loader is never called, so the files need
not be images.
"""

import json
import os
import sys

from torchvision.datasets import ImageFolder


def main(root):
    folder = ImageFolder(root)
    samples = [[os.path.relpath(path, root), index] for path, index in folder.samples]
    print(json.dumps({"classes": folder.classes, "samples": samples}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
