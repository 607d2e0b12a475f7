"""A compiled rule set and its evaluation of one verdict record.

Why this shape: the IR is compiled to Python once (`codegen`), as two variants of the same code —
`run`, the fast path, and `run_traced`, which also tells a `Tracer` what decided each rule — so
there is one evaluator, and `explain` shows what the scan computed.  Facts and rules are evaluated
in the plan's topological order, once per scope instance (the record, or each offence); a rule is
decided in the fixed sequence in force → when → unless → overridden → violation.  A fault in one
rule on one record becomes a diagnostic for that record and rule; the other rules still run — also
when the fault is in building the rule's candidate (a value no report can hold), and, should the
fast driver itself fail, the record is evaluated again by the traced driver, which checks each
rule in its own step, so only the faulting rules are lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from types import CodeType
from typing import TYPE_CHECKING, Any, Callable

from .. import i18n, words
from ..model.jsonable import to_jsonable
from ..model.values import Citation
from ..resolve.types import LawT
from ..result import coverage as C
from ..result.candidate import Candidate, CleanMark, Evaluation, RuleInfo, fingerprint
from .codegen import Gen, Step, link, runs
from .env import CompiledRule, Env, Fn, Runtime
from .runtime import MISSING, Miss

if TYPE_CHECKING:  # the IR's module and the tracer load with the IR or a trace: a stored pack's scan needs neither
    from ..resolve.ir import FactDef, Node, RuleDef

__all__ = ["Generated", "Program", "build_candidate", "generate"]

BATCH_MIN = 16  # fewer records than this are evaluated one at a time even by the batch backend


def _ofacts_read(n: Node | None) -> set[str]:
    """Facts read through an offence value (`o.fact`): possibly another offence's."""
    out: set[str] = set()
    stack = [n]
    while stack:
        x = stack.pop()
        if x is None:
            continue
        if x.op == "ofact":
            out.add(x.data)
        stack.extend(x.args)
    return out


def _rule_ofacts_read(r: RuleDef) -> set[str]:
    nodes = [lt.expr for lt in r.lets] + [c.expr for c in r.whens + r.needs + r.unlesses] + [r.violation.expr]
    out: set[str] = set()
    for n in nodes:
        out |= _ofacts_read(n)
    return out


def _catalogue_reads(n: Node | None) -> tuple[bool, set[str]]:
    """Whether an expression reads an offence's sanction, and which law parameters it reads."""
    sanction, params = False, set[str]()
    stack = [n]
    while stack:
        x = stack.pop()
        if x is None:
            continue
        if x.op == "member" and tuple(x.data) == ("Offence", "sanction"):
            sanction = True
        elif x.op == "law" and not isinstance(x.type, LawT):
            params.add(str(x.data))
        stack.extend(x.args)
    return sanction, params


def catalogue_reads(facts: dict[str, FactDef], rules: dict[str, RuleDef]) -> dict[str, tuple[bool, tuple[str, ...]]]:
    """Per rule: does it read a sanction, and which law parameters — itself or through any fact.

    Why: a rule that stopped on a missing value it took from the catalogue was not checked (the
    catalogue lacked the article, or the parameter on that date), which is a coverage gap, while a
    missing optional fact of the record only means the rule does not apply."""
    memo: dict[str, tuple[bool, frozenset[str]]] = {}

    def fact(name: str, seen: frozenset[str]) -> tuple[bool, frozenset[str]]:
        if name in memo:
            return memo[name]
        fd = facts.get(name)
        if fd is None or name in seen:
            return False, frozenset()
        s, p = _catalogue_reads(fd.expr)
        for d in fd.deps_facts:
            s2, p2 = fact(d, seen | {name})
            s, p = s or s2, p | set(p2)
        memo[name] = (s, frozenset(p))
        return memo[name]

    out: dict[str, tuple[bool, tuple[str, ...]]] = {}
    for rid, r in rules.items():
        s, p = False, set[str]()
        for n in [lt.expr for lt in r.lets] + [c.expr for c in r.whens + r.needs + r.unlesses] + [r.violation.expr]:
            s2, p2 = _catalogue_reads(n)
            s, p = s or s2, p | p2
        for d in r.deps_facts:
            fs, fp = fact(d, frozenset())
            s, p = s or fs, p | fp
        out[rid] = (s, tuple(sorted(p)))
    return out


