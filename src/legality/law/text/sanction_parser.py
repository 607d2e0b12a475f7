"""One sanction sentence of the Special Part → the catalogue's principal and additional lists.

Why a grammar and not regular expressions: a sanction is a small language (alternatives joined by
«либо», additional penalties in groups, «в том же размере», «на тот же срок», items with their own
sanction), and a sentence that does not fit it must be *refused* with the phrase that did not fit, never
half-read.  The grammar (grammar/sanction.lark) recognises the shape; this module normalises the Code's
typography before it, and after it applies what the grammar cannot: numerals, «тот же», and the
drafting convention for which alternatives an additional penalty goes with.

Interface (H1b builds the catalogue on it):

    parse_sanction(text) -> {"principal": [...], "additional": [...]}           # PrincipalSpec / AdditionalSpec dicts
                            (+ "items": {2: {"principal": [...], "additional": [...]}} when the sentence
                             gives some items of the part a sanction of their own:
                             «…, а в случаях, предусмотренных пунктом 2), с пожизненным лишением права…»)

                            (+ "aggravated": {"principal": [...], "additional": [...]} when the part gives a second
                             sanction «…, а при отягчающих обстоятельствах – от десяти до двадцати лет либо …»,
                             ст.437 ч.3; its bare term takes the kind named just before)

The `items` entry is the *whole* sanction of that item: its own alternatives if the clause names any
(«– штрафом … либо лишением свободы …»), else the part's; the part's additional penalties, except those of
a kind the clause restates, plus the clause's own.

Refused on purpose: «а при отягчающих обстоятельствах – …» (ст.437 ч.3: two sanctions for one part, told apart
by a circumstance the record does not carry), and a sentence that refers to another part («наказываются тем же…»: the 2020
text has none, so there is no context parameter to resolve it).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Callable

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ...resources import SANCTION_GRAMMAR_FILE
from .numbers import NumeralError, numeral_forms, words_to_int

__all__ = ["parse_sanction", "SanctionParseError"]

_Node = Tree[Token]


class SanctionParseError(ValueError):
    """A sanction sentence the grammar cannot read, with the phrase where reading stopped.

    `offset` is the character offset of `phrase` in the text given to `parse_sanction`.
    """

    def __init__(self, message: str, phrase: str, offset: int) -> None:
        super().__init__(f"{message}: «{phrase}» (позиция {offset})")
        self.message = message
        self.phrase = phrase
        self.offset = offset


# ---------------------------------------------------------------------------------------------------
# normalising the Code's typography


# words (soft hyphens and zero-width spaces of copied text inside them are dropped), numbers, signs;
# quotes are skipped as noise (ст.321 ч.2 has a stray «»» inside a sanction)
_TOKEN = re.compile(r"[а-яёa-z\u00ad\u200b\u200c\u200d]+|\d+|[^\s\w«»„“”\"\u00ad\u200b\u200c\u200d\ufeff]",
                    re.IGNORECASE)
_INVISIBLE = str.maketrans("", "", "\u00ad\u200b\u200c\u200d")
_DASHES = {"-": "–", "—": "–", "‒": "–", "−": "–"}
_MULT_WORD = re.compile(r"[а-я]+кратн(?:ой|ого|ую|ая|ый|ым|ом|ое|ых|ыми|ому)")
_ELIDED = {"либ": "либо"}  # «либограничением»: the «о» of «либо» fused with «ограничением»


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(SANCTION_GRAMMAR_FILE.read_text(encoding="utf-8"), parser="earley", lexer="basic",
                ambiguity="explicit", propagate_positions=True)


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    """Every word the grammar names plus every numeral form: the words glued text is split into."""
    words = {t.pattern.value for t in _lark().terminals if t.pattern.type == "str" and t.pattern.value.isalpha()}
    return frozenset(words) | numeral_forms()


def _known(piece: str) -> bool:
    return piece in _lexicon() or bool(_MULT_WORD.fullmatch(piece))


def _split(word: str) -> list[str] | None:
    """Split a glued chunk into known words, fewest pieces first; None if it cannot be split."""
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 1, -1, -1):
        for j in range(n, i, -1):
            piece = word[i:j]
            rest = best[j]
            if rest is None:
                continue
            if _known(piece):
                cand = [piece, *rest]
            elif piece in _ELIDED and rest and rest[0].startswith("о"):
                cand = [_ELIDED[piece], *rest]
            else:
                continue
            if best[i] is None or len(cand) < len(best[i]):  # type: ignore[arg-type]
                best[i] = cand
    return best[0]


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(normalised word, start, end in `text`) for every word and sign of the sentence."""
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0).translate(_INVISIBLE)
        if not raw:
            continue
        word = _DASHES.get(raw, raw).lower().replace("ё", "е")
        if word.isalpha() and not _known(word):
            pieces = _split(word)
            if pieces and len(pieces) > 1:
                out.extend((p, m.start(), m.end()) for p in pieces)
                continue
        out.append((word, m.start(), m.end()))
    return out


