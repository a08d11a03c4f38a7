"""A flow as a picture, for the people who check the content against the seeds.

``to_dot`` writes Graphviz DOT (no Flask, no binary needed); ``render_svg`` runs Graphviz's ``dot``
(the Debian package ``graphviz``) to turn it into SVG. Every node shows the step's title on a line
of its own, so a reviewer can find a step by the words the app shows.
"""
from __future__ import annotations

import shutil
# subprocess runs the fixed `dot` binary on our own DOT text, without a shell
import subprocess  # nosec B404
from pathlib import Path

from webapp.flows.loader import Flow, Step

KIND_LABELS = {"question": "vraag", "info": "uitleg", "checklist": "checklist", "outcome": "uitkomst"}
KIND_STYLES = {
    "question": 'shape=box, style="rounded,filled", fillcolor="#fff4d6"',
    "info": 'shape=box, style="filled", fillcolor="#eef3f8"',
    "checklist": 'shape=box, style="filled", fillcolor="#eef3f8", peripheries=2',
    "outcome": 'shape=box, style="bold,filled", fillcolor="#e3f4e8"',
}
URGENT_STYLE = 'shape=box, style="bold,filled", fillcolor="#fde2e1", color="#b3261e"'


class GraphError(RuntimeError):
    pass


def _quote(text: str) -> str:
    """A DOT string: quotes and backslashes escaped; a newline becomes DOT's centred line break."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node_label(step: Step) -> str:
    lines = [step.title, f"[{KIND_LABELS[step.kind]}: {step.id}]"]
    if step.kind == "outcome":
        lines.append("bel: " + ", ".join(c.target for c in step.calls) if step.calls else "geen politie")
    return "\n".join(lines)


def to_dot(flow: Flow) -> str:
    lines = [
        f"digraph {_quote(flow.id)} {{",
        f"  graph [label={_quote(f'{flow.title} (versie {flow.version})')}, labelloc=t, fontname=Helvetica, "
        "rankdir=TB, nodesep=0.3, ranksep=0.45];",
        '  node [fontname=Helvetica, fontsize=11, margin="0.15,0.08"];',
        "  edge [fontname=Helvetica, fontsize=9, color=\"#555555\"];",
    ]
    for step in flow.steps.values():
        urgent = step.kind == "outcome" and any(c.target == "112" for c in step.calls)
        style = URGENT_STYLE if urgent else KIND_STYLES[step.kind]
        sources = "; ".join(s.label for s in step.sources)
        attrs = f"label={_quote(_node_label(step))}, tooltip={_quote('Bronnen: ' + sources)}, {style}"
        if step.id == flow.start:
            attrs += ", penwidth=2"
        lines.append(f"  {_quote(step.id)} [{attrs}];")
    for step in flow.steps.values():
        for answer in step.answers:
            lines.append(f"  {_quote(step.id)} -> {_quote(answer.next)} [label={_quote(answer.label)}];")
        if step.next:
            lines.append(f"  {_quote(step.id)} -> {_quote(step.next)} "
                         f"[label={_quote(step.next_label or 'verder')}, style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_binary() -> str:
    found = shutil.which("dot")
    if not found:
        raise GraphError("Graphviz is not installed: `dot` was not found (Debian: apt-get install graphviz; "
                         "`make test` installs it)")
    return found


def render_svg(dot_source: str, binary: str | None = None) -> str:
    result = subprocess.run([binary or dot_binary(), "-Tsvg"], input=dot_source.encode(),
                            capture_output=True, timeout=60, check=False)
    if result.returncode != 0:
        raise GraphError(f"dot failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode()


def write_graphs(flows, out: Path) -> list[Path]:
    """One DOT file and one SVG per flow in ``out``; returns the SVG paths."""
    out.mkdir(parents=True, exist_ok=True)
    binary = dot_binary()
    written = []
    for flow in flows:
        source = to_dot(flow)
        (out / f"{flow.id}.dot").write_text(source, encoding="utf-8")
        svg = out / f"{flow.id}.svg"
        svg.write_text(render_svg(source, binary), encoding="utf-8")
        written.append(svg)
    return written
