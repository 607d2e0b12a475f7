"""A draft prosecutor's appeal (апелляционное ходатайство прокурора) for one case: Markdown and .docx, ru and kk.

Why one context for both: the Markdown (jinja2) and the Word document (python-docx) are two
renderings of the same `protest_context`, so they can never say different things.  Since the
Supreme Court's normative resolution of 11.12.2020 № 6 the prosecutor's appeal is a «ходатайство»
(shared/law/real-error-cases.md).  The draft names the defendant only by the export's pseudonymous
`person_id`; the prosecutor completes it from the case file.

Why from the particulars dict and not the pydantic Verdict: the HTML report (a case drill-down) and the
batch drafts from the store have a scan's report line and the verdict's particulars as strings
(`report/verdict_text.verdict_particulars`), not always the decoded record; `draft_docx_bytes` drafts
from exactly that.  A candidate is either the engine's `Candidate` or its JSON (a report line, the store).

What a court reads: only the findings' facts in words (`facts_text`, never a fact's name), what was
imposed and what the law allows in words (`actual_text` / `allowed_text`, else `words.say_json`),
terms in the procedural style «5 (пять) лет 6 (шесть) месяцев» (`words.spelled`), findings by gravity
then episode, and a specific request: «снизить … до …» when a finding gives a lawful maximum of a term,
«изменить» when every finding says what the law allows, else «отменить и направить на новое рассмотрение».

The page: A4, margins of Kazakh official papers (left 30 mm, right 15 mm, top and bottom 20 mm),
Times New Roman 14 pt, 1.5 lines, justified with a 1.25 cm first-line indent, page numbers in the footer.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable, Mapping

from .. import words
from ..i18n import N_, _, language
from ..words.spelled import spell_terms, term_genitive
from .text import plain_text

CHANGE, RETRIAL = "change", "retrial"
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}

# The appellate instance of a first-instance court is the regional (city) court of its region: the export's
# `court.region` → the court's name in the genitive (ru: «В судебную коллегию … Алматинского городского суда»)
# and its Kazakh name (kk: «Алматы қалалық сотының … алқасына»).  Keys are normalised by `_region_key`.
REGION_COURTS: dict[str, tuple[str, str]] = {
    "алматы": ("Алматинского городского суда", "Алматы қалалық"),
    "астана": ("Астанинского городского суда", "Астана қалалық"),
    "нур-султан": ("Астанинского городского суда", "Астана қалалық"),
    "шымкент": ("Шымкентского городского суда", "Шымкент қалалық"),
    "абайская область": ("Абайского областного суда", "Абай облыстық"),
    "акмолинская область": ("Акмолинского областного суда", "Ақмола облыстық"),
    "актюбинская область": ("Актюбинского областного суда", "Ақтөбе облыстық"),
    "алматинская область": ("Алматинского областного суда", "Алматы облыстық"),
    "атырауская область": ("Атырауского областного суда", "Атырау облыстық"),
    "восточно-казахстанская область": ("Восточно-Казахстанского областного суда", "Шығыс Қазақстан облыстық"),
    "жамбылская область": ("Жамбылского областного суда", "Жамбыл облыстық"),
    "жетысуская область": ("Жетысуского областного суда", "Жетісу облыстық"),
    "западно-казахстанская область": ("Западно-Казахстанского областного суда", "Батыс Қазақстан облыстық"),
    "карагандинская область": ("Карагандинского областного суда", "Қарағанды облыстық"),
    "костанайская область": ("Костанайского областного суда", "Қостанай облыстық"),
    "кызылординская область": ("Кызылординского областного суда", "Қызылорда облыстық"),
    "мангистауская область": ("Мангистауского областного суда", "Маңғыстау облыстық"),
    "павлодарская область": ("Павлодарского областного суда", "Павлодар облыстық"),
    "северо-казахстанская область": ("Северо-Казахстанского областного суда", "Солтүстік Қазақстан облыстық"),
    "туркестанская область": ("Туркестанского областного суда", "Түркістан облыстық"),
    "улытауская область": ("Улытауского областного суда", "Ұлытау облыстық"),
}
BLANK = "________________________"


def _region_key(region: str) -> str:
    """«г. Алматы», «город Алматы», «Карагандинская обл.» → the table's key."""
    k = re.sub(r"\s+", " ", region.strip().lower().replace("ё", "е"))
    k = re.sub(r"^(г\.|город|гор\.)\s*", "", k)
    k = re.sub(r"\bобл\.?$", "область", k)
    return k.strip()