def newest_edition(catalogue: Any) -> dt.date | None:
    """The newest date up to which the catalogue's text was read (its newest `verified_until`)."""
    try:
        dates = [s.verified_until for s in catalogue.sanctions() if getattr(s, "verified_until", None)]
    except Exception:  # noqa: BLE001 - a catalogue without sanctions (test doubles): no edition to name
        return None
    return max(dates) if dates else None


def _call(fn: Fn, env: Env) -> Any:
    try:
        return fn(env, env.verdict, env.offence, env.rt)
    except Miss:
        return MISSING


def build_candidate(cr: CompiledRule, env: Env) -> Candidate:
    """The report's view of a fired rule on the current scope instance: values JSON-ready, and the title,
    message, actual, allowed and facts in words, in the compiled program's language (`cr.lang`).

    Why the engine writes the words: here the values are still typed (a term, an amount in МРП, a
    regime), so «5 лет 6 месяцев» or «учреждение средней безопасности» can be said right; the JSON of
    a report has lost that, and every format would guess again."""
    r = cr.d
    lang = cr.lang
    cites: list[dict[str, Any]] = []
    for kind, i in r.cite_order:
        if kind == "s":
            cites.append(r.static_cites[i].to_json())
        else:
            ref = _call(cr.dyn_cites[i], env)
            if ref is not MISSING:
                cites.append(Citation("УК РК", ref).to_json())
    actual = actual_text = None
    if cr.actual is not None:
        a = _call(cr.actual, env)
        if a is not MISSING:
            actual, actual_text = to_jsonable(a), words.say(a, lang)
    allowed: Any = None
    allowed_text: str | None = None
    if isinstance(cr.allowed, list):
        allowed, typed = {}, {}
        for k, fn in cr.allowed:
            v = _call(fn, env)
            allowed[k] = None if v is MISSING else to_jsonable(v)
            typed[k] = None if v is MISSING else cr.allowed_texts.get(k, v)
        allowed_text = _allowed_words(typed, lang)
    elif cr.allowed is not None:
        v = _call(cr.allowed, env)
        if v is not MISSING:
            allowed = to_jsonable(v)
            allowed_text = _allowed_words(cr.allowed_texts.get("", v), lang)
    parts: list[str] = []
    for p in cr.message:
        if not isinstance(p, str):
            v = _call(p, env)
            p = "—" if v is MISSING else words.say(v, lang)
        # a value that ends a sentence with its own full stop, before the message's one: one full stop
        if p.startswith(".") and parts and parts[-1].endswith("."):
            p = p[1:]
        parts.append(p)
    facts: dict[str, Any] = {}
    facts_text: list[tuple[str, str]] = []
    for name, label in zip(r.facts, cr.fact_labels):
        v = env.let(name) if name in cr.lets else env.fact(name)
        facts[name] = None if v is MISSING else to_jsonable(v)
        if label is not None:  # a fact without a label is not said to people (its name is an identifier)
            facts_text.append((label, words.say(None if v is MISSING else v, lang)))
    offence_id = env.scope_key
    fp = fingerprint(env.verdict.case_id, r.id, offence_id, actual)
    return Candidate(r.id, r.severity, cr.title, "".join(parts), cites, offence_id, actual, allowed, facts, fp,
                     actual_text, allowed_text, facts_text)


def _allowed_words(value: Any, lang: str) -> str | None:
    """`allowed` in words: one value, or a map of `words.BOUND_KEYS` keys to values (None: missing)."""
    if value is None or isinstance(value, dict) and all(v is None for v in value.values()):
        return None
    return words.allowed_words(value, lang)


def rule_places(facts: dict[str, FactDef], rules: dict[str, RuleDef], order: list[str]) -> dict[str, tuple[int, int]]:
    """Where the fast driver (`codegen.Gen.driver`, as `generate` calls it) decides each rule: (the first step
    of its run of steps, its own step).  Why: a record's gaps are listed in the order the row evaluator
    first meets them, and consecutive offence-level steps share one loop over the offences — so a rule
    instance is met at (run, offence position, step), offence by offence within a run.  The steps and
    their runs are the driver's own (`_driver_steps`, `codegen.runs`)."""
    used, reads_other = _driver_reads(facts, rules)
    steps = _driver_steps(facts, rules, order, used, lambda kind, name: None)
    out: dict[str, tuple[int, int]] = {}
    step = 0
    for run in runs(steps, reads_other):
        start = step
        for kind, name, _scope, _info in run:
            if kind == "rule":
                out[name] = (start, step)
            step += 1
    return out


