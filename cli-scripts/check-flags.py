#!/usr/bin/env python3
"""Checks that every option of every docker command an up.sh printed has its
reason in the flags page: a table row whose first cell names it (`--flag`, or
several, comma separated). One line per option without a row, naming the
command it was printed in; exits non-zero when there is any.
Usage: check-flags.py FLAGS.md UP_OUTPUT..."""
import importlib.util
import os
import re
import sys

# The printed commands are read as check-guide.py reads them.
_spec = importlib.util.spec_from_file_location(
    "check_guide", os.path.join(os.path.dirname(os.path.abspath(__file__)), "check-guide.py"))
check_guide = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_guide)


def explained(path):
    """The options named in the first cell of the page's table rows."""
    names = set()
    for line in open(path, encoding="utf-8"):
        if line.startswith("| `--"):
            names.update(re.findall(r"`(--[a-z][a-z0-9-]*)`", line.split("|")[1]))
    return names


def main(page, outputs):
    known = explained(page)
    missing = {}
    for output in outputs:
        for command in check_guide.printed_commands(output):
            try:
                sub, name, options = check_guide.parsed(command)
            except ValueError:
                continue  # an argument spread over several lines (a query)
            for option, _ in options:
                if option not in known:
                    missing.setdefault(option, f"docker {sub} {name} ({os.path.basename(output)})")
    for option, where in sorted(missing.items()):
        print(f"{page}: no row says why {option} is there (printed in {where})")
    return len(missing)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(1 if main(sys.argv[1], sys.argv[2:]) else 0)