def appellate_court(region: str | None, lang: str | None = None) -> str | None:
    """The regional (city) court of `region`, in the form the addressee line needs; None when unknown."""
    found = REGION_COURTS.get(_region_key(region or ""))
    if found is None:
        return None
    return found[1] if (lang or language()) == "kk" else found[0]


def addressee(region: str | None, lang: str | None = None) -> tuple[str, bool]:
    """(the addressee line, whether it is complete).  An unknown region leaves a marked blank to fill."""
    court = appellate_court(region, lang)
    if court is None:
        return (_("В судебную коллегию по уголовным делам {court} [укажите областной (городской) суд]")
                .format(court=BLANK), False)
    return _("В судебную коллегию по уголовным делам {court}").format(court=court), True


# ---- candidates: the engine's objects or their JSON, seen the same way

@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    title: str
    message: str
    citations: list[Any]
    offence: str | None
    actual: Any
    allowed: Any
    actual_text: str
    allowed_text: str
    facts: list[tuple[str, str]]


def finding_of(c: Any, labels: Mapping[str, str] | None = None, lang: str | None = None) -> Finding:
    """A candidate (`Candidate` or its JSON) with its values in words.

    `facts_text` (the engine's labelled facts in words) is used when the candidate carries it; a
    candidate of an older run is rendered with `labels` (fact → its Russian label from the rule files)
    when given, and facts without a label are left out: a fact's name never reaches the court.
    """
    get = c.get if isinstance(c, Mapping) else (lambda k, d=None: getattr(c, k, d))
    actual, allowed = get("actual"), get("allowed")
    actual_text = get("actual_text") or (words.say_json(actual, lang) if actual is not None else "")
    allowed_text = get("allowed_text") or (words.say_json(allowed, lang) if allowed is not None else "")
    facts: list[tuple[str, str]] = []
    ft = get("facts_text")
    if ft:
        for item in ft:
            label, value = (item.get("label"), item.get("value")) if isinstance(item, Mapping) else item
            facts.append((str(label), str(value)))
    elif labels:
        for name, value in (get("facts") or {}).items():
            if labels.get(name):
                facts.append((labels[name], words.say_json(value, lang)))
    return Finding(get("rule") or "", get("severity") or "low", get("title") or "", get("message") or "",
                   list(get("citations") or []), get("offence"), actual, allowed,
                   _no_final_stop(actual_text), _no_final_stop(allowed_text), facts)


def _no_final_stop(s: str) -> str:
    """«4 г.» at a sentence's end would read «4 г..»: the sentence adds its own full stop."""
    return s.rstrip().rstrip(".") if s.rstrip().endswith("..") else s.strip()


def sentence(*parts: str) -> str:
    """Parts joined into one sentence with exactly one full stop at the end (bug 6: no «..»)."""
    text = " ".join(p.strip() for p in parts if p and p.strip())
    text = re.sub(r"\.{2,}$", ".", text)
    return text if text.endswith((".", "!", "?", ":", ";")) else text + "."


def _max_term(allowed: Any) -> dict[str, int] | None:
    """The lawful maximum when `allowed` is «не более <срок>» ({"max": {"years": 5}}), else None."""
    if isinstance(allowed, Mapping) and set(allowed) == {"max"}:
        v = allowed["max"]
        if isinstance(v, Mapping) and v and set(v) <= {"years", "months", "days"} \
                and all(isinstance(x, int) for x in v.values()):
            return {k: int(v.get(k, 0)) for k in ("years", "months", "days")}
    return None


# ---- the particulars

def _articles(offences: list[dict[str, Any]]) -> tuple[str, int, str]:
    """«ч.2 ст.188, ч.1 ст.190» (the act is named once after them), how many distinct articles, and the
    note of a single one («покушение»): the notes of several are in the list of episodes."""
    seen: list[str] = []
    notes: list[str] = []
    for o in offences:
        text = str(o.get("text", ""))
        m = re.search(r"\s*\(([^()]*)\)\s*$", text)
        if m:
            notes.append(m.group(1))
            text = text[:m.start()]
        t = re.sub(r"\s*(УК РК|ҚР ҚК)\b", "", text).strip()
        if t and t not in seen:
            seen.append(t)
    return ", ".join(seen), len(seen), (notes[0] if len(offences) == 1 and notes else "")


