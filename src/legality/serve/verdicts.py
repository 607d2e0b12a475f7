"""The verdict behind a case page: read again from the export the nightly scan read, evaluated again.

Why read again: the store keeps each finding (its report line: title, message, facts in words,
what was imposed and what the law allows, the norms) and the verdict's public particulars (court,
region, judge, verdict date, articles), not the verdict itself.  The prosecutor's `explain` view and
the protest draft need the whole verdict (episodes, sentences, prior convictions), so, like
`legality protest --db`, the record is read from the file and line the store names and evaluated with
the current rules.  When the file has moved or changed, the page says so and shows what the store
has; the draft is then made from the stored findings and the particulars the store keeps.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import words
from ..i18n import _
from ..report.columns import article_text
from ..report.context import RecordContext


@dataclass
class Found:
    """A case's record: decoded (`item`), or why not (`problem`, in words)."""
    item: Any = None
    where: str = ""
    problem: str = ""


_ENGINES: dict[tuple[str | None, str], Any] = {}
_ENGINE_LOCK = threading.Lock()


def engine_for(rules_dir: str | None, lang: str) -> Any:
    """The compiled pack whose texts are in `lang` (compiled once per language, then kept)."""
    from ..engine import Engine

    key = (rules_dir, lang)
    with _ENGINE_LOCK:
        if key not in _ENGINES:
            engine, _diags = Engine.compile(rules_dir, lang=lang)
            if engine is None:
                raise RuntimeError("the rule pack does not compile")
            _ENGINES[key] = engine
        return _ENGINES[key]


def rule_titles(rules_dir: str | None, lang: str) -> dict[str, str]:
    return {r.id: r.title for r in engine_for(rules_dir, lang).rules}


def record_places(conn: Any, case_id: str) -> list[tuple[str, int]]:
    """Where the store last read this case's records, newest first (as `legality protest --db` asks)."""
    return [(str(f), int(ln)) for f, ln in conn.execute(
        "SELECT file, line FROM records WHERE case_id = ? ORDER BY last_run DESC, id DESC", (case_id,))]


def find_record(places: list[tuple[str, int]], case_id: str) -> Found:
    """The valid record of `case_id` at one of `places` (its line, else anywhere in that file)."""
    from ..io.reader import decode, iter_raw, resolve_inputs

    if not places:
        return Found(problem=_("хранилище не знает, из какого файла прочитано это дело"))
    tried = []
    for file, line in places:
        if not Path(file).is_file():
            tried.append(file)
            continue
        sources, _errors = resolve_inputs([file])
        needle = case_id.encode("utf-8")
        other = None
        for raw in iter_raw(sources):
            if raw.data is None or (needle not in raw.data and b"\\" not in raw.data):
                continue
            item = decode(raw)
            if item.case_id != case_id or item.verdict is None:
                continue
            if raw.line == line:
                return Found(item, f"{file}:{line}")
            other = other or item
        if other is not None:
            return Found(other, f"{other.file}:{other.line}")
        tried.append(file)
    return Found(problem=_("запись дела не найдена в файле выгрузки ({files}): файл перемещён или изменён").format(
        files=", ".join(tried)))


def particulars(found: Found, ctx: RecordContext | None, case_id: str) -> dict[str, Any]:
    """The verdict in words: from the record when it was found, else what the store keeps."""
    if found.item is not None:
        from ..report.protest import particulars_of, prior_convictions

        whole = particulars_of(found.item.verdict)
        whole["prior_convictions"] = prior_convictions(found.item.verdict)
        whole["complete"] = True
        return whole
    v: dict[str, Any] = {"case_id": case_id, "complete": False, "offences": [], "prior_convictions": [],
                         "court": "", "region": "", "verdict_date": "", "person_id": "", "procedure": "",
                         "final_sentence": ""}
    if ctx is not None:
        v.update(court=ctx.court, region=ctx.region or "",
                 verdict_date=words.date(ctx.verdict_date) if ctx.verdict_date else "")
        v["offences"] = [{"id": oid, "text": article_text(ctx, oid), "committed_on": "", "sentence": "",
                          "mitigating": [], "aggravating": []} for oid, _ref in ctx.articles]
    return v


def evaluated(found: Found, rules_dir: str | None, lang: str) -> tuple[Any, Any] | None:
    """(engine, evaluation with its trace) of the found record in `lang`; None without the record."""
    if found.item is None:
        return None
    engine = engine_for(rules_dir, lang)
    return engine, engine.evaluate(found.item.verdict, trace=True)


def fresh_findings(ev: tuple[Any, Any] | None) -> dict[str, dict[str, Any]]:
    """fingerprint → the finding as the current rules give it, in the reader's language (the stored copy
    is in the language of the nightly scan); empty without the record."""
    if ev is None:
        return {}
    return {c.fingerprint: c.to_json() for c in ev[1].candidates}


def explain_lines(found: Found, ev: tuple[Any, Any] | None, rules_dir: str | None, lang: str) -> list[str]:
    """The prosecutor's `explain` view of the record (empty when the record was not found)."""
    if found.item is None or ev is None:
        return []
    from ..edition import edition_label
    from ..report.explain import explain_brief

    engine, evaluation = ev
    return explain_brief(found.item, evaluation, engine.rules, engine, edition=edition_label(rules_dir),
                         lang=lang).splitlines()


def draft_docx(found: Found, ctx: RecordContext | None, case_id: str, stored: list[dict[str, Any]],
               rules_dir: str | None, lang: str) -> bytes:
    """The protest draft (.docx) for the confirmed findings `stored` (their report-line JSON).

    With the record: evaluated again and each confirmed finding taken fresh by its fingerprint (the
    stored copy when the current rules no longer produce it), as `legality protest --db` does.
    """
    import io

    from ..edition import edition_label
    from ..report.explain import fact_labels
    from ..report.protest import protest_context, write_docx

    engine = engine_for(rules_dir, lang)
    if found.item is not None:
        fresh = {c.fingerprint: c for c in engine.evaluate(found.item.verdict).candidates}
        candidates = [fresh.get(c.get("fingerprint", ""), c) for c in stored]
        verdict: Any = found.item.verdict
    else:
        candidates = list(stored)
        verdict = particulars(found, ctx, case_id)
    pc = protest_context(verdict, candidates, engine.version, edition=edition_label(rules_dir),
                         labels=fact_labels(engine), lang=lang)
    out = io.BytesIO()
    write_docx(pc, out)
    return out.getvalue()