def _driver_reads(facts: dict[str, FactDef], rules: dict[str, RuleDef]) -> tuple[set[str], dict[str, set[str]]]:
    """(the facts a fact or rule reads: the only ones the fast driver computes; per fact and rule, the facts
    it reads through another offence: what keeps an offence-level step out of a run, `codegen.runs`)."""
    used = {d for f in facts.values() for d in f.deps_facts} | {d for r in rules.values() for d in r.deps_facts}
    reads_other = {**{n: _ofacts_read(f.expr) for n, f in facts.items()},
                   **{rid: _rule_ofacts_read(r) for rid, r in rules.items()}}
    return used, reads_other


def _driver_steps(facts: dict[str, FactDef], rules: dict[str, RuleDef], order: list[str], used: set[str] | None,
                  info: Callable[[str, str], Any]) -> list[Step]:
    """The driver's steps in plan order: every rule, and the facts in `used` (None: every fact, as the
    trace shows them); `info(kind, name)` is what the step calls."""
    steps: list[Step] = []
    for node in order:
        kind, name = node.split(":", 1)
        if kind == "fact" and used is not None and name not in used:
            continue
        scope = facts[name].scope if kind == "fact" else rules[name].scope
        steps.append((kind, name, scope, info(kind, name)))
    return steps


@dataclass(eq=False)
class Generated:
    """What code generation makes of the IR, before it is linked: all a stored pack needs besides the IR.

    `plan` holds, per rule, the names of its generated functions (never the functions), `getters`
    the schema keys of `G`, `consts` the table `K`; `code` is `source` compiled.  `link` turns it
    into running functions; a pack from the on-disk cache (`engine`) is linked without generating."""

    source: str
    code: CodeType
    consts: list[Any]
    getters: list[tuple[str, str, str]]
    plan: dict[str, dict[str, Any]]
    reads: dict[str, tuple[bool, tuple[str, ...]]] | None = None  # `catalogue_reads`, when computed with it


def generate(facts: dict[str, FactDef], rules: dict[str, RuleDef], order: list[str], *,
             cover: Any = None) -> Generated:
    """The IR compiled to Python (raises `CodegenError` when Python refuses the generated source).

    `cover` (a `branches.Cover`): the copy `legality test --coverage` runs, reporting each branch point."""
    g = Gen()
    if cover is not None:
        g.set_cover(cover)
    g.fact_scopes = {name: f.scope for name, f in facts.items()}
    fact_fns = {name: g.function(f"fact_{i}", f.expr, f.scope, cover=True) for i, (name, f) in enumerate(facts.items())}
    overridden_by: dict[str, list[str]] = {}
    for r in rules.values():
        for t in r.overrides:
            overridden_by.setdefault(t, []).append(r.id)
    rule_index = {rid: i for i, rid in enumerate(rules)}
    plan: dict[str, dict[str, Any]] = {}
    for i, (rid, r) in enumerate(rules.items()):
        sc = r.scope
        by = sorted(overridden_by.get(rid, []))
        clauses = r.whens + r.needs + r.unlesses + [r.violation]
        plan[rid] = {
            "lets": {lt.name: g.function(f"r{i}_let_{j}", lt.expr, sc, cover=True) for j, lt in enumerate(r.lets)},
            "leaves": [[(label, g.function(f"r{i}_leaf_{j}_{k}", n, sc)) for k, (label, n) in enumerate(c.leaves)]
                       for j, c in enumerate(clauses)],
            "actual": g.function(f"r{i}_actual", r.actual, sc) if r.actual is not None else None,
            "allowed": ([(k, g.function(f"r{i}_allowed_{j}", n, sc)) for j, (k, n) in enumerate(r.allowed)]
                        if isinstance(r.allowed, list)
                        else g.function(f"r{i}_allowed", r.allowed, sc) if r.allowed is not None else None),
            "message": [p if isinstance(p, str) else g.function(f"r{i}_msg_{j}", p, sc) for j, p in enumerate(r.message)],
            "message_kk": ([p if isinstance(p, str) else g.function(f"r{i}_kmsg_{j}", p, sc)
                            for j, p in enumerate(r.message_kk)] if r.message_kk is not None else None),
            "cites": [g.function(f"r{i}_cite_{j}", n, sc) for j, n in enumerate(r.dynamic_cites)],
            "decide": g.decide(f"r{i}_decide", r, i, by),
            "decide_traced": g.decide(f"r{i}_decide_traced", r, i, by, traced=True),
            "by": by,
        }
    # outcomes other rules read: fired(R) targets, and every overriding rule (its applicability decides)
    needs_outcome = {d for r in rules.values() for d in r.deps_rules} | \
        {r.id for r in rules.values() if r.overrides} | {d for f in facts.values() for d in f.deps_rules}
    used, reads_other = _driver_reads(facts, rules)
    for traced in (False, True):
        def info(kind: str, name: str, traced: bool = traced) -> Any:
            if kind == "fact":
                return fact_fns[name]
            return (plan[name]["decide_traced" if traced else "decide"], rule_index[name], bool(rules[name].lets),
                    name in needs_outcome)
        # the trace shows every fact; the fast path computes the used ones
        g.driver(_driver_steps(facts, rules, order, None if traced else used, info), reads_other, traced=traced)
    if cover is not None:
        g.consts.append(cover.hits)  # `K[-1]`, the sink of the instrumented copy (`Gen.set_cover`)
    source, code = g.compile_source()
    return Generated(source, code, g.consts, g.getters, plan, catalogue_reads(facts, rules))


