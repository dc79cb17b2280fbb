#!/usr/bin/env python3
"""Draws a benchmark's result table as an SVG bar chart: one bar per row, its
length the row's requests (or transactions) per second, the first number on
the row. Reads what desafio3.sh or desafio5.sh printed (saved with tee), from
the table's header line (starting "path" or "measure") to the first line
that is not a row (indented notes under a row are skipped). Usage: chart.py TITLE OUTPUT > chart.svg"""
import html
import sys

WIDTH, LABEL, BAR_HEIGHT, GAP, TOP = 760, 330, 22, 10, 46


def rows(lines):
    """(name, first number) of each row of the first table in lines."""
    found, table = False, []
    for line in lines:
        words = line.split()
        if not found:
            found = bool(words) and words[0] in ("path", "measure")
            continue
        if line.startswith(" "):
            continue  # a note under a row
        numbers = []
        while words and _number(words[-1]) is not None or words and words[-1] == "-":
            numbers.insert(0, words.pop())
        if not words or not numbers or _number(numbers[0]) is None:
            if table:
                break
            continue
        table.append((" ".join(words), _number(numbers[0])))
    return table


def _number(word):
    try:
        return float(word)
    except ValueError:
        return None


def svg(title, table):
    top = max(value for _, value in table)
    height = TOP + len(table) * (BAR_HEIGHT + GAP) + 16
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'font-family="sans-serif" font-size="13">',
           f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
           f'<text x="10" y="24" font-size="15" font-weight="bold">{html.escape(title)}</text>']
    for i, (name, value) in enumerate(table):
        y = TOP + i * (BAR_HEIGHT + GAP)
        length = (WIDTH - LABEL - 90) * value / top
        out.append(f'<text x="{LABEL - 8}" y="{y + 16}" text-anchor="end">{html.escape(name)}</text>')
        out.append(f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="#4a78b0"/>')
        out.append(f'<text x="{LABEL + length + 6:.1f}" y="{y + 16}">{value:,.0f}/s</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(title, path):
    table = rows(open(path, encoding="utf-8", errors="replace").read().splitlines())
    if not table:
        sys.exit(f"{path}: no result table (a line starting 'path' or 'measure', then rows)")
    sys.stdout.write(svg(title, table))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
