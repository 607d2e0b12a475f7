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
  count(n, noun, lang=None, case="nom")   «5 нарушений»: `noun` is a Russian lemma of vocabulary.txt; case="gen" «из 4 записей»
  plural(n, noun, lang=None)       the noun's form agreeing with n, without the number
  bound(key, text, lang=None)      one entry of `allowed`: ("max", "5 лет") → «не более 5 лет»
  BOUND_KEYS                       the closed set of keys `allowed` may use (the compiler refuses others)
  number(x, lang=None)             «1 500», «0,5»
  date(d, lang=None)               «21.06.2022»
  cite(c, lang=None)               a citation (dict of the report or Citation) → «ч.1 ст.52 УК РК» / «ҚР ҚК 52-бабының 1-бөлігі»
  cites(cs, lang=None)             several citations, «; » between them
  article(ref, lang=None, act="УК РК")   an ArticleRef → «п.3 ч.2 ст.188 УК РК» / «ҚР ҚК 188-бабының 2-бөлігінің 3-тармағы»
  circumstance(code, lang=None)    a mitigating/aggravating code of the export «53.1.6» → «п.6 ч.1 ст.53 УК РК»
  label(member, lang=None)         an enum member by its label («учреждение максимальной безопасности»)
  penalty(p, lang=None), sentence(s, lang=None)   a penalty / sentence of the verdict model
                                   («лишение свободы на срок 5 лет 6 месяцев», «штраф в размере 1 500 МРП»)
  allowed_words(allowed, lang=None)   the engine's typed `allowed` (dict key → value, or one value) in words
  severity(code, lang=None), status(code, lang=None)   «высокая»; a record's, a finding's or a run's status
  field(path, lang=None)           a field of the export (a record error's JSON path) in words:
                                   «offences[0].sentence.principal.mrp» → «эпизод 1 → наказание → основное
                                   наказание → размер в МРП» (fields.py; machine outputs keep the path)

`lang` None means the process's language (`legality.i18n.language()`).

Russian nouns after numerals come from ru_forms.py, generated from vocabulary.txt with pymorphy3 by
`python tools/gen_ru_forms.py` (the runtime never imports pymorphy3); add a noun you count there.
"""

from __future__ import annotations

from .fields import field
from .render import (BOUND_KEYS, LANGS, NOUNS, SEVERITIES, STATUSES, allowed_words, article, bound, circumstance,
                     cite, cites, count, date, label, number, penalty, plural, say, say_json, sentence, severity,
                     status, term)

__all__ = ["BOUND_KEYS", "LANGS", "NOUNS", "SEVERITIES", "STATUSES", "allowed_words", "article", "bound",
           "circumstance", "cite", "cites", "count", "date", "field", "label", "number", "penalty", "plural", "say",
           "say_json", "sentence", "severity", "status", "term"]