def _offence_of(v: Mapping[str, Any], oid: str | None) -> dict[str, Any] | None:
    for o in v.get("offences", []):
        if oid is not None and str(o.get("id")) == str(oid):
            return o
    return None


def particulars_of(verdict_or_dict: Any) -> dict[str, Any]:
    """The particulars dict: as given, or made from a decoded `Verdict` (with its prior convictions)."""
    if isinstance(verdict_or_dict, Mapping):
        return dict(verdict_or_dict)
    from .verdict_text import verdict_particulars

    v = verdict_particulars(verdict_or_dict)
    v.setdefault("prior_convictions", prior_convictions(verdict_or_dict))
    return v


def intro(v: Mapping[str, Any], lang: str | None = None) -> str:
    arts, n, note = _articles(list(v.get("offences", [])))
    if (lang or language()) == "kk" and arts:  # «188-бабының 2-бөлігі» → «…2-бөлігінде көзделген» (locative)
        arts = arts + ("нда" if arts[-1] in "ыауо" else "нде" if arts[-1] in "іеәөү" else "")
    what = (_("уголовных правонарушений, предусмотренных {articles} УК РК") if n > 1
            else _("уголовного правонарушения, предусмотренного {articles} УК РК")).format(articles=arts)
    if note:
        what += f" ({note})"
    return sentence(_("Приговором от {date} (суд первой инстанции: {court}) осуждённый (идентификатор в выгрузке: {person}) признан виновным "
                      "в совершении {what}, и ему назначено окончательное наказание: {final}").format(
        court=v.get("court", ""), date=v.get("verdict_date", ""), person=v.get("person_id", ""), what=what,
        final=spell_terms(str(v.get("final_sentence", "")).rstrip("."), lang)))


def request_lines(v: Mapping[str, Any], findings: list[dict[str, Any]], request: str,
                  lang: str | None = None) -> list[str]:
    what = _("Приговор от {date} по уголовному делу № {case} (суд: {court})").format(
        court=v.get("court", ""), date=v.get("verdict_date", ""), case=v.get("case_id", ""))
    if request == RETRIAL:
        return [sentence(_("1. {what} отменить и направить уголовное дело на новое судебное рассмотрение "
                           "в суд первой инстанции в ином составе суда").format(what=what))]
    lines = [_("1. {what} изменить:").format(what=what)]
    for f in findings:
        lines.append("— " + f["request"] + ";")
    if lines[-1].endswith(";"):
        lines[-1] = lines[-1][:-1] + "."
    lines.append(sentence(_("2. В остальной части приговор оставить без изменения")))
    return lines


def _request_of(f: Finding, where_ref: str | None, lang: str) -> str:
    """What to ask for this finding: «снизить назначенное по ч.2 ст.188 УК РК наказание до 5 (пяти) лет …»."""
    norms = "; ".join(words.cite(c, lang) for c in f.citations)
    cap = _max_term(f.allowed)
    if cap is not None:
        term = (term_genitive(cap["years"], cap["months"], cap["days"]) if lang != "kk"
                else spell_terms(words.term(cap["years"], cap["months"], cap["days"], lang), lang))
        if where_ref:
            return _("снизить назначенное по {ref} наказание до {term} в пределах санкции ({norms})").format(
                ref=where_ref, term=term, norms=norms)
        return _("снизить окончательное наказание до {term} ({norms})").format(term=term, norms=norms)
    allowed = f.allowed_text
    if where_ref:
        return _("назначенное по {ref} наказание привести в соответствие с {norms}: {allowed}").format(
            ref=where_ref, norms=norms, allowed=allowed)
    return _("окончательное наказание привести в соответствие с {norms}: {allowed}").format(
        norms=norms, allowed=allowed)


