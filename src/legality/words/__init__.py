"""Values in words, for people: «4 года 6 месяцев», «1 500 МРП», «5 нарушений», «не более 5 лет».

Why one renderer: a term or an amount must read the same in the table a prosecutor scans, the HTML
report, `explain`, the draft protest, `review` and `stats`, in Russian and in Kazakh; and no
identifier of the rule language or of the code («mrp 1500», «medium», «max_age») may reach them.

Why typed values first: a code such as «medium» means «средней тяжести» for a category and
«учреждение средней безопасности» for a regime; only the engine's typed value (an enum member) tells
which.  So the engine renders `actual`, `allowed` and facts into words when a rule fires (the
report's `*_text` fields); `say_json` is the fallback for a report line that predates them.

Public API (stable; the formats, explain, protest, review and the engine call only these):
  say(value, lang=None)            any engine value (Term, Quantity, enum, bool, date, Fraction, list, ArticleRef,
                                   Citation, penalty) in words
  say_json(value, lang=None)       a JSON value of a report (actual / allowed / fact), best effort
  term(years, months, days, lang=None)   «4 года 6 месяцев» / «4 жыл 6 ай»
  count(n, noun, lang=None)        «5 нарушений»: `noun` is a Russian lemma of NOUNS («нарушение»)
  plural(n, noun, lang=None)       the noun's form agreeing with n, without the number
  bound(key, text, lang=None)      one entry of `allowed`: ("max", "5 лет") → «не более 5 лет»
  BOUND_KEYS                       the closed set of keys `allowed` may use (the compiler refuses others)
  number(x, lang=None)             «1 500», «0,5»
  date(d, lang=None)               «21.06.2022»
  cite(c, lang=None)               a citation (dict of the report or Citation) → «ч.1 ст.52 УК РК» / «ҚР ҚК 52-бабының 1-бөлігі»
  severity(code, lang=None), status(code, lang=None)

`lang` None means the process's language (`legality.i18n.language()`).
"""

from __future__ import annotations

from .render import (BOUND_KEYS, NOUNS, bound, cite, count, date, number, plural, say, say_json,
                     severity, status, term)

__all__ = ["BOUND_KEYS", "NOUNS", "bound", "cite", "count", "date", "number", "plural", "say", "say_json",
           "severity", "status", "term"]
