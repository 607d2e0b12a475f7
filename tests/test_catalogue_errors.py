"""Bad catalogue data: every problem is reported at once, with file and line, never a traceback."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from legality.law import Catalogue, CatalogueError
from legality.model import ArticleRef, Quantity

HEAD = """\
article: "500"
title: Тестовая статья
chapter: 10
source: https://example.org/code
edition: test edition
"""


def entry(valid_from: str, valid_to: str | None, max_years: int, part: int = 1) -> str:
    to = valid_to or "null"
    return dedent(f"""\
      - part: {part}
        summary: тест
        category: {"medium" if max_years <= 5 else "grave"}
        principal:
          - kind: imprisonment
            min: null
            max: {{years: {max_years}}}
        valid_from: {valid_from}
        valid_to: {to}
        verified: true
    """)


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def load_errors(tmp: Path) -> list:
    with pytest.raises(CatalogueError) as ei:
        Catalogue.load(tmp)
    return ei.value.diagnostics


def test_gap_between_editions_is_unknown_edition(tmp_path: Path) -> None:
    write(tmp_path, "sanctions/500.yaml", HEAD + "entries:\n"
          + entry("2015-01-01", "2018-12-31", 3) + entry("2020-01-01", None, 7))
    cat = Catalogue.load(tmp_path)
    r = ArticleRef("500", 1)
    assert cat.sanction(r, date(2017, 5, 5)).sanction.max_of("imprisonment").value == 36
    assert cat.sanction(r, date(2021, 5, 5)).sanction.max_of("imprisonment").value == 84
    gap = cat.sanction(r, date(2019, 6, 1))
    assert gap.status == "unknown_edition" and gap.sanction is None
    assert "01.06.2019" in gap.message
    # the last day of an edition is still inside it
    assert cat.sanction(r, date(2018, 12, 31)).found


def test_overlapping_editions_are_E302(tmp_path: Path) -> None:
    write(tmp_path, "sanctions/500.yaml", HEAD + "entries:\n"
          + entry("2015-01-01", "2019-12-31", 3) + entry("2019-06-01", None, 7))
    diags = load_errors(tmp_path)
    assert [d.code for d in diags] == ["E302"]
    assert diags[0].span.file.endswith("500.yaml") and diags[0].span.line > 1


def test_overlapping_parameter_editions_are_E302(tmp_path: Path) -> None:
    write(tmp_path, "general.yaml", dedent("""\
        defaults: {source: https://example.org, edition: test}
        params:
          arrest.max:
            type: days
            citation: УК РК ст.45 ч.2
            editions:
              - {valid_from: 2015-01-01, value: 50, verified: true}
              - {valid_from: 2018-01-01, value: 60, verified: true}
        """))
    assert [d.code for d in load_errors(tmp_path)] == ["E302"]


def test_malformed_yaml_is_E301_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "sanctions/500.yaml", HEAD + "entries:\n  - part: 1\n    summary: [unclosed\n")
    diags = load_errors(tmp_path)
    assert diags[0].code == "E301"
    assert diags[0].span.file.endswith("500.yaml") and diags[0].span.line >= 8
    assert "YAML" in diags[0].message


def test_invalid_value_points_at_its_line_and_all_problems_are_collected(tmp_path: Path) -> None:
    bad = HEAD + "entries:\n" + entry("2015-01-01", None, 3).replace("kind: imprisonment", "kind: flogging")
    write(tmp_path, "sanctions/500.yaml", bad)
    write(tmp_path, "general.yaml", dedent("""\
        defaults: {source: https://example.org, edition: test}
        params:
          unfinished.attempt_fraction:
            type: fraction
            citation: УК РК ст.56 ч.3
            editions:
              - {valid_from: 2015-01-01, value: 0.75, verified: true}
        """))
    write(tmp_path, "notes.yaml", "- just a list\n")
    diags = load_errors(tmp_path)
    assert all(d.code == "E301" for d in diags)
    by_file = {Path(d.span.file).name: d for d in diags}
    assert set(by_file) == {"500.yaml", "general.yaml", "notes.yaml"}
    kind_line = next(i for i, x in enumerate(bad.splitlines(), 1) if "kind: flogging" in x)
    assert by_file["500.yaml"].span.line in (kind_line, kind_line + 1)
    assert "kind" in by_file["500.yaml"].message
    assert by_file["general.yaml"].span.line == 7 and "3/4" in by_file["general.yaml"].message


def test_non_utf8_file_is_E301(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_bytes(b"params:\n  a: \xff\xfe\n")
    diags = load_errors(tmp_path)
    assert diags[0].code == "E301" and "UTF-8" in diags[0].message
    assert "(байт 13)" in diags[0].message and "invalid" not in diags[0].message  # not the decoder's English


def test_min_above_max_is_rejected(tmp_path: Path) -> None:
    text = HEAD + "entries:\n" + entry("2015-01-01", None, 3).replace("min: null", "min: {years: 4}")
    write(tmp_path, "sanctions/500.yaml", text)
    diags = load_errors(tmp_path)
    assert diags[0].code == "E301" and "min" in diags[0].message


def test_missing_directory_is_E301(tmp_path: Path) -> None:
    diags = load_errors(tmp_path / "nope")
    assert diags[0].code == "E301"


def test_param_types_are_checked(tmp_path: Path) -> None:
    write(tmp_path, "general.yaml", dedent("""\
        defaults: {source: https://example.org, edition: test}
        params:
          fine.max_crime:
            type: mrp
            citation: УК РК ст.41 ч.2
            editions:
              - {valid_from: 2015-01-01, value: 10000, verified: true}
          imprisonment.max:
            type: term
            citation: УК РК ст.46 ч.3
            editions:
              - {valid_from: 2015-01-01, value: {years: 15}, verified: true}
        """))
    cat = Catalogue.load(tmp_path)
    assert cat.param("fine.max_crime", date(2016, 1, 1)).value == Quantity(10000, "mrp")
    assert cat.param("imprisonment.max", date(2016, 1, 1)).value.total_months == 180
    assert cat.param("imprisonment.max", date(2014, 1, 1)) is None
    assert cat.param_spec("fine.max_crime").type == "mrp"