def protest_context(verdict: Any, candidates: Iterable[Any], rules_version: str | None = None, *,
                    edition: str | None = None, drafted: str | None = None,
                    labels: Mapping[str, str] | None = None, lang: str | None = None) -> dict[str, Any]:
    """Everything the draft says, as strings; `verdict` is a particulars dict or a decoded `Verdict`.

    `edition`: «редакция правил от …» (`legality.edition.edition_label`), the default is the shipped
    pack's; `rules_version` (the hash) is kept in the context for machines, never shown.  `drafted`: the
    date of drafting, default today in the office's time zone (`legality.clock.today`).
    """
    lang = lang or language()
    v = particulars_of(verdict)
    offence_ids = [str(o.get("id")) for o in v.get("offences", [])]
    found = [finding_of(c, labels, lang) for c in candidates]
    found.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 3),
                              offence_ids.index(str(f.offence)) if f.offence is not None and str(f.offence) in offence_ids
                              else len(offence_ids)))
    findings = []
    for n, f in enumerate(found, 1):
        off = _offence_of(v, f.offence)
        ref = re.sub(r"\s*\(.*\)$", "", str(off["text"])) if off else None
        where = (_("по эпизоду {n}: {text}").format(n=off["id"], text=off["text"]) if off
                 else _("по окончательному наказанию"))
        findings.append({
            "n": n,
            "title": _no_final_stop(f.title).rstrip("."),
            "severity": words.severity(f.severity, lang),
            "where": where,
            "message": sentence(f.message),
            "facts": f.facts,
            "norms": "; ".join(words.cite(c, lang) for c in f.citations),
            "actual": spell_terms(f.actual_text, lang) if f.actual_text else "",
            # not spelled: «не более 5 лет» asks for the genitive, and the request gives the words («до 5 (пяти) лет»)
            "allowed": f.allowed_text,
            "has_allowed": f.allowed is not None,
            "request": _request_of(f, ref, lang),
        })
    request = CHANGE if findings and all(f["has_allowed"] for f in findings) else RETRIAL
    if edition is None:
        from ..edition import edition_label

        edition = edition_label()
    if drafted is None:
        from ..clock import today

        drafted = words.date(today(), lang)
    to, complete = addressee(v.get("region"), lang)
    ctx: dict[str, Any] = {
        "v": v, "findings": findings, "rules_version": rules_version, "request": request, "lang": lang,
        "addressee": to, "addressee_complete": complete,
        "through": _("через {court}").format(court=v.get("court", "")),
        "sender": _("от прокурора {blank}").format(blank=BLANK),
        "title": _("АПЕЛЛЯЦИОННОЕ ХОДАТАЙСТВО"),
        "subject": _("на приговор от {date} по уголовному делу № {case} (суд: {court})").format(
            court=v.get("court", ""), date=v.get("verdict_date", ""), case=v.get("case_id", "")),
        "intro": intro(v, lang),
        "episodes_heading": _("Назначено по эпизодам:"),
        "episodes": [sentence(_("эпизод {n}: {text}, совершено {date}; назначено: {sentence}").format(
            n=o.get("id"), text=o.get("text"), date=o.get("committed_on"),
            sentence=spell_terms(str(o.get("sentence", "")).rstrip("."), lang))) for o in v.get("offences", [])],
        "priors_heading": _("Прежние судимости:"),
        "priors": [sentence(spell_terms(str(p), lang)) for p in v.get("prior_convictions", [])],
        "grounds": (_("Приговор подлежит изменению в связи с неправильным применением уголовного закона "
                      "при назначении наказания:") if request == CHANGE else
                    _("Приговор подлежит отмене в связи с неправильным применением уголовного закона "
                      "при назначении наказания:")),
        "facts_label": _("Установлено по делу:"),
        "actual_label": _("Назначено:"),
        "allowed_label": _("Закон допускает:"),
        "norms_label": _("Нарушены требования:"),
        "legal_basis": _("На основании изложенного, руководствуясь нормами Уголовно-процессуального кодекса "
                         "Республики Казахстан об апелляционном производстве [укажите статьи УПК РК],"),
        "ask": _("ПРОШУ:"),
        "signature": _("Прокурор {blank} (подпись)").format(blank=BLANK),
        "drafted": _("Дата составления проекта: {date}").format(date=drafted),
        "footer": sentence(_("Проект подготовлен программой legality ({edition}) по данным выгрузки приговоров; "
                             "факты и нормы проверьте по материалам уголовного дела").format(edition=edition)),
    }
    ctx["request_lines"] = request_lines(v, findings, request, lang)
    return ctx


# ---- prior convictions (the particulars dict of verdict_text has none; the recidivism findings rest on them)

