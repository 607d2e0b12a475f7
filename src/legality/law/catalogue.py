"""The law catalogue: Special-Part sanctions and General-Part parameters, looked up by date.

Why dated data and an explicit "unknown edition": the Code is amended several times a year and
the applicable text is the one in force on the offence date.  A date no edition covers (before the
Code took effect on 2015-01-01, or between editions the catalogue lacks) is answered
`unknown_edition`, never with the nearest edition: a guessed limit would flag lawful sentences.

Layout of `rules/law/`: `sanctions/*.yaml` (one file per article), `general/*.yaml` (or any
other `*.yaml` holding `params:`) and `outline/*.yaml` (`outline:`, the General Part's articles,
parts and items: outline.py).  Every problem in every file is collected before raising.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .. import words
from ..diagnostics import Diagnostic, Span, sort_diagnostics
from ..i18n import _
from ..model.values import ArticleRef, Citation, Part, Quantity, Term
from ..resources import LAW_DIR
from .outline import OutlineArticle
from .params import ParamSpec, ParamValue, check_type, parse_value
from .sanction import AdditionalOption, PenaltyOption, Sanction

if TYPE_CHECKING:  # the file schema (pydantic) and the YAML reader load only when a catalogue is read from files:
    # a catalogue from the compiled-pack cache (`engine`) answers lookups without them
    from pydantic import ValidationError

    from .schema import ArticleFile, EntrySpec, ParamsFile, PrincipalSpec
    from .yamlread import Path_

CODE_IN_FORCE = date(2015, 1, 1)  # УК РК 03.07.2014 № 226-V took effect on 01.01.2015

Key = tuple[str, Part | None, int | None]


class CatalogueError(Exception):
    """The catalogue could not be loaded; `diagnostics` lists every problem (E301/E302)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.header() for d in diagnostics[:10]))


@dataclass(frozen=True, slots=True)
class Lookup:
    """The answer to `sanction(ref, on)`.

    status: ``found`` | ``unknown_article`` | ``unknown_edition``.  `current_edition_verified` is
    True only when the text of the applicable edition was read for that date (see docs/law.md).
    """

    status: str
    sanction: Sanction | None
    message: str
    ref: ArticleRef
    on: date
    current_edition_verified: bool = False

    @property
    def found(self) -> bool:
        return self.status == "found"


@dataclass(slots=True)
class _Article:
    article: str
    title: str
    repealed: str | None
    file: str
    has_entries: bool