# ---------------------------------------------------------------------------------------------------
# parsing


def _phrase(text: str, start: int, words: int = 6) -> str:
    tail = list(_TOKEN.finditer(text, start))[:words]
    return text[start: tail[-1].end()] if tail else text[start:].strip()


def _error(message: str, text: str, offset: int) -> SanctionParseError:
    return SanctionParseError(message, _phrase(text, offset), offset)


def parse_sanction(text: str) -> dict[str, Any]:
    """The principal and additional lists of one sanction sentence (see the module docstring).

    `text` starts at «наказывается» / «наказываются».  Raises SanctionParseError with the phrase that could
    not be read; nothing is guessed.
    """
    result: dict[str, Any] = _fresh(_parse(text))
    return result


@lru_cache(maxsize=4096)
def _parse(text: str) -> dict[str, Any]:
    """Cached per process: the Code repeats the same sanction sentence in many parts, and Earley is slow."""
    toks = _tokens(text)
    if not toks:
        raise SanctionParseError("пустая санкция", "", 0)
    norm_parts: list[str] = []
    starts: list[int] = []  # offset in the normalised string -> token index
    pos = 0
    for word, _, _ in toks:
        starts.append(pos)
        norm_parts.append(word)
        pos += len(word) + 1
    norm = " ".join(norm_parts)

    def orig(norm_pos: int) -> int:
        """The offset in `text` of the word at `norm_pos` of the normalised string."""
        if norm_pos >= len(norm):
            return len(text.rstrip())
        return toks[bisect_right(starts, norm_pos) - 1][1]

    try:
        tree = _lark().parse(norm)
    except UnexpectedEOF:
        raise SanctionParseError("санкция оборвана: не хватает окончания фразы", _phrase(text, toks[-1][1], 3),
                                 toks[-1][1]) from None
    except UnexpectedInput as exc:
        at = orig(getattr(exc, "pos_in_stream", None) or 0)
        if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
            raise SanctionParseError("санкция оборвана: не хватает окончания фразы",
                                     _phrase(text, toks[-1][1], 3), toks[-1][1]) from None
        what = "незнакомое слово" if isinstance(exc, UnexpectedCharacters) else "слово не на своём месте"
        raise _error(f"санкцию не удалось разобрать: {what}", text, at) from None
    return _Reader(text, orig).read(tree)


def _fresh(value: Any) -> Any:
    """A copy sharing no dict or list: «на тот же срок» must not make two entries one object (YAML anchors)."""
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------------
# reading the tree


_BASES = {
    "base_bribe": "bribe",
    "base_stolen_property": "stolen_property",
    "base_unpaid_budget_payments": "unpaid_budget_payments",
    "base_transferred_money_or_property": "transferred_money_or_property",
    "base_income_received": "income_received",
}
# «таковой» (fem.) answers «конфискация»; «такового» (masc./neut.) «лишение», «выдворение»
_GENDER = {"confiscation": "таковой", "ban_on_office": "такового", "deprivation_of_citizenship": "такового",
           "expulsion": "такового"}