def prior_convictions(verdict: Any, lang: str | None = None) -> list[str]:
    """Each prior conviction in one line: its date, articles, kind of sentence, and whether it is in force.

    Why here and not in the particulars: they are what a recidivism finding rests on, and the
    prosecutor must see *which* prior verdict it is (review §6).
    """
    out = []
    for p in getattr(verdict.defendant, "prior_convictions", None) or []:
        arts = ", ".join(words.cite({"article": a.article, "part": a.part, "paragraph": a.paragraph}, lang)
                         for a in p.articles)
        kind = words.say(p.sentence_kind, lang)
        if p.real_imprisonment:
            kind += _(" (реально)")
        elif p.suspended:
            kind += _(" (условно)")
        state = _("судимость погашена") if p.expunged else _("судимость не погашена")
        extra = []
        if p.in_force_date is not None:
            extra.append(_("вступил в силу {date}").format(date=words.date(p.in_force_date, lang)))
        if p.release_date is not None:
            extra.append(_("освобождён {date}").format(date=words.date(p.release_date, lang)))
        out.append(_("приговор от {date}: {articles}; {category}; {kind}; {state}").format(
            date=words.date(p.verdict_date, lang), articles=arts, category=words.say(p.category, lang),
            kind=kind, state=state) + (f" ({', '.join(extra)})" if extra else ""))
    return out


# ---- Markdown

def render_markdown(ctx: dict[str, Any]) -> str:
    from .templating import template_env

    env = template_env()
    env.filters["md"] = md_escape
    return env.get_template("protest.md.j2").render(**ctx)


# every ASCII punctuation character that starts or ends markup somewhere in CommonMark, GFM or
# the common extensions (strike-through ~~, math $, footnotes [^, attributes {}); `-`, `+`, `=`, `.`
# only act at the start of a line and are escaped there (below)
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|#~$!(){}&@])")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def md_escape(s: Any) -> str:
    """Text from a record stays plain text in the Markdown draft, wherever the template puts it.

    Why so much: the draft is rendered by whatever Markdown viewer the prosecutor uses, so record
    text must not become a link, an image, emphasis, a heading, a list, a quote, a table, a
    setext heading (`---`, `===`) or an autolink.  Newlines become spaces (a newline would leave
    the `>` addressee block or start a block of its own); leading blanks go (four of them make a
    code block); `://`, `www.` and `@` are escaped so that URLs and e-mail addresses are not
    linked.  Backslash escapes render as the character itself, so the text reads unchanged.
    """
    out = _MD_INLINE.sub(r"\\\1", plain_text(s).strip())
    out = out.replace("://", "\\:\\/\\/").replace("www.", "www\\.")
    m = _MD_LINE_START.match(out)
    if m:  # `- x`, `+ x`, `=== `, `1. x`: escaped so the value never starts a list or a heading
        out = out[:m.end()] + "\\" + out[m.end():] if m.group(1)[0].isdigit() else "\\" + out
    return out


# ---- Word

# A4 in twentieths of a point; the margins of Kazakh official papers
PAGE_TWIPS = (11906, 16838)
MARGINS_MM = {"left": 30, "right": 15, "top": 20, "bottom": 20}
FONT, FONT_PT, LINE_SPACING, INDENT_CM = "Times New Roman", 14, 1.5, 1.25


