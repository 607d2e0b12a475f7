"""Where the shipped grammar, rules and law catalogue live (a source checkout, installed editable)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GRAMMAR_FILE = PROJECT_ROOT / "grammar" / "legality.lark"
RULES_DIR = PROJECT_ROOT / "rules"
LAW_DIR = RULES_DIR / "law"
FIXTURES_DIR = PROJECT_ROOT / "fixtures"