class _Reader:
    """Turns the parse tree into catalogue dicts; every judgement the grammar leaves open is made here."""

    def __init__(self, text: str, orig: Callable[[int], int]) -> None:
        self.text = text
        self.orig = orig  # offset in the normalised string -> offset in `text`
        self.last_fine: dict[str, Any] | None = None
        self.last_term: dict[str, Any] | None = None

    # -- errors ------------------------------------------------------------------------------------

    def fail(self, message: str, node: _Node | Token | None) -> SanctionParseError:
        at = 0
        if isinstance(node, Token) and node.start_pos is not None:
            at = self.orig(node.start_pos)
        elif isinstance(node, Tree) and not node.meta.empty:
            at = self.orig(node.meta.start_pos)
        return _error(message, self.text, at)

    # -- top level ---------------------------------------------------------------------------------

    def read(self, tree: _Node) -> dict[str, Any]:
        amb = _find_ambiguity(tree)
        if amb is not None:
            raise self.fail("санкция допускает два прочтения", amb)
        body = next(c for c in tree.children if isinstance(c, Tree) and c.data == "body")
        result = self.body(body)
        aggr = _subtree(tree, ("aggr_clause",), required=False)
        if aggr is not None:
            result["aggravated"] = self.aggravated(aggr, result)
        items: dict[int, dict[str, Any]] = {}
        for clause in (c for c in tree.children if isinstance(c, Tree) and c.data == "item_clause"):
            refs = [c for c in clause.children if isinstance(c, Tree) and c.data == "item_ref"]
            bodies = [c for c in clause.children if isinstance(c, Tree) and c.data in ("item_own", "item_adds")]
            for ref, ib in zip(refs, bodies):
                number = int(next(t for t in ref.children if isinstance(t, Token) and t.type == "INT"))
                if number in items:
                    raise self.fail(f"пункт {number} назван дважды", ref)
                items[number] = self.item(ib, result)
        if items:
            result["items"] = items
        return result

    def aggravated(self, node: _Node, base: dict[str, Any]) -> dict[str, Any]:
        """The sanction «при отягчающих обстоятельствах»; its first alternative is a bare term of the last kind."""
        last = base["principal"][-1]["kind"]
        if last not in ("imprisonment", "restriction_of_liberty"):
            raise self.fail("«при отягчающих обстоятельствах»: срок без вида наказания, а перед ним не лишение "
                            "и не ограничение свободы", node)
        if base["additional"]:
            raise self.fail("«при отягчающих обстоятельствах»: неясно, относится ли дополнительное наказание "
                            "к обеим санкциям", node)
        self.last_fine = self.last_term = None
        return self.body(node, elided_kind=last)

    def item(self, node: _Node, part: dict[str, Any]) -> dict[str, Any]:
        if node.data == "item_own":
            body = node.children[0]
            assert isinstance(body, Tree)
            return self.body(body)
        own: list[dict[str, Any]] = []
        for group in (c for c in node.children if isinstance(c, Tree) and c.data == "add_group"):
            own += [self.add_item(i) for i in _subtrees(group, "add_item")]
        kinds = {a["kind"] for a in own}
        additional = [dict(a) for a in part["additional"] if a["kind"] not in kinds] + own
        return {"principal": [dict(p) for p in part["principal"]], "additional": additional}

    def body(self, body: _Node, elided_kind: str | None = None) -> dict[str, Any]:
        """Alternatives and additional groups in order → lists with the drafting convention applied.

        Convention (audit finding F8): a group that follows an alternative without a comma goes with that
        alternative only; a group after a comma, directly after an alternative, goes with every
        alternative; a comma group that continues a group attached to one alternative stays with it.
        """
        principal: list[dict[str, Any]] = []
        additional: list[tuple[dict[str, Any], int | None]] = []  # (spec, index of the alternative or None)
        attached_to: int | None = None  # the alternative the previous additional group went with
        prev = "principal"
        all_groups_seen = False
        for child in body.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "alternative":
                if all_groups_seen:
                    raise self.fail("альтернатива после дополнительного наказания, общего для всех: "
                                    "неясно, к чему оно относится", child)
                alt = child.children[-1]
                assert isinstance(alt, Tree)
                principal.append(self.principal(alt))
                prev = "principal"
                continue
            if child.data in ("adds_no_comma", "adds_comma"):
                group = next(c for c in child.children if isinstance(c, Tree) and c.data == "add_group")
                specs = [self.add_item(i) for i in _subtrees(group, "add_item")]
                if child.data == "adds_no_comma":
                    if prev != "principal":
                        raise self.fail("дополнительное наказание без запятой после другого", child)
                    target: int | None = len(principal) - 1
                elif prev == "principal":
                    target = None
                    all_groups_seen = True
                else:
                    target = attached_to
                attached_to = target
                additional += [(s, target) for s in specs]
                prev = "additional"
                continue
            if child.data in ("span_upto", "span_from_to") and elided_kind is not None:
                lo, hi = self.span(child)  # «– от десяти до двадцати лет»: the kind named just before
                spec = {"kind": elided_kind, "min": lo, "max": hi}
                self.last_term = spec
                principal.append(spec)
                continue
            principal.append(self.principal(child))  # the first alternative
        kinds = [p["kind"] for p in principal]
        if len(kinds) != len(set(kinds)):
            raise self.fail("один вид основного наказания назван дважды", body)
        out_add: list[dict[str, Any]] = []
        for spec, target in additional:
            if target is not None and len(principal) > 1:
                spec["with"] = principal[target]["kind"]
            out_add.append(spec)
        return {"principal": principal, "additional": out_add}

    # -- principal penalties -----------------------------------------------------------------------

    def principal(self, node: _Node) -> dict[str, Any]:
        kind = str(node.data)
        if kind == "fine_mrp":
            lo, hi = self.range(_subtree(node, ("range_upto", "range_from_to")))
            spec = {"kind": "fine", "min": lo, "max": hi}
            self.last_fine = spec
            return spec
        if kind == "fine_multiple":
            lo, hi = self.range(_subtree(node, ("range_upto", "range_from_to")))
            base = next(c for c in node.children if isinstance(c, Tree) and c.data.startswith("base_"))
            spec = {"kind": "fine", "unit": "multiple", "min": lo, "max": hi, "base": _BASES[base.data]}
            self.last_fine = spec
            return spec
        if kind == "correctional_same":
            if self.last_fine is None or self.last_fine.get("unit") == "multiple":
                raise self.fail("«в том же размере»: перед исправительными работами нет штрафа в МРП", node)
            return {"kind": "correctional_labour", "min": self.last_fine["min"], "max": self.last_fine["max"]}
        if kind == "correctional_mrp":
            lo, hi = self.range(_subtree(node, ("range_upto", "range_from_to")))
            return {"kind": "correctional_labour", "min": lo, "max": hi}
        if kind in ("community_service", "arrest"):
            lo, hi = self.range(_subtree(node, ("range_upto", "range_from_to")))
            return {"kind": kind, "min": lo, "max": hi}
        if kind in ("restriction", "imprisonment"):
            name = "restriction_of_liberty" if kind == "restriction" else "imprisonment"
            spec = {"kind": name, **self.term(_subtree(node, ("term_range", "term_same", "term_fixed")))}
            self.last_term = spec
            return spec
        if kind == "life_imprisonment":
            return {"kind": "life_imprisonment"}
        if kind == "death_penalty":
            return {"kind": "death_penalty"}
        raise self.fail("неизвестный вид наказания", node)  # pragma: no cover - the grammar lists them all

    def term(self, node: _Node) -> dict[str, Any]:
        if node.data == "term_same":
            if self.last_term is None:
                raise self.fail("«на тот же срок»: раньше в санкции срок не назван", node)
            out = {"min": self.last_term["min"], "max": self.last_term["max"]}
            if self.last_term.get("fixed"):
                out["fixed"] = True
            return out
        if node.data == "term_fixed":
            fixed = self.duration(_subtree(node, ("duration",)))
            return {"min": fixed, "max": dict(fixed), "fixed": True}
        lo, hi = self.span(_subtree(node, ("span_upto", "span_from_to")))
        return {"min": lo, "max": hi}

    def duration(self, node: _Node, unit: _Node | None = None) -> dict[str, int]:
        """«двух лет» → {years: 2, months: 0}; «шести месяцев» → {years: 0, months: 6}."""
        number = self.number(_subtree(node, ("number",)))
        unit = unit if unit is not None else _subtree(node, ("years", "months"))
        return {"years": number, "months": 0} if unit.data == "years" else {"years": 0, "months": number}

    def span(self, node: _Node) -> tuple[dict[str, int] | None, dict[str, int]]:
        hi_node = _subtree(node, ("duration",))
        hi = self.duration(hi_node)
        if node.data == "span_upto":
            return None, hi
        unit = _subtree(node, ("years", "months"), required=False) or _subtree(hi_node, ("years", "months"))
        lo = self.duration(node, unit)
        if lo["years"] * 12 + lo["months"] > hi["years"] * 12 + hi["months"]:
            raise self.fail("нижний предел больше верхнего", node)
        return lo, hi

    def range(self, node: _Node) -> tuple[int | None, int]:
        values = [self.number(c) for c in node.children if isinstance(c, (Tree, Token))
                  and (isinstance(c, Token) and c.type == "NUMWORD" or isinstance(c, Tree) and c.data == "number")]
        if node.data == "range_upto":
            return None, values[0]
        lo, hi = values
        if lo > hi:
            raise self.fail("нижний предел больше верхнего", node)
        return lo, hi

    def number(self, node: _Node | Token) -> int:
        words = [node] if isinstance(node, Token) else [t for t in node.children if isinstance(t, Token)]
        try:
            return words_to_int(" ".join(str(w) for w in words))
        except NumeralError as exc:
            raise self.fail(f"не число: {exc}", node) from None

    # -- additional penalties ----------------------------------------------------------------------

    def add_item(self, node: _Node) -> dict[str, Any]:
        add = node.children[0]
        assert isinstance(add, Tree)
        optional = _subtree(node, ("optional",), required=False)
        kind = {"confiscation": "confiscation", "ban": "ban_on_office", "citizenship": "deprivation_of_citizenship",
                "expulsion": "expulsion"}[add.data]
        spec: dict[str, Any] = {"kind": kind, "mandatory": optional is None}
        if optional is not None:
            word = _tokens_of(optional)[-1]
            if word != _GENDER[kind] and not word.endswith("ых"):
                raise self.fail(f"«или без {word}» не согласуется с дополнительным наказанием", optional)
        if add.data == "ban":
            lifelong = any(isinstance(c, Token) and c.type == "LIFELONG" for c in add.children)
            term = _subtree(add, ("ban_span", "ban_upto_no_unit", "ban_fixed", "ban_lifelong", "ban_from_to_lifelong"),
                           required=False)
            if term is not None and term.data == "ban_lifelong":
                lifelong = True
            elif term is not None and term.data == "ban_from_to_lifelong":
                if lifelong:
                    raise self.fail("пожизненное лишение права со сроком", add)
                unit = _subtree(term, ("years", "months"), required=False)
                n = self.number(_subtree(term, ("number",)))
                spec["min"] = _years(n) if unit is None or unit.data == "years" else {"years": 0, "months": n}
                spec["lifelong_allowed"] = True
                spec["note"] = ("срок — не меньше нижнего предела, верхнего срока нет: вплоть до пожизненного запрета "
                                "занимать должность руководящего работника финансовой организации и быть её крупным "
                                "участником (ст.50 ч.2)")
            elif term is not None:
                if lifelong:
                    raise self.fail("пожизненное лишение права со сроком", add)
                if term.data == "ban_span":
                    lo, hi = self.span(_subtree(term, ("span_upto", "span_from_to")))
                    if lo is not None:
                        spec["min"] = lo
                    spec["max"] = hi
                elif term.data == "ban_fixed":
                    spec["max"] = self.duration(_subtree(term, ("duration",)))
                    spec["fixed"] = True
                else:
                    spec["max"] = _years(self.number(_subtree(term, ("number",))))
                if term.data == "ban_upto_no_unit":
                    # ст.295 ч.2: «на срок до трех или без такового» — the ban is measured in years only (ст.50 ч.2)
                    spec["note"] = "в тексте пропущено слово «лет»; срок прочитан в годах (ст.50 ч.2)"
            if lifelong:
                spec["lifelong"] = True
        if add.data == "expulsion":
            duration = _subtree(add, ("duration",), required=False)
            if duration is not None:
                spec["max"] = self.duration(duration)
                spec["fixed"] = True
        return spec


def _years(n: int) -> dict[str, int]:
    return {"years": n, "months": 0}


def _subtrees(node: _Node, data: str) -> list[_Node]:
    return [c for c in node.children if isinstance(c, Tree) and c.data == data]


def _subtree(node: _Node, names: tuple[str, ...], required: bool = True) -> Any:
    for c in node.children:
        if isinstance(c, Tree) and c.data in names:
            return c
    if required:  # pragma: no cover - guaranteed by the grammar
        raise LookupError(f"{node.data}: none of {names}")
    return None


def _tokens_of(node: _Node) -> list[str]:
    return [str(t) for t in node.scan_values(lambda v: isinstance(v, Token))]


def _find_ambiguity(tree: _Node) -> _Node | None:
    for sub in tree.iter_subtrees():
        if sub.data == "_ambig":
            return sub
    return None
