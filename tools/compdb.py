#!/usr/bin/env python3
"""Writes compile_commands.json (for clangd and other editors) from the *.o.cmd files the
compile rules leave next to each object: line 1 is the source, line 2 the command."""
import json
import pathlib
import sys

root, build = sys.argv[1], pathlib.Path(sys.argv[2])
entries = []
for cmd in sorted(build.rglob("*.o.cmd")):
    lines = cmd.read_text().splitlines()
    if len(lines) >= 2:
        entries.append({"directory": root, "file": lines[0], "command": lines[1]})
json.dump(entries, sys.stdout, indent=1)
print()
