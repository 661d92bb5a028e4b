"""Go's text/tabwriter, the column aligner behind every kubectl table and `kubectl describe`.

kubectl never pads columns itself: it writes cells separated by tabs and lets a tabwriter align
them, so exact output depends on Go's algorithm. Two facts matter most:

- A column is aligned only across a *block* of consecutive lines that all have a cell in it;
  a line with fewer cells ends the block. That is why sections of `kubectl describe` have
  different label widths.
- The last cell of a line is never part of a column, so it is never padded (no trailing
  spaces unless an earlier cell was empty-padded).

Port of the algorithm in Go's src/text/tabwriter/tabwriter.go (Writer.format, writeLines),
for the flags kubectl uses (none that change layout: padding with spaces, left aligned).
github.com/liggitt/tabwriter, used by `kubectl get`, only adds RememberWidths, which matters
across several flushes (watch output), not within one table.
"""

from __future__ import annotations

# cli-runtime pkg/printers/tabwriter.go: GetNewTabWriter(output) =
# NewWriter(out, tabwriterMinWidth=6, tabwriterWidth=4, tabwriterPadding=3, " ", RememberWidths)
GET_MINWIDTH = 6
GET_PADDING = 3
# staging/src/k8s.io/kubectl/pkg/describe/describe.go tabbedString: out.Init(buf, 0, 8, 2, ' ', 0)
DESCRIBE_MINWIDTH = 0
DESCRIBE_PADDING = 2


def align(text: str, *, minwidth: int, padding: int) -> str:
    """Format tab-separated `text` the way a Go tabwriter with these settings would."""
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    _format(lines, [], 0, len(lines), minwidth, padding, out)
    return "".join(out)


def _format(
    lines: list[list[str]],
    widths: list[int],
    line0: int,
    line1: int,
    minwidth: int,
    padding: int,
    out: list[str],
) -> None:
    """Writer.format: find each block of lines sharing column len(widths), size it, recurse."""
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        # This line opens a block: flush the lines before it with the widths known so far.
        _write_lines(lines, widths, line0, this, out)
        line0 = this
        width = minwidth
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        widths.append(width)
        _format(lines, widths, line0, this, minwidth, padding, out)
        widths.pop()
        line0 = this
    _write_lines(lines, widths, line0, line1, out)


def _write_lines(
    lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]
) -> None:
    for index in range(line0, line1):
        for j, cell in enumerate(lines[index]):
            out.append(cell)
            if j < len(widths):
                out.append(" " * (widths[j] - len(cell)))
        if index + 1 < len(lines):
            out.append("\n")