class RuleHead:
    """What evaluating a record reads of a rule besides its generated code, for a pack from the on-disk cache.

    Why: unpickling the checked IR of every rule and fact is a fifth of a one-record scan's start-up, and
    the row evaluator reads only these few fields of a rule (its id, severity, citations, listed facts and
    `needs` labels) while it builds a candidate or a gap; anything else (a fault's clause, a trace, the
    batch plan) loads the IR through `Program.rules` on first use."""

    FIELDS = ("id", "scope", "severity", "static_cites", "cite_order", "facts", "need_labels", "need_labels_kk",
              "file", "span")
    __slots__ = (*FIELDS, "_program")

    def __init__(self, program: "Program", values: tuple[Any, ...]):
        for n, v in zip(self.FIELDS, values):
            setattr(self, n, v)
        self._program = program

    @classmethod
    def values(cls, r: RuleDef) -> tuple[Any, ...]:
        return tuple(getattr(r, n) for n in cls.FIELDS)

    def __getattr__(self, name: str) -> Any:  # any other field of the rule: from the IR, loaded on first use
        if name.startswith("__") or name == "_program":
            raise AttributeError(name)
        return getattr(self._program.rules[self.id], name)


class _Clauses(Sequence[Any]):
    """A rule's clauses in decision order, taken from the IR on first use (a fault's span, a trace)."""

    __slots__ = ("_d", "_list")

    def __init__(self, d: Any):
        self._d = d
        self._list: list[Any] | None = None

    def _all(self) -> list[Any]:
        if self._list is None:
            d = self._d
            self._list = d.whens + d.needs + d.unlesses + [d.violation]
        return self._list

    def __getitem__(self, i: Any) -> Any:
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())


@dataclass(eq=False)
class Stored:
    """A program's parts kept by the on-disk cache (`engine._pack_load`) besides its code, so that linking
    it reads no IR: `load` unpickles (facts, rules) when something first asks for them (`ir`, once for the
    program and its copies: `Engine.with_catalogue`); `heads` and `links` (per rule: `RuleHead.values` and
    `Program._link_info`), `infos` (`rule_infos`) and `edition` are what linking and `Engine` would
    otherwise compute from the IR and the catalogue."""

    load: Callable[[], tuple[dict[str, FactDef], dict[str, RuleDef]]]
    heads: dict[str, tuple[Any, ...]]
    links: dict[str, tuple[Any, ...]]
    infos: list[RuleInfo]
    edition: dt.date | None
    _ir: tuple[dict[str, FactDef], dict[str, RuleDef]] | None = None

    def ir(self) -> tuple[dict[str, FactDef], dict[str, RuleDef]]:
        if self._ir is None:
            self._ir = self.load()
        return self._ir