def _set_fonts(run_or_style_font_element: Any) -> None:
    """Times New Roman for every script (Latin, Cyrillic as «cs» and East-Asian slots alike)."""
    from docx.oxml.ns import qn

    rpr = run_or_style_font_element
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        from docx.oxml import OxmlElement

        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _page_number_field(paragraph: Any) -> None:
    """A PAGE field (Word computes the number): begin, instruction, separate, a placeholder, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(fld("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(fld("separate"))
    paragraph.add_run("1")
    run = paragraph.add_run()
    run._r.append(fld("end"))


def build_docx(ctx: dict[str, Any]) -> Any:
    """The python-docx Document of the draft (see the module docstring for the page)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm, Pt, Twips

    doc = Document()
    # the file's properties: python-docx's template says «generated by python-docx», created in 2013
    from ..clock import now_utc

    props = doc.core_properties
    props.title, props.subject = plain_text(ctx["title"]), plain_text(ctx["subject"])[:250]
    props.author, props.comments, props.last_modified_by = "legality", "", ""
    props.language = "kk-KZ" if ctx.get("lang") == "kk" else "ru-RU"
    props.created = props.modified = now_utc().replace(microsecond=0, tzinfo=None)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Twips(PAGE_TWIPS[0]), Twips(PAGE_TWIPS[1])
    sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.footer_distance = Mm(10)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(FONT_PT)
    _set_fonts(normal.element.get_or_add_rPr())
    pf = normal.paragraph_format
    pf.line_spacing = LINE_SPACING
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Cm(INDENT_CM)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # a language tag, so Word's speller and hyphenation treat the text as what it is
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:val"), "kk-KZ" if ctx.get("lang") == "kk" else "ru-RU")
    normal.element.get_or_add_rPr().append(lang_el)

    def para(text: str = "", *, bold: bool = False, align: Any = None, indent: bool = True,
             left: Any = None, keep_next: bool = False, size: int | None = None) -> Any:
        p = doc.add_paragraph()
        if text:
            # one run of plain text: python-docx turns \n into a line break and rejects control bytes
            run = p.add_run(plain_text(text))
            run.bold = bold
            if size:
                run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        if not indent:
            p.paragraph_format.first_line_indent = Cm(0)
        if left is not None:
            p.paragraph_format.left_indent = left
        if keep_next:
            p.paragraph_format.keep_with_next = True
        return p

    for line in (ctx["addressee"], ctx["through"], ctx["sender"]):  # the address block, in the right half
        para(line, indent=False, left=Cm(8), align=WD_ALIGN_PARAGRAPH.LEFT)
    para()
    para(ctx["title"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, keep_next=True)
    para(ctx["subject"], align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para()
    para(ctx["intro"])
    if len(ctx["episodes"]) > 1:
        para(ctx["episodes_heading"], keep_next=True)
        for e in ctx["episodes"]:
            para(e)
    if ctx["priors"]:
        para(ctx["priors_heading"], keep_next=True)
        for p in ctx["priors"]:
            para(p)
    para(ctx["grounds"])
    for f in ctx["findings"]:
        para(f"{f['n']}. {f['title']} — {f['where']}.", bold=True, keep_next=True)
        para(f["message"])
        if f["facts"]:
            para(sentence(ctx["facts_label"], "; ".join(f"{k}: {val}" for k, val in f["facts"])))
        if f["actual"] or f["allowed"]:
            para(sentence("; ".join(x for x in (f"{ctx['actual_label']} {f['actual']}" if f["actual"] else "",
                                                   f"{ctx['allowed_label']} {f['allowed']}" if f["allowed"] else "")
                                    if x)))
        if f["norms"]:
            para(sentence(ctx["norms_label"], f["norms"]))
    para(ctx["legal_basis"])
    para(ctx["ask"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, keep_next=True)
    for line in ctx["request_lines"]:
        para(line)
    para()
    # the signature, the date and the note stay together: never a page holding only the note
    para(ctx["signature"], indent=False, keep_next=True)
    para(ctx["drafted"], indent=False, keep_next=True)
    note = para(ctx["footer"], indent=False, size=10)
    note.paragraph_format.line_spacing = 1.0
    note.paragraph_format.space_before = Pt(6)

    footer = sec.footer.paragraphs[0] if sec.footer.paragraphs else sec.footer.add_paragraph()
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Cm(0)
    _page_number_field(footer)
    return doc


def write_docx(ctx: dict[str, Any], out: BinaryIO) -> None:
    # built in memory, then written: a failing write (full disk) leaves no half-closed zip behind
    # (python-docx's ZipFile would complain from its finaliser)
    buffer = io.BytesIO()
    build_docx(ctx).save(buffer)
    out.write(buffer.getvalue())


def draft_docx_bytes(particulars: dict[str, Any], candidates: list[Any], lang: str | None = None) -> bytes:
    """The case's draft as .docx bytes, from what a scan report has (for the HTML report's drill-down).

    `particulars`: `report/verdict_text.verdict_particulars(...)` (strings); `candidates`: the report
    line's candidates (`Candidate` objects or their JSON).  `lang` None: the current language; another
    language is used for this call only.
    """
    from .. import i18n

    before = i18n.language()
    if lang and lang != before:
        i18n.set_language(lang)
    try:
        buffer = io.BytesIO()
        write_docx(protest_context(particulars, candidates, lang=lang or before), buffer)
        return buffer.getvalue()
    finally:
        if i18n.language() != before:
            i18n.set_language(before)


N_("нарушение")  # the noun counted in the summary lines of `legality protest`
