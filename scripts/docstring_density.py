"""Docstring lines per line of logic, per module of ``gis/`` (issue 13: ≈0.1 here, 0.6–1.1
in osmnx, geopandas and momepy).

A docstring line is a line inside a module, class or function docstring; a logic line is
any other non-blank line that is not only a comment. Run from the repository root::

    python scripts/docstring_density.py            # one row per module, then the total
    python scripts/docstring_density.py gis/io     # a folder or some files
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path


def _docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers (1-based) covered by the docstrings of ``tree``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def _code_lines(source: str) -> set[int]:
    """Lines holding at least one token that is not a comment, newline or indentation."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip and tok.type != tokenize.ENDMARKER:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines


def count(path: Path) -> tuple[int, int]:
    """(docstring lines, logic lines) of one Python file."""
    source = path.read_text(encoding="utf-8")
    doc = _docstring_lines(ast.parse(source))
    code = _code_lines(source) - doc
    return len(doc), len(code)


def main(argv: list[str]) -> None:
    targets = [Path(a) for a in argv] or [Path("gis")]
    files = sorted(
        f for t in targets for f in ([t] if t.is_file() else t.rglob("*.py")) if f.is_file()
    )
    total_doc = total_code = 0
    print(f"{'module':40} {'doc':>6} {'logic':>6} {'ratio':>6}")
    for f in files:
        doc, code = count(f)
        total_doc, total_code = total_doc + doc, total_code + code
        print(f"{str(f):40} {doc:6d} {code:6d} {doc / max(code, 1):6.2f}")
    print(f"{'total':40} {total_doc:6d} {total_code:6d} {total_doc / max(total_code, 1):6.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
