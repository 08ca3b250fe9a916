"""podpy image tree: an image's layers, and the images whose top layer each one is."""

from __future__ import annotations

import sys

import click

from podpy.cli.state import cli_state


@click.command("tree", help="Prints layer hierarchy of an image in a tree format")
@click.option("--whatrequires", is_flag=True, help="Show all child images and layers of the specified image")
@click.argument("image")
def tree(whatrequires: bool, image: str) -> int:
    from podpy.util.units import human_size

    report = cli_state().engine.images.tree(image, whatrequires=whatrequires)
    lines = [f"Image ID: {report.id[:12]}",
             f"Tags:     [{' '.join(report.tags)}]",
             f"Size:     {human_size(report.size, 4).replace(' ', '')}",
             "Image Layers" if report.layers else "No Image Layers"]
    for index, layer in enumerate(report.layers):
        branch = "└── " if index == len(report.layers) - 1 else "├── "
        size = human_size(layer.size, 4).replace(" ", "")
        line = f"{branch}ID: {layer.id[:12]} Size: {size:>7}"
        if layer.top_layer_of:
            line += f" Top Layer of: [{' '.join(layer.top_layer_of)}]"
        lines.append(line)
    sys.stdout.write("\n".join(lines) + "\n\n")
    return 0