class Catalogue:
    def __init__(self) -> None:
        self.version: str = ""
        self.path: Path | None = None
        self._sanctions: dict[Key, list[Sanction]] = {}
        self._articles: dict[str, _Article] = {}
        self._specs: dict[str, ParamSpec] = {}
        self._params: dict[str, list[tuple[ParamValue, ParamValue]]] = {}
        self._outline: dict[str, OutlineArticle] = {}  # the General Part's articles, parts and items (outline.py)
        self._outline_files: list[tuple[Any, str, dict[Any, int]]] = []

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: Path | str | None = None, *, extra: Iterable[Path | str] = ()) -> "Catalogue":
        """The catalogue in `path` (default: the shipped one); `extra` folders add article files to it (rule
        tests of editions the shipped text does not hold).  An article in two folders is an error, as in one."""
        root = Path(path) if path is not None else LAW_DIR
        cat = cls()
        cat.path = root
        diags: list[Diagnostic] = []
        roots = [root, *(Path(x) for x in extra)]
        for r in roots:
            if not r.is_dir():
                raise CatalogueError([Diagnostic("E301", _("law catalogue directory not found: {path}").format(path=r),
                                                 hint=_("pass the directory that holds sanctions/ and general.yaml"))])
        files = [(r, p) for r in roots for p in sorted(r.rglob("*")) if p.suffix in (".yaml", ".yml") and p.is_file()]
        digest = hashlib.sha256()
        for r, f in files:
            rel = f.relative_to(r).as_posix() if r == root else f"+{roots.index(r)}/{f.relative_to(r).as_posix()}"
            raw = f.read_bytes()
            digest.update(rel.encode() + b"\0" + raw + b"\0")
            cat._load_file(f, raw, diags)
        cat.version = digest.hexdigest()
        cat._check_overlaps(diags)
        cat._build_outline(diags)
        for entries in cat._sanctions.values():
            entries.sort(key=lambda s: s.valid_from)
        for eds in cat._params.values():
            eds.sort(key=lambda e: e[0].valid_from)
        errors = [d for d in diags if d.is_error]
        if errors:
            raise CatalogueError(sort_diagnostics(errors))
        return cat

    def _load_file(self, f: Path, raw: bytes, diags: list[Diagnostic]) -> None:
        from .yamlread import YamlProblem, load_with_lines, not_utf8

        name = str(f)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            diags.append(Diagnostic("E301", not_utf8(e),
                                    Span(name, 1, 1)))
            return
        try:
            data, lines = load_with_lines(text)
        except YamlProblem as e:
            diags.append(Diagnostic("E301", _("malformed YAML: {error}").format(error=e), Span(name, e.line or 1, e.column or 1),
                                    hint=_("check indentation and quoting on this line")))
            return
        if data is None:
            return  # an empty file holds nothing
        if not isinstance(data, dict):
            diags.append(Diagnostic("E301", _("expected a mapping at the top of the file"), Span(name, 1, 1)))
            return
        if "params" in data:
            self._load_params(name, data, lines, diags)
        elif "article" in data:
            self._load_article(name, data, lines, diags)
        elif "outline" in data:
            self._load_outline(name, data, lines, diags)
        else:
            diags.append(Diagnostic("E301", _("unknown catalogue file: expected `article:` (a sanction file) "
                                      "or `params:` (General-Part parameters)"), Span(name, 1, 1)))

    @staticmethod
    def _validation_diags(name: str, err: ValidationError, lines: dict[Path_, int],
                          prefix: Path_ = ()) -> list[Diagnostic]:
        from .yamlread import line_of

        out = []
        for e in err.errors():
            loc = prefix + tuple(e["loc"])
            where = ".".join(str(x) for x in loc)
            out.append(Diagnostic("E301", "{}: {}".format(where, e["msg"]), Span(name, line_of(lines, loc) or 1, 1)))
        return out

    def _load_article(self, name: str, data: dict[str, Any], lines: dict[Path_, int], diags: list[Diagnostic]) -> None:
        from pydantic import ValidationError

        from .schema import ArticleFile

        try:
            art = ArticleFile.model_validate(data)
        except ValidationError as err:
            diags.extend(self._validation_diags(name, err, lines))
            return
        if art.article in self._articles:
            diags.append(Diagnostic("E301", _("article {article} is described in two files").format(article=art.article),
                                    Span(name, lines.get(("article",), 1), 1),
                                    related=((_("first described here"), Span(self._articles[art.article].file, 1, 1)),)))
            return
        self._articles[art.article] = _Article(art.article, art.title, art.repealed, name, bool(art.entries))
        for i, e in enumerate(art.entries):
            line = lines.get(("entries", i), 1)
            s = _build_sanction(art, e, name, line)
            self._sanctions.setdefault((art.article, e.part, e.paragraph), []).append(s)
            for item in e.corruption_items:
                key = (art.article, e.part, item)
                if any(x.paragraph == item and x.part == e.part for x in art.entries):
                    diags.append(Diagnostic("E301", _("entries.{i}.corruption_items: item {item} also has its own entry; mark that "
                                              "entry `corruption: true` instead").format(i=i, item=item),
                                            Span(name, line, 1)))
                    continue
                self._sanctions.setdefault(key, []).append(replace(s, paragraph=item, corruption=True))

    def _load_outline(self, name: str, data: dict[str, Any], lines: dict[Path_, int], diags: list[Diagnostic]) -> None:
        from pydantic import ValidationError

        from .outline_schema import OutlineFile

        try:
            self._outline_files.append((OutlineFile.model_validate(data), name, lines))
        except ValidationError as err:
            diags.extend(self._validation_diags(name, err, lines))

    def _build_outline(self, diags: list[Diagnostic]) -> None:
        from .outline import merge

        files, self._outline_files = self._outline_files, []
        if not files:
            return
        self._outline, problems = merge(files)
        diags.extend(Diagnostic("E301", text, Span(file, line, 1)) for file, line, text in problems)

    def _load_params(self, name: str, data: dict[str, Any], lines: dict[Path_, int], diags: list[Diagnostic]) -> None:
        from pydantic import ValidationError

        from .schema import ParamsFile

        try:
            pf = ParamsFile.model_validate(data)
        except ValidationError as err:
            diags.extend(self._validation_diags(name, err, lines))
            return
        for pname, spec in pf.params.items():
            line = lines.get(("params", pname), 1)
            if pname in self._specs:
                diags.append(Diagnostic("E301", _("parameter {name} is defined twice").format(name=pname), Span(name, line, 1)))
                continue
            problem = check_type(spec.type)
            try:
                citation = Citation.parse(spec.citation)
            except ValueError as e:
                diags.append(Diagnostic("E301", "{}: {}".format(f"params.{pname}.citation", e),
                                        Span(name, lines.get(("params", pname, "citation"), line), 1)))
                continue
            if problem:
                diags.append(Diagnostic("E301", "{}: {}".format(f"params.{pname}.type", problem),
                                        Span(name, lines.get(("params", pname, "type"), line), 1)))
                continue
            self._specs[pname] = ParamSpec(pname, spec.type, citation, spec.description, spec.unused_reason, name, line)
            eds: list[tuple[ParamValue, ParamValue]] = []
            for i, ed in enumerate(spec.editions):
                eline = lines.get(("params", pname, "editions", i, "value"), line)
                try:
                    value = parse_value(spec.type, ed.value)
                except ValueError as e:
                    diags.append(Diagnostic("E301", "{}: {}".format(f"params.{pname}.editions.{i}.value", e),
                                            Span(name, eline, 1)))
                    continue
                source = ed.source or pf.defaults.source
                edition = ed.edition or pf.defaults.edition
                if not source or not edition:
                    diags.append(Diagnostic("E301", _("params.{name}.editions.{i}: every value needs `source` and `edition` (or "
                                              "file `defaults`)").format(name=pname, i=i), Span(name, eline, 1)))
                    continue
                until = ed.verified_until or (pf.defaults.verified_until if ed.verified else None)
                pv = ParamValue(pname, value, citation, source, edition, ed.verified, ed.valid_from, ed.valid_to,
                                until, ed.notes, current_edition_verified=False, verified_from=ed.verified_from)
                eds.append((pv, replace(pv, current_edition_verified=ed.verified)))
            self._params[pname] = eds

    def _check_overlaps(self, diags: list[Diagnostic]) -> None:
        def overlap(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
            return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)

        for key, entries in self._sanctions.items():
            es = sorted(entries, key=lambda s: s.valid_from)
            for a, b in zip(es, es[1:]):
                if overlap(a.valid_from, a.valid_to, b.valid_from, b.valid_to):
                    diags.append(Diagnostic(
                        "E302", _("{ref}: editions overlap ({a} and {b})").format(
                            ref=ArticleRef(*key), a=_span_ru(a.valid_from, a.valid_to), b=_span_ru(b.valid_from, b.valid_to)),
                        Span(b.file, b.line, 1),
                        related=((_("other edition"), Span(a.file, a.line, 1)),),
                        hint=_("set valid_to of the older edition to the day before the newer one takes effect")))
        for pname, eds in self._params.items():
            pes = sorted((e[0] for e in eds), key=lambda p: p.valid_from)
            for pa, pb in zip(pes, pes[1:]):
                if overlap(pa.valid_from, pa.valid_to, pb.valid_from, pb.valid_to):
                    diags.append(Diagnostic(
                        "E302", _("parameter {name}: editions overlap ({a} and {b})").format(
                            name=pname, a=_span_ru(pa.valid_from, pa.valid_to), b=_span_ru(pb.valid_from, pb.valid_to)),
                        None, hint=_("set valid_to of the older edition to the day before the newer one takes effect")))

    # ------------------------------------------------------------------ lookups

    def sanction(self, ref: ArticleRef, on: date) -> Lookup:
        """The sanction of `ref` in the edition in force on `on` (the offence date).

        Resolution: (article, part, item) → (article, part) → (article) for articles without parts.
        """
        keys: Iterable[Key] = ((ref.article, ref.part, ref.paragraph), (ref.article, ref.part, None),
                               (ref.article, None, None))
        for key in keys:
            entries = self._sanctions.get(key)
            if entries is None:
                continue
            for s in entries:
                if s.covers(on):
                    ok = s.text_verified_on(on)
                    msg = _("санкция {cite} в редакции на {on:%d.%m.%Y}").format(cite=words.article(s.ref), on=on)
                    if s.window:
                        msg += (_(" (на эту дату могла действовать как прежняя, так и новая редакция: закон о поправке "
                                "вступил в силу в период {span_ru}, точный день в тексте не "
                                "указан; проверяется только то, в чём обе редакции совпадают)").format(span_ru=_span_ru(s.valid_from, s.valid_to)))
                    elif not ok:
                        msg += _(" (текст этой редакции не сверен — проверьте по действующей редакции Кодекса)")
                    return Lookup("found", s, msg, ref, on, ok)
            return Lookup("unknown_edition", None, _unknown_edition_ru(ArticleRef(*key), on, entries,
                                                                        self._articles.get(ref.article)), ref, on)
        art = self._articles.get(ref.article)
        if art is not None and art.repealed and not art.has_entries:
            return Lookup("unknown_edition", None, _("{cite} («{title}»): {repealed}; "
                          "санкции прежней редакции в каталоге нет").format(cite=words.article(ref), title=art.title,
                                                                            repealed=art.repealed), ref, on)
        if art is None:
            msg = _("статья {article} УК РК отсутствует в каталоге санкций").format(article=ref.article)
        else:
            msg = _("{cite}: такой части/пункта нет в каталоге санкций статьи {article} («{title}»)").format(
                cite=words.article(ref), article=ref.article, title=art.title)
            if art.repealed:
                msg += f"; {art.repealed}"
        return Lookup("unknown_article", None, msg, ref, on)

    def editions_between(self, ref: ArticleRef, after: date, until: date) -> list[Sanction]:
        """Every edition of `ref`'s provision in force on some day of (after, until], oldest first."""
        for key in ((ref.article, ref.part, ref.paragraph), (ref.article, ref.part, None), (ref.article, None, None)):
            entries = self._sanctions.get(key)
            if entries is not None:
                return [s for s in entries if s.valid_from <= until and (s.valid_to is None or s.valid_to > after)]
        return []

    def milder_editions(self, ref: ArticleRef, on: date, until: date) -> list[Sanction] | None:
        """The editions after the offence date `on`, up to `until` (the verdict date), milder than the one on `on`.

        Why a list and not one edition: ст.6 ч.1 reaches every milder law in force after the offence, also
        one replaced again before the verdict (an intermediate law; the rules say which reading they take).
        None when the edition on `on` itself is unknown: then nothing can be compared.
        """
        base = self.sanction(ref, on)
        if not base.found or base.sanction is None:
            return None
        return [s for s in self.editions_between(ref, on, until) if s is not base.sanction
                and s.valid_from > on and s.milder_than(base.sanction)]

    def param(self, name: str, on: date) -> ParamValue | None:
        for plain, checked in self._params.get(name, ()):
            if plain.covers(on):
                if plain.text_verified_on(on):
                    return checked
                return plain
        return None

    def param_spec(self, name: str) -> ParamSpec | None:
        return self._specs.get(name)

    def param_names(self) -> list[str]:
        return sorted(self._specs)

    def param_editions(self, name: str) -> list[ParamValue]:
        return [e[0] for e in self._params.get(name, ())]

    def sanctions(self) -> list[Sanction]:
        """Every sanction entry (all editions), in article order."""
        out = [s for entries in self._sanctions.values() for s in entries]
        return sorted(out, key=lambda s: (s.ref.sort_key(), s.valid_from))

    def articles(self) -> list[str]:
        return sorted(self._articles, key=lambda a: ArticleRef(a).sort_key())

    def article_repealed(self, article: str) -> str | None:
        """The text's words on the article's repeal («исключена Законом …»), or None."""
        a = self._articles.get(article)
        return a.repealed if a else None

    def article_title(self, article: str) -> str | None:
        a = self._articles.get(article)
        return a.title if a else None

    # ------------------------------------------------------------------ the General Part's outline

    def general_articles(self) -> list[str]:
        """The General Part's articles in the outline, in the Code's order ([] when the catalogue has no outline)."""
        return sorted(self._outline, key=lambda a: ArticleRef(a).sort_key())

    def general_article(self, article: str) -> OutlineArticle | None:
        """Article `article` of the General Part as the outline has it: title, parts, items, edition; or None."""
        return self._outline.get(article)

    def general_parts(self, article: str) -> list[Part] | None:
        """The numbered parts of a General-Part article ([] for an article without parts); None: no such article."""
        a = self._outline.get(article)
        return None if a is None else list(a.parts)

    def general_points(self, article: str, part: Part | None = None) -> list[Part] | None:
        """The items (пункты) of `part` of a General-Part article (part None: of an article without parts);
        None when the outline has no such article or part."""
        a = self._outline.get(article)
        if a is None or (part is not None and part not in a.parts):
            return None
        return a.points(part)