class Program:
    candidate_builder = staticmethod(build_candidate)  # what the batch backend builds a fired rule's candidate with

    def __init__(self, facts: dict[str, FactDef] | None, rules: dict[str, RuleDef] | None, order: list[str],
                 catalogue: Any, sources_digest: str, generated: Generated | None = None, lang: str | None = None,
                 *, stored: Stored | None = None):
        """Generate code for the IR (or take `generated`, e.g. from the on-disk cache) and link it.

        `lang` (ru or kk; default: the process's text language now, Russian under `en`) is the language of
        the candidates' texts.  `stored` (with `generated`, and None for `facts` and `rules`): a pack from
        the on-disk cache, whose IR is loaded only when `facts` or `rules` is first read."""
        self.lang = lang or i18n.text_language()
        if self.lang not in i18n.TEXT_LANGS:
            raise ValueError(f"unknown language {self.lang!r}")
        self.catalogue = catalogue
        self._stored = stored
        self._ir: tuple[dict[str, FactDef], dict[str, RuleDef]] | None = None
        if stored is None:
            assert facts is not None and rules is not None
            self._ir = (facts, rules)
        self.order = order
        self.sources_digest = sources_digest
        self.generated = generated if generated is not None else generate(facts or {}, rules or {}, order)
        self._link(self.generated)
        cat_version = getattr(catalogue, "version", "")
        self.version = hashlib.sha256(f"{sources_digest}|{cat_version}|legality-engine-1".encode()).hexdigest()[:16]

    @property
    def facts(self) -> dict[str, FactDef]:
        return (self._ir or self._load_ir())[0]

    @property
    def rules(self) -> dict[str, RuleDef]:
        return (self._ir or self._load_ir())[1]

    def _load_ir(self) -> tuple[dict[str, FactDef], dict[str, RuleDef]]:
        assert self._stored is not None
        self._ir = self._stored.ir()
        return self._ir

    def _link_info(self, r: RuleDef, pl: dict[str, Any]) -> tuple[str, list[str | None], dict[str, str], list[bool]]:
        """What linking takes from a rule's IR: its title, the labels of its listed facts and its `allowed`
        texts in the program's language, and which parts of its message are literal text."""
        kk = self.lang == "kk" and pl.get("message_kk") is not None
        message_ir = r.message_kk if kk else r.message
        return (r.title_in(self.lang), [self._label(r, name) for name in r.facts],
                r.allowed_kk if self.lang == "kk" else {}, [isinstance(p, str) for p in message_ir or ()])

    def _link(self, gen: Generated) -> None:
        ns = link(gen.code, gen.consts, gen.getters)
        self._run: Callable[..., None] = ns["run"]
        self._run_traced: Callable[..., None] = ns["run_traced"]
        self.source: str = gen.source  # printable: `legality check --dump code`
        plan, stored = gen.plan, self._stored

        def fn(name: str | None) -> Any:
            return None if name is None else ns[name]

        self.compiled: dict[str, CompiledRule] = {}
        if stored is not None:
            reads = gen.reads
            assert reads is not None
            self.edition: dt.date | None = stored.edition
            rule_ids = list(stored.heads)
        else:
            reads = gen.reads if gen.reads is not None else catalogue_reads(self.facts, self.rules)
            self.edition = newest_edition(self.catalogue)
            rule_ids = list(self.rules)
        lang = self.lang
        for rid in rule_ids:
            pl = plan[rid]
            d: Any
            if stored is not None:
                d = RuleHead(self, stored.heads[rid])
                clauses: Sequence[Any] = _Clauses(d)
                title, labels, texts, literal = stored.links[rid]
            else:
                d = r = self.rules[rid]
                clauses = r.whens + r.needs + r.unlesses + [r.violation]
                title, labels, texts, literal = self._link_info(r, pl)
            kk = lang == "kk" and pl.get("message_kk") is not None
            message = pl["message_kk"] if kk else pl["message"]
            self.compiled[rid] = CompiledRule(
                d=d,
                lets={k: ns[v] for k, v in pl["lets"].items()},
                clauses=clauses,
                leaves=[[(label, ns[f]) for label, f in leaves] for leaves in pl["leaves"]],
                actual=fn(pl["actual"]),
                allowed=([(k, ns[f]) for k, f in pl["allowed"]] if isinstance(pl["allowed"], list)
                         else fn(pl["allowed"])),
                # message parts: literal text stays text, holes are generated functions
                message=[part if lit else ns[part] for part, lit in zip(message, literal)],
                dyn_cites=[ns[f] for f in pl["cites"]],
                overridden_by=pl["by"],
                reads_sanction=reads[rid][0],
                law_params=reads[rid][1],
                lang=lang, title=title, fact_labels=labels, allowed_texts=texts,
            )
        ns["R"][:] = [self.compiled[rid] for rid in rule_ids]
        ns["LETS"][:] = [self.compiled[rid].lets for rid in rule_ids]

    def stored_parts(self) -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
        """(heads, links) of every rule: what `Stored` keeps (`engine._pack_payload`)."""
        plan = self.generated.plan
        return ({rid: RuleHead.values(r) for rid, r in self.rules.items()},
                {rid: self._link_info(r, plan[rid]) for rid, r in self.rules.items()})

    def _label(self, r: RuleDef, name: str) -> str | None:
        """A fact's (or `let`'s) label in the program's language; None without one (a listed fact has one: E115)."""
        owner: Any = next((lt for lt in r.lets if lt.name == name), None) or self.facts.get(name)
        if owner is None or not owner.label:
            return None
        return str(owner.label_in(self.lang))

    def rule_infos(self) -> list[RuleInfo]:
        if self._stored is not None:
            return list(self._stored.infos)
        out = []
        for r in sorted(self.rules.values(), key=lambda r: r.id):
            cites = [str(c) for c in r.static_cites]
            out.append(RuleInfo(r.id, r.title_in(self.lang), r.severity, tuple(cites), tuple(r.tags), r.scope, r.file, r.span.line))
        return out

    def driver_places(self) -> dict[str, tuple[int, int]]:
        """`rule_places` of this program's rules (remembered): the batch lists a record's gaps by them."""
        got: dict[str, tuple[int, int]] | None = self.__dict__.get("_driver_places")
        if got is None:
            got = self._driver_places = rule_places(self.facts, self.rules, self.order)
        return got

    # ---- evaluation
    def _runtime_memo(self) -> tuple[dict[Any, Any], dict[Any, Any]]:
        """The catalogue's answers kept across the records this program evaluates (`Runtime`'s `shared`):
        a record the batch leaves to the row evaluator (a gap, a doubt) then asks the catalogue only what
        no record before it asked.  Started afresh for another catalogue, and when it grows large."""
        memo: tuple[Any, dict[Any, Any], dict[Any, Any]] | None = self.__dict__.get("_rt_memo")
        if memo is None or memo[0] is not self.catalogue or len(memo[1]) + len(memo[2]) > 1_000_000:
            memo = (self.catalogue, {}, {})
            self._rt_memo = memo
        return memo[1], memo[2]

    def evaluate(self, verdict: Any, *, trace: bool = False, only_rule: str | None = None) -> Evaluation:
        shared = self._runtime_memo()
        env = Env(verdict, Runtime(self.catalogue, shared), build_candidate)
        tr = None
        if not trace:  # fast path: one generated function for the whole record
            try:
                self._run(env, verdict, env.rt)
            except Exception:  # noqa: BLE001 - not a rule's fault: redo the record step by step
                from .tracer import Tracer

                env = Env(verdict, Runtime(self.catalogue, shared), build_candidate)
                self._run_traced(env, verdict, env.rt, Tracer(env, self.facts))
        else:
            from .tracer import Tracer

            tr = Tracer(env, self.facts)
            self._run_traced(env, verdict, env.rt, tr)
        env.candidates.sort(key=lambda kc: kc[0])
        cands = [c for _, c in env.candidates]
        trace_ = tr.trace if tr is not None else None
        if only_rule is not None:
            cands = [c for c in cands if c.rule == only_rule]
            if trace_ is not None:
                trace_.rules = [r for r in trace_.rules if r.rule == only_rule]
        return Evaluation(cands, env.faults, trace_, self._coverage(env, verdict, only_rule))

    def evaluate_many(self, verdicts: list[Any], *, marked: bool = False) -> list[Any]:
        """The batch (columnar) backend: see `eval.batch`.  Equal, record by record, to `evaluate`.

        `marked`: a record the batch decides clean comes back as one of this program's two shared
        `CleanMark`s (`clean_marks`) instead of its `Evaluation` — all a plain scan reads of it; every other
        record (and every record of a batch too small for the batch plan) as its `Evaluation`."""
        import gc

        if len(verdicts) < BATCH_MIN:  # a handful of records: not worth building the batch plan
            return [self.evaluate(v) for v in verdicts]
        from .batch import evaluate_many

        plan = self.batch_plan()
        # the batch allocates many short-lived containers and no cycles: the cyclic collector, which would
        # walk every live record many times over, waits until the batch is done
        enabled = gc.isenabled()
        gc.disable()
        try:
            return evaluate_many(self, plan, verdicts, self.clean_marks() if marked else None)
        finally:
            if enabled:
                gc.enable()

    def batch_plan(self) -> Any:
        """The batch backend's plan of this program (`eval.batch.BatchPlan`), built on first use and kept.

        Building it imports numpy and the batch module, unpickles the IR and compiles every node: about
        0.1–0.15 s, which the first batch of a run pays.  A `--jobs` scan builds it before forking its
        workers (`Engine.prepare`), so that they inherit it instead of each building its own."""
        plan = self.__dict__.get("_batch_plan")
        if plan is None:
            from .batch import BatchPlan  # numpy: only when a batch is evaluated

            plan = self._batch_plan = BatchPlan(self.facts, self.rules, self.order, self.compiled)
        return plan

    def clean_coverage(self, verdict: Any) -> C.Coverage:
        """The coverage of a record every rule could evaluate (no gaps): its level and edition warnings.

        Called for most records of a batch, so it skips what cannot change the answer: without gaps
        the level is always «full» (`checked_level`), and the edition's ISO date is formatted once.
        """
        warnings = self._edition_warnings(verdict)
        return C.Coverage(C.FULL, [], warnings, self._edition_iso() if warnings else None)

    def clean_marks(self) -> tuple[CleanMark, CleanMark]:
        """(plain, warned): the marks of a clean record without and with edition warnings — what
        `clean_coverage` gives it counted as `Summary.add_clean` counts it (level «full»; warnings, naming
        `_edition_iso`, only when an offence is after the edition).  Made again if the edition changes."""
        iso = self._edition_iso()
        marks: tuple[str | None, CleanMark, CleanMark] | None = self.__dict__.get("_clean_marks")
        if marks is None or marks[0] != iso:
            marks = self._clean_marks = (iso, CleanMark(False, None), CleanMark(True, iso))
        return marks[1], marks[2]

    def _edition_iso(self) -> str | None:
        ed = self.edition
        memo = self.__dict__.get("_edition_iso_memo")
        if memo is None or memo[0] != ed:
            memo = self._edition_iso_memo = (ed, ed.isoformat() if ed is not None else None)
        return memo[1]

    def _edition_warnings(self, verdict: Any) -> list[C.EditionWarning]:
        ed = self.edition
        if ed is None:
            return []
        warnings: list[C.EditionWarning] = []
        texts: dict[dt.date, str] | None = self.__dict__.get("_warning_texts")  # one text per date: formatting is dear
        if texts is None:
            texts = {}
            self._warning_texts = texts
        for o in verdict.offences:
            deed = o.committed_on
            if deed > ed:
                text = texts.get(deed)
                if text is None:
                    text = texts[deed] = i18n._(
                        "дата деяния {deed} позже редакции Кодекса от {edition}, загруженной в каталог: "
                        "проверено по этой редакции").format(deed=words.date(deed, self.lang),
                                                             edition=words.date(ed, self.lang))
                warnings.append(C.EditionWarning(o.id, C.AFTER_EDITION, text))
        return warnings

    def _coverage(self, env: Env, verdict: Any, only_rule: str | None) -> C.Coverage:
        """The record's gaps: every rule instance that was undetermined, and every offence the catalogue
        has no sanction for on its date — also when no rule got as far as reading it (e.g. every rule
        is in force only from the 2014 Code, and the deed is older): nothing silently «clean»."""
        if only_rule is None:
            for o in verdict.offences:
                env.rt.sanction(o)
                lk = env.rt.lookups[id(o)]
                if lk.status != "found":
                    reason = lk.status if lk.status in C.REASON_RU else C.UNKNOWN_ARTICLE
                    env.gaps.setdefault((o.id, reason, lk.message), [])
        gaps = [C.Gap(off, reason, detail, list(rules)) for (off, reason, detail), rules in env.gaps.items()
                if only_rule is None or only_rule in rules]
        if only_rule is not None:
            for g in gaps:
                g.rules = [only_rule]
        warnings = self._edition_warnings(verdict)
        ed = self.edition
        level = C.checked_level(gaps, [o.id for o in verdict.offences])
        return C.Coverage(level, gaps, warnings, ed.isoformat() if ed is not None and warnings else None)
