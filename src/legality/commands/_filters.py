"""`--severity`, `--rule`, `--court`, `--article`: one spelling for `scan` and `review list`.

Why shared: a prosecutor who narrows the morning list with `review list --court 1951 --article 188`
types the same options on `scan`, and gets the same matching (`report.filter`: court code or a part
of its name, the finding's episode article).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import click

from ..i18n import _
from ..report.filter import CandidateFilter, article_key
from ..result.candidate import SEVERITIES


def _articles(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for v in values:
        key = article_key(v)
        if key is None:
            raise click.BadParameter(_("«{value}» — не номер статьи; пример: 188 или 188-1").format(value=v))
        out.append(key)
    return tuple(out)


def _courts(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    out = tuple(v.strip() for v in values)
    if any(not v for v in out):
        raise click.BadParameter(_("пустое значение: укажите код суда или часть его названия"))
    return out


SEVERITY = click.option("--severity", "severities", type=click.Choice(SEVERITIES), multiple=True,
                        help="Only candidates of this severity (repeatable: --severity high --severity medium).")
RULE = click.option("--rule", "rule_ids", multiple=True, metavar="RULE_ID",
                    help="Only candidates of this rule (rule id, repeatable; `legality rules` lists them).")
COURT = click.option("--court", "courts", multiple=True, callback=_courts, metavar="COURT",
                     help="Only candidates of this court: its code, or a case-insensitive part of its name "
                          "(repeatable).")
ARTICLE = click.option("--article", "articles", multiple=True, callback=_articles, metavar="ARTICLE",
                       help="Only candidates whose episode is under this article of the Criminal Code, e.g. "
                            "188 or 188-1 (repeatable; a finding on the whole verdict matches any of its articles).")

FILTER_OPTIONS: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [SEVERITY, RULE, COURT, ARTICLE]


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(FILTER_OPTIONS):
        f = opt(f)
    return f


def make_filter(severities: Iterable[str] = (), rule_ids: Iterable[str] = (), courts: Iterable[str] = (),
                articles: Iterable[str] = (), *, known_rules: Iterable[str] | None = None) -> CandidateFilter:
    """The filter of the options; an unknown rule id is a usage error (a typo would hide everything)."""
    rule_ids = tuple(dict.fromkeys(rule_ids))
    if known_rules is not None:
        known = set(known_rules)
        unknown = [r for r in rule_ids if r not in known]
        if unknown:
            raise click.BadParameter(_("нет такого правила: {rules} (список: `legality rules`)")
                                     .format(rules=", ".join(unknown)), param_hint="--rule")
    return CandidateFilter(severities=tuple(dict.fromkeys(severities)), rules=rule_ids,
                           courts=tuple(dict.fromkeys(courts)), articles=tuple(dict.fromkeys(articles)))