# ---------------------------------------------------------------------- building


def _quantity(v: Any, unit: str | None) -> Quantity | None:
    from .schema import TermSpec

    if v is None or unit is None:
        return None
    if isinstance(v, TermSpec):
        return Term(v.years, v.months, v.days)
    return Quantity(v, unit)


def _principal(p: PrincipalSpec) -> PenaltyOption:
    unit = p.resolved_unit()
    return PenaltyOption(p.kind, _quantity(p.min, unit), _quantity(p.max, unit), p.fixed, p.note, p.base)


def _build_sanction(art: ArticleFile, e: EntrySpec, file: str, line: int) -> Sanction:
    principal = tuple(_principal(p) for p in e.principal)
    additional = tuple(
        AdditionalOption(a.kind, a.mandatory, a.lifelong, a.with_, _quantity(a.max, "term"), a.fixed, a.note,
                         _quantity(a.min, "term"), a.lifelong_allowed)
        for a in e.additional
    )
    return Sanction(
        article=art.article, part=e.part, paragraph=e.paragraph, title=art.title, summary=e.summary,
        category=e.category, intent=e.intent or art.intent, corruption=e.corruption,
        against_life_or_health=art.against_life_or_health, economic=art.economic, chapter=art.chapter,
        principal=principal, additional=additional, valid_from=e.valid_from, valid_to=e.valid_to,
        verified_from=e.verified_from or art.verified_from, verified_until=e.verified_until or art.verified_until,
        source=art.source, edition=art.edition, verified=e.verified,
        notes="\n".join(x for x in (art.notes, e.notes) if x), file=file, line=line, window=e.window,
    )


def _span_ru(a: date, b: date | None) -> str:
    return _("с {a:%d.%m.%Y} по {b:%d.%m.%Y}").format(a=a, b=b) if b else _("с {a:%d.%m.%Y}").format(a=a)


def _unknown_edition_ru(ref: ArticleRef, on: date, entries: list[Sanction], art: _Article | None) -> str:
    if on < CODE_IN_FORCE:
        return (_("{cite}: деяние совершено {on:%d.%m.%Y}, до введения в действие УК РК 2014 года (01.01.2015); "
                "санкцию нужно определять по УК РК 1997 года, которого нет в каталоге").format(cite=words.article(ref), on=on))
    spans = ", ".join(_span_ru(s.valid_from, s.valid_to) for s in entries)
    msg = _("{cite}: в каталоге нет редакции, действовавшей на {on:%d.%m.%Y} (есть редакции: {spans})").format(
        cite=words.article(ref), on=on, spans=spans)
    if art is not None and art.repealed:
        msg += f"; {art.repealed}"
    return msg
