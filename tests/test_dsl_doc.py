"""Every `legal` example of docs/dsl.md compiles (as one rule file); every `legal-error` one fails with its code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from legality.engine import Engine
from legality.resources import LAW_DIR

DOC = Path(__file__).resolve().parents[1] / "docs" / "dsl.md"
BLOCK = re.compile(r"```(legal(?:-error (\w+))?)\n(.*?)```", re.S)


def _blocks():
    return [(m.group(1), m.group(2), m.group(3)) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def _ruleset(tmp_path: Path, text: str) -> Path:
    (tmp_path / "doc.legal").write_text(text, encoding="utf-8")
    (tmp_path / "law").symlink_to(LAW_DIR, target_is_directory=True)
    return tmp_path


def test_doc_has_examples():
    kinds = [k for k, _, _ in _blocks()]
    assert kinds.count("legal") >= 5 and any(k.startswith("legal-error") for k in kinds)


def test_all_good_examples_compile_together(tmp_path):
    text = "\n".join(body for kind, _, body in _blocks() if kind == "legal")
    engine, diags = Engine.compile(_ruleset(tmp_path, text))
    errors = [d.render() for d in diags if d.is_error]
    assert engine is not None, "\n".join(errors)
    ids = {r.id for r in engine.rules}
    assert {"doc-attempt-term-cap", "doc-general-cap", "doc-specific-cap"} <= ids


@pytest.mark.parametrize("code,body", [(c, b) for k, c, b in _blocks() if k.startswith("legal-error")])
def test_error_examples_fail_with_their_code(tmp_path, code, body):
    engine, diags = Engine.compile(_ruleset(tmp_path, body))
    assert engine is None
    assert code in {d.code for d in diags if d.is_error}
