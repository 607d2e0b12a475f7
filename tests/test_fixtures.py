"""The shipped verdict fixtures: well-formed, consistent with expected.yaml, and legally what they claim.

`fixtures/verdicts/lawful/` and `nearmiss/` must be lawful, every record of `planted/` must carry
exactly the error of its family.  That is judged here by a small reference checker written
directly from the sources (`shared/law/sanctions.yaml` for the Special Part; the General Part as
read in the Code's Russian text, edition ≈ early 2020, github quyse/kz-laws rus/81097.md) — it is
independent of the rule pack, so the fixtures can be trusted to test the rule pack.  The checker
deliberately covers only what the fixtures need; it is not the product.

The scan-level test at the end (engine flags exactly the planted records) is expected to fail
until the rule pack exists.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from legality.model import validate_record

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
VERDICTS = FIXTURES / "verdicts"
SANCTIONS_FILE = Path("/work/shared/law/sanctions.yaml")
if not SANCTIONS_FILE.exists():  # layout of a checkout next to shared/
    SANCTIONS_FILE = ROOT.parent / "shared" / "law" / "sanctions.yaml"

FAMILIES = range(1, 14)


# ---------------------------------------------------------------------------------------------
# Loading


def _load(sub: str) -> list[tuple[str, int, dict]]:
    out = []
    for f in sorted((VERDICTS / sub).glob("*.jsonl")):
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                out.append((f"{sub}/{f.name}", i, json.loads(line)))
    return out


LAWFUL = _load("lawful")
PLANTED = _load("planted")
NEARMISS = _load("nearmiss")
ALL = LAWFUL + PLANTED + NEARMISS
# planted and near-miss entries; the real cases (verdicts/real/) are checked in tests/test_validate_fixtures.py
EXPECTED = [e for e in yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))["cases"]
            if e["file"].startswith(("verdicts/planted/", "verdicts/nearmiss/"))]
EXPECTED_BY_ID = {e["case_id"]: e for e in EXPECTED}


def _ids(records):
    return [f"{r['case_id']}" for _, _, r in records]


# ---------------------------------------------------------------------------------------------
# Law data


def _sanctions() -> dict[tuple[str, str], dict]:
    data = yaml.safe_load(SANCTIONS_FILE.read_text(encoding="utf-8"))
    return {(str(a["article"]), str(p["part"])): p for a in data for p in (a.get("parts") or [])}


SANCTIONS = _sanctions()

NEGLIGENT_ARTICLES = {"104", "345"}  # sanctions.yaml notes: negligent
DEATH_ARTICLES = {"99", "101", "104"}  # crimes whose element is a death (Art. 81 p.7 exception)
# Art. 3 p.29 (2020 text): corruption crimes; (article, part, item) with None = any
CORRUPTION = {("189", "3", 2), ("190", "3", 2), ("218", "3", 1), ("234", "3", 1), ("249", "3", 2),
              ("362", "4", 3), ("451", "2", 2)} | {(a, None, None) for a in
                                                   ("361", "364", "365", "366", "367", "368", "369", "370", "450", "452")}
RANK = {"petty_offense": 0, "minor": 1, "medium": 2, "grave": 3, "especially_grave": 4}
# Art. 55 p.2 (2020 text): cap fraction by category
ART55_P2 = {"petty_offense": Fraction(1, 2), "minor": Fraction(1, 2), "medium": Fraction(1, 2),
            "grave": Fraction(2, 3), "especially_grave": Fraction(3, 4)}
# Art. 71 p.1 limitation periods, years
LIMITATION = {"petty_offense": 1, "minor": 2, "medium": 5, "grave": 10, "especially_grave": 15}


def date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def age(born: str, on: str) -> int:
    b, o = date(born), date(on)
    return o.year - b.year - ((o.month, o.day) < (b.month, b.day))


def months(t: dict) -> Fraction:
    return Fraction(t.get("years", 0) * 12 + t.get("months", 0)) + Fraction(t.get("days", 0), 30)


def add_years(d: dt.date, years: Fraction | int) -> dt.date:
    whole = int(years)
    try:
        base = d.replace(year=d.year + whole)
    except ValueError:  # 29 February
        base = d.replace(year=d.year + whole, day=28)
    return base + dt.timedelta(days=round((Fraction(years) - whole) * 365))


def sanction(o: dict) -> dict | None:
    return SANCTIONS.get((o["article"], str(o.get("part"))))


def category(o: dict) -> str:
    return sanction(o)["category"]


def is_corruption(o: dict) -> bool:
    return any(a == o["article"] and (p is None or p == str(o.get("part"))) and (i is None or i == o.get("paragraph"))
               for a, p, i in CORRUPTION)


def sanction_kind(p: dict) -> str:
    return "fine_multiple" if p["kind"] == "fine" and "multiple" in p else p["kind"]


def amount(p: dict) -> Fraction | None:
    """A penalty's amount in the unit of its sanction entry (months, МРП, multiple, hours, days)."""
    if "term" in p:
        return months(p["term"])
    for f in ("mrp", "multiple", "hours", "days"):
        if f in p:
            return Fraction(str(p[f]))
    return None


def sanction_limits(entry: dict) -> tuple[Fraction | None, Fraction | None]:
    lo = hi = None
    for key, scale in (("years", 12), ("mrp", 1), ("multiple", 1), ("hours", 1), ("days", 1)):
        if entry.get(f"min_{key}") is not None:
            lo = Fraction(entry[f"min_{key}"]) * scale
        if entry.get(f"max_{key}") is not None:
            hi = Fraction(entry[f"max_{key}"]) * scale
    return lo, hi


def principal_entry(o: dict) -> dict | None:
    kind = sanction_kind(o["sentence"]["principal"])
    return next((e for e in sanction(o)["principal"] if e["kind"] == kind), None)


def is_juvenile(v: dict, o: dict) -> bool:
    return age(v["defendant"]["birth_date"], o["committed_on"]) < 18


def recidivism(v: dict) -> str | None:
    """Art. 14 (2020 text): None, 'simple' or 'dangerous', from the record's prior convictions."""
    gravest = max(RANK[category(o)] for o in v["offences"])
    counted = [p for p in v["defendant"].get("prior_convictions", [])
               if not p["expunged"] and p["intent"] == "intentional" and (p.get("age_at_offence") or 18) >= 18]
    grave_imp = [p for p in counted if p["category"] == "grave" and p["real_imprisonment"]]
    esp = [p for p in counted if p["category"] == "especially_grave"]
    esp_imp = [p for p in esp if p["real_imprisonment"]]
    if gravest == RANK["grave"]:
        if len(grave_imp) >= 2 or esp:
            return "dangerous"
        return "simple" if grave_imp else None
    if gravest == RANK["especially_grave"] and (grave_imp or esp_imp):
        return "dangerous"
    return None


def served_intentional_imprisonment(v: dict) -> bool:
    return any(not p["expunged"] and p["intent"] == "intentional" and p["real_imprisonment"]
               for p in v["defendant"].get("prior_convictions", []))


CH_MIN = [(205, 254), (317, 343)]  # chapters 7, 8, 9, 12, 13 (non-violent crimes -> minimum security)
CH_15 = (361, 371)


def _artno(o: dict) -> int:
    return int(re.match(r"\d+", o["article"]).group())


def expected_regimes(v: dict) -> set[str]:
    """Art. 46 p.2, p.5 (edition of 18.04.2017) for a real imprisonment without recidivism."""
    fs = v["final_sentence"]
    d = v["defendant"]
    if fs["principal"]["kind"] == "life_imprisonment":
        return {"extraordinary"}
    if age(d["birth_date"], v["verdict_date"]) < 18:
        return {"medium"}
    offs = v["offences"]
    if all(o["article"] in NEGLIGENT_ARTICLES for o in offs):
        return {"minimum"}
    if all(any(a <= _artno(o) <= b for a, b in CH_MIN) for o in offs):
        return {"minimum"}
    if all(CH_15[0] <= _artno(o) <= CH_15[1] and o.get("damage_compensated") for o in offs):
        return {"minimum"}
    term = months(fs["principal"]["term"])
    served = served_intentional_imprisonment(v)
    esp = any(category(o) == "especially_grave" for o in offs)
    if d["sex"] == "F":
        return {"medium"} if not served else {"medium", "maximum"}
    if served or esp:
        return {"maximum"}
    return {"minimum"} if term <= 24 else {"medium"}


# ---------------------------------------------------------------------------------------------
# The reference checker: families of issue 4 violated by a record


def violations(v: dict) -> dict[int, list[str]]:  # noqa: C901 - one flat list of checks reads best here
    out: dict[int, list[str]] = {}

    def bad(family: int, msg: str) -> None:
        out.setdefault(family, []).append(msg)

    d = v["defendant"]
    fs = v["final_sentence"]
    vdate = v["verdict_date"]
    offs = v["offences"]
    rec = recidivism(v)
    old = age(d["birth_date"], vdate)

    for o in offs:
        s = sanction(o)
        assert s is not None, f"{o['article']} ч.{o.get('part')} is not in sanctions.yaml"
        p = o["sentence"]["principal"]
        cat = s["category"]
        juv = is_juvenile(v, o)
        amt = amount(p)
        entry = principal_entry(o)
        if o["sentence"].get("exempted"):
            continue
        # 1. sanction of the article
        foreign_expulsion = (p["kind"] == "expulsion" and cat == "petty_offense"
                             and d.get("citizenship") in ("foreign", "stateless"))  # Art. 40 p.1 i.5, Art. 51 p.2
        if entry is None and not foreign_expulsion:
            bad(1, f"{p['kind']} not provided by {o['article']} ч.{o.get('part')}")
        if entry is not None and amt is not None:
            lo, hi = sanction_limits(entry)
            if hi is not None and amt > hi:
                bad(1, f"{amt} > max {hi}")
            if lo is not None and amt < lo:
                bad(1, f"{amt} < min {lo}")
        for a in o["sentence"].get("additional", []):
            if a["kind"] == "ban_on_office" and "term" in a:
                for e in s.get("additional", []):
                    if e["kind"].startswith("deprivation_of_right") and e.get("max_years") is not None:
                        if months(a["term"]) > e["max_years"] * 12:
                            bad(1, "ban above the sanction's term")
        # 2. general limits of penalty kinds (adults; juveniles are family 10)
        if not juv:
            k = p["kind"]
            crime = cat != "petty_offense"
            if k == "imprisonment":
                top = 240 if cat == "especially_grave" else 180
                if o["article"] in NEGLIGENT_ARTICLES:
                    top = 120
                if not 6 <= amt <= top:
                    bad(2, "imprisonment outside Art. 46 p.3")
            if k == "restriction_of_liberty" and not 6 <= amt <= 84:
                bad(2, "restriction outside 6 m - 7 y, Art. 44 p.1")
            if k in ("fine", "correctional_labour") and "mrp" in p:
                lo, hi = (200, 10000) if crime else (20, 200)
                if not lo <= amt <= hi:
                    bad(2, f"{k} outside {lo}-{hi} МРП, Art. 41/42")
            if k == "community_service":
                lo, hi = (200, 1200) if crime else (20, 200)
                if not lo <= amt <= hi or RANK[cat] > RANK["medium"]:
                    bad(2, "community service outside Art. 43 p.2")
                if (d.get("pregnant") or (d["sex"] == "F" and d.get("child_under_3")) or d.get("military")
                        or d.get("disability_group") in (1, 2) or old >= (58 if d["sex"] == "F" else 63)):
                    bad(2, "community service to an excluded person, Art. 43 p.3")
            if k == "arrest":
                if not 10 <= amt <= 50:
                    bad(2, "arrest outside 10-50 days, Art. 45 p.2")
                if (d.get("pregnant") or (d["sex"] == "F" and d.get("child_under_3"))
                        or d.get("disability_group") in (1, 2) or old >= (58 if d["sex"] == "F" else 63)):
                    bad(2, "arrest to an excluded person, Art. 45 p.3")
            for a in o["sentence"].get("additional", []):
                if a["kind"] == "ban_on_office" and "term" in a and not 12 <= months(a["term"]) <= 120:
                    bad(2, "ban outside 1-10 years, Art. 50 p.2")
        # 3. unfinished offence (Art. 24, 56)
        stage = o.get("stage", "completed")
        if stage != "completed":
            if p["kind"] == "life_imprisonment":
                bad(3, "life for an unfinished crime, Art. 56 p.4")
            elif stage == "preparation" and RANK[cat] < RANK["grave"]:
                bad(3, "preparation of a non-grave crime, Art. 24 p.2")
            elif stage == "attempt" and RANK[cat] < RANK["medium"]:
                bad(3, "attempt of a minor crime, Art. 24 p.4")
            elif entry is not None and amt is not None:
                _, hi = sanction_limits(entry)
                frac = Fraction(1, 2) if stage == "preparation" else Fraction(3, 4)
                if hi is not None and amt > frac * hi:
                    bad(3, f"{amt} > {frac} of {hi}, Art. 56")
        # 4. leniency (Art. 55)
        caps = []
        if o.get("mitigating") and not o.get("aggravating"):
            caps.append(ART55_P2[cat])
        if v.get("procedure") in ("plea_agreement", "cooperation_agreement", "abbreviated"):
            caps.append(Fraction(1, 2))
        if caps:
            cap = min(caps) * {"completed": 1, "attempt": Fraction(3, 4), "preparation": Fraction(1, 2)}[stage]
            if p["kind"] == "life_imprisonment":
                bad(4, "life under an Art. 55 cap")
            elif entry is not None and amt is not None:
                _, hi = sanction_limits(entry)
                if hi is not None and amt > cap * hi:
                    bad(4, f"{amt} > {cap} of {hi}, Art. 55 p.2/3 (p.7)")
        if (RANK[cat] in (RANK["minor"], RANK["medium"]) and o.get("damage_compensated")
                and p["kind"] == "imprisonment" and any(e["kind"] != "imprisonment" for e in s["principal"])):
            bad(4, "imprisonment despite full compensation, Art. 55 p.1")
        # 6. life imprisonment (Art. 46 p.4)
        if p["kind"] == "life_imprisonment" and (d["sex"] == "F" or juv or old >= 63):
            bad(6, "life for a woman / juvenile / man 63+")
        # 9. limitation (Art. 71, 88)
        years = Fraction(10) if (is_corruption(o) and RANK[cat] <= RANK["medium"]) else Fraction(LIMITATION[cat])
        if juv:
            years /= 2
        if add_years(date(o["committed_on"]), years) <= date(vdate):
            bad(9, "limitation period expired, not exempted")
        # 10. juveniles (Art. 81)
        if juv:
            k = p["kind"]
            if k == "imprisonment":
                top = 144 if (o["article"] == "99" and o.get("part") == 2) else 120
                if amt > top:
                    bad(10, "juvenile imprisonment above Art. 81 p.7")
                if RANK[cat] <= RANK["medium"] and o["article"] not in DEATH_ARTICLES:
                    bad(10, "juvenile imprisonment for a minor/medium crime, Art. 81 p.7")
            if k in ("fine", "correctional_labour") and "mrp" in p and not 5 <= amt <= 100:
                bad(10, "juvenile fine/correctional labour outside 5-100 МРП")
            if k == "community_service" and not 10 <= amt <= 75:
                bad(10, "juvenile community service outside 10-75 h")
            if k == "restriction_of_liberty" and amt > 24:
                bad(10, "juvenile restriction above 2 years")
            if k == "arrest":
                bad(10, "arrest for a juvenile, Art. 45 p.3")
        # 12. mandatory additional penalties
        add = o["sentence"].get("additional", [])
        has_conf = any(a["kind"] == "confiscation" for a in add)
        has_life_ban = any(a["kind"] == "ban_on_office" and a.get("lifelong") for a in add)
        has_ban = any(a["kind"] == "ban_on_office" for a in add)
        for e in s.get("additional", []):
            if not e.get("mandatory"):
                continue
            scope = e.get("scope") or ""
            m = re.search(r"item (\d+)", scope)
            if m and o.get("paragraph") != int(m.group(1)):
                continue
            if "alternative" in scope and "year" in scope and p["kind"] != "imprisonment":
                continue
            if e["kind"] == "confiscation" and not has_conf:
                bad(12, "mandatory confiscation missing")
            if e["kind"].startswith("deprivation_of_right"):
                if e.get("lifelong") and not has_life_ban:
                    bad(12, "mandatory lifelong ban missing")
                elif not has_ban:
                    bad(12, "mandatory ban missing")
        if is_corruption(o) and not has_life_ban:
            bad(12, "corruption: lifelong ban missing, Art. 50 p.2")

    # --- verdict level
    fp = fs["principal"]
    real = fp["kind"] in ("imprisonment", "life_imprisonment") and not fs.get("probation")
    prob = fs.get("probation")
    juvenile_any = any(is_juvenile(v, o) for o in offs)
    # 5. recidivism consequences (Art. 63 p.6, Art. 46 p.5)
    if rec and prob:
        bad(5, f"probation at {rec} recidivism, Art. 63 p.6")
    if rec and real and fs.get("regime"):
        want = {"dangerous": {"extraordinary"},
                "simple": {"maximum"} if d["sex"] == "M" else {"medium"}}[rec]
        if d["sex"] == "F" and rec == "dangerous":
            want = {"maximum"}
        if fs["regime"] not in want:
            bad(5, f"regime {fs['regime']} at {rec} recidivism")
    # 7. regime without recidivism
    if real and not rec and fs.get("regime") and fs["regime"] not in expected_regimes(v):
        bad(7, f"regime {fs['regime']} not in {expected_regimes(v)}")
    # 8. probation (Art. 63)
    if prob and fp["kind"] == "imprisonment":
        period = months(prob["period"])
        if juvenile_any:
            if not 6 <= period <= 12:
                bad(8, "juvenile probation outside 6-12 months")
        elif period != months(fp["term"]):
            bad(8, "probation period differs from the term")
        if any(category(o) == "especially_grave" or is_corruption(o) for o in offs):
            bad(8, "probation forbidden (especially grave / corruption), Art. 63 p.6")
    # 11. cumulation (Art. 58, 60)
    live = [o for o in offs if not o["sentence"].get("exempted")]
    if len(offs) > 1:
        same = [amount(o["sentence"]["principal"]) for o in live if o["sentence"]["principal"]["kind"] == fp["kind"]]
        top = max(same) if same else None
        fa = amount(fp)
        if top is not None and fa is not None:
            if fa < top:
                bad(11, "final below the largest per-offence penalty")
            if fs.get("combination") == "absorption" and fa != top:
                bad(11, "absorption but final != largest")
        cats = {category(o) for o in offs}
        if cats <= {"petty_offense", "minor", "medium"} and cats != {"petty_offense"} \
                and fs.get("combination") != "absorption":
            bad(11, "only minor/medium crimes: absorption only, Art. 58 p.2")
        if cats == {"petty_offense"} and fa is not None and fa > {"fine": 400, "community_service": 400,
                                                                  "arrest": 50}.get(fp["kind"], fa):
            bad(11, "misdemeanour set above Art. 58 p.2 caps")
        twenty = [o for o in offs if category(o) == "especially_grave"
                  and any(e["kind"] == "life_imprisonment" or (e.get("max_years") or 0) >= 20 for e in sanction(o)["principal"])]
        if fp["kind"] == "imprisonment":
            if months(fp["term"]) > (300 if twenty else 240):
                bad(11, "final above the Art. 58 p.3/p.4 cap")
        if twenty and fs.get("combination") not in ("partial_addition", "full_addition") and fp["kind"] != "life_imprisonment":
            bad(11, "especially grave with a 20-year sanction: addition required, Art. 58 p.4")
    pu = fs.get("prior_unserved")
    if pu:
        new = [amount(o["sentence"]["principal"]) for o in live if o["sentence"]["principal"]["kind"] == fp["kind"]]
        fa = amount(fp)
        if fa is not None and (any(fa <= n for n in new) or
                               (pu["principal"]["kind"] == fp["kind"] and fa <= amount(pu["principal"]))):
            bad(11, "set of sentences: final not greater than each, Art. 60 p.4")
    # 13. consistency of the verdict
    if len(offs) == 1 and not pu:
        o = offs[0]
        if fs["principal"] != o["sentence"]["principal"]:
            bad(13, "single offence: final differs from its sentence")
    if len(offs) == 1 and fs.get("combination") not in (None, "single"):
        bad(13, "one offence but a combination method")
    if real and not fs.get("regime"):
        bad(13, "real imprisonment without a regime")
    if prob and fp["kind"] != "imprisonment":
        bad(13, "probation with a penalty other than imprisonment, Art. 63 p.1")
    return out


# ---------------------------------------------------------------------------------------------
# Format, ids, expected.yaml


@pytest.mark.parametrize("src,line,record", ALL, ids=_ids(ALL))
def test_every_fixture_record_validates(src, line, record):
    result = validate_record(record)
    assert not isinstance(result, list), f"{src}:{line}: {[e.to_json() for e in result]}"
    assert result.case_id == record["case_id"]


def test_case_ids_unique_across_fixtures():
    ids = [r["case_id"] for _, _, r in ALL]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    assert not dups, dups


def test_fixture_sizes():
    assert len(LAWFUL) >= 40
    assert len({f for f, _, _ in LAWFUL}) >= 4  # spread over several files
    fam = [EXPECTED_BY_ID[r["case_id"]]["family"] for _, _, r in PLANTED]
    assert all(fam.count(f) >= 2 for f in FAMILIES), {f: fam.count(f) for f in FAMILIES}
    near = [EXPECTED_BY_ID[r["case_id"]]["family"] for _, _, r in NEARMISS]
    assert all(near.count(f) >= 1 for f in FAMILIES), {f: near.count(f) for f in FAMILIES}


def test_expected_yaml_covers_exactly_planted_and_nearmiss():
    listed = [e["case_id"] for e in EXPECTED]
    assert len(listed) == len(set(listed))
    want = {r["case_id"] for _, _, r in PLANTED + NEARMISS}
    assert set(listed) == want
    assert not {r["case_id"] for _, _, r in LAWFUL} & set(listed)


def test_expected_entries_are_well_formed():
    by_id = {r["case_id"]: (src, r) for src, _, r in PLANTED + NEARMISS}
    for e in EXPECTED:
        src, r = by_id[e["case_id"]]
        assert set(e) >= {"case_id", "family", "expect", "offence", "why", "rule"}, e
        assert e["family"] in FAMILIES
        assert e["expect"] == ("flag" if src.startswith("planted/") else "none"), e
        assert e["offence"] is None or e["offence"] in {o["id"] for o in r["offences"]}, e
        assert re.search(r"[а-яА-Я]", e["why"]) and re.search(r"ст\.\s?\d+", e["why"]), e["why"]
        assert "rule" in e  # filled in by the rule pack author
        assert e["file"] == f"verdicts/{src}"


def test_shipped_files_match_the_generator():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # builds the records in memory; writes nothing
    groups = mod.ALL_LAWFUL + list(mod.PL.values()) + list(mod.NM.values())
    generated = {g.path: g.records for g in groups}
    shipped = {}
    for src, _, r in ALL:
        shipped.setdefault(src, []).append(r)
    assert generated == shipped, "fixtures/verdicts is stale: run python fixtures/make_fixtures.py"


# ---------------------------------------------------------------------------------------------
# Data sanity, computed from the records


@pytest.mark.parametrize("src,line,record", ALL, ids=_ids(ALL))
def test_dates_and_personal_data(src, line, record):
    v = record
    for o in v["offences"]:
        assert dt.date(2016, 1, 1) <= date(o["committed_on"]) < date(v["verdict_date"]) <= dt.date(2024, 12, 31)
        assert age(v["defendant"]["birth_date"], o["committed_on"]) >= 14
    for p in v["defendant"].get("prior_convictions", []):
        assert date(p["verdict_date"]) < min(date(o["committed_on"]) for o in v["offences"])
    assert re.fullmatch(r"P-\d{5}", v["defendant"]["person_id"])
    assert re.fullmatch(r"J-\d{4}", v["judge_id"])
    assert re.fullmatch(r"\d{4}-\d{4}-\d{2}", v["case_id"])
    text = json.dumps(v, ensure_ascii=False)
    assert not re.search(r"\b\d{12}\b", text), "something that looks like an ИИН"


@pytest.mark.parametrize("src,line,record", LAWFUL + NEARMISS, ids=_ids(LAWFUL + NEARMISS))
def test_lawful_basic_consistency(src, line, record):
    v, fs = record, record["final_sentence"]
    assert (fs["combination"] == "single") == (len(v["offences"]) == 1)
    for o in v["offences"]:
        assert sanction(o) is not None, f"{o['article']} ч.{o.get('part')} not in sanctions.yaml"
        p = o["sentence"]["principal"]
        if p["kind"] == "imprisonment":
            lo, hi = sanction_limits(principal_entry(o))
            assert (lo or 6) <= months(p["term"]) <= hi


@pytest.mark.parametrize("src,line,record", LAWFUL + NEARMISS, ids=_ids(LAWFUL + NEARMISS))
def test_lawful_record_has_no_violation(src, line, record):
    assert violations(record) == {}, f"{src}:{line}"


@pytest.mark.parametrize("src,line,record", LAWFUL + NEARMISS, ids=_ids(LAWFUL + NEARMISS))
def test_lawful_limitation_has_margin(src, line, record):
    """Limitation runs until the verdict enters into force (Art. 71 p.2): keep a month of margin."""
    v = record
    for o in v["offences"]:
        if o["sentence"].get("exempted"):
            continue
        years = Fraction(10) if is_corruption(o) and RANK[category(o)] <= 2 else Fraction(LIMITATION[category(o)])
        if is_juvenile(v, o):
            years /= 2
        assert add_years(date(o["committed_on"]), years) > date(v["verdict_date"]) + dt.timedelta(days=30)


@pytest.mark.parametrize("src,line,record", PLANTED, ids=_ids(PLANTED))
def test_planted_record_violates_exactly_its_family(src, line, record):
    family = EXPECTED_BY_ID[record["case_id"]]["family"]
    found = violations(record)
    assert set(found) == {family}, found


def test_checker_is_not_vacuous():
    """The checker must see a planted error once the error is planted into a lawful record."""
    import copy

    v = copy.deepcopy(next(r for _, _, r in LAWFUL if r["offences"][0]["article"] == "191"
                           and r["offences"][0]["sentence"]["principal"]["kind"] == "imprisonment"))
    assert violations(v) == {}
    v["offences"][0]["sentence"]["principal"]["term"] = {"years": 7, "months": 1}
    v["final_sentence"]["principal"]["term"] = {"years": 7, "months": 1}
    assert 1 in violations(v)


def test_lawful_coverage():
    recs = [r for _, _, r in LAWFUL]
    offs = [(r, o) for r in recs for o in r["offences"]]
    kinds = {o["sentence"]["principal"]["kind"] for _, o in offs}
    assert kinds >= {"fine", "correctional_labour", "community_service", "arrest", "restriction_of_liberty",
                     "imprisonment", "life_imprisonment", "expulsion"}
    assert any("multiple" in o["sentence"]["principal"] for _, o in offs)
    assert any("mrp" in o["sentence"]["principal"] and o["sentence"]["principal"]["kind"] == "fine" for _, o in offs)
    adds = [a for _, o in offs for a in o["sentence"].get("additional", [])]
    assert {"confiscation", "ban_on_office", "deprivation_of_rank", "expulsion"} <= {a["kind"] for a in adds}
    assert any(a.get("lifelong") for a in adds) and any("term" in a for a in adds if a["kind"] == "ban_on_office")
    assert {r["procedure"] for r in recs} == {"general", "plea_agreement", "cooperation_agreement", "abbreviated", "jury"}
    stages = {o.get("stage", "completed") for _, o in offs}
    assert stages == {"completed", "attempt", "preparation"}
    assert all(RANK[category(o)] >= RANK["grave"] for _, o in offs if o.get("stage") == "preparation")
    assert {o.get("role", "perpetrator") for _, o in offs} == {"perpetrator", "organiser", "instigator", "accessory"}
    assert any(is_juvenile(r, o) for r, o in offs)
    d = [r["defendant"] for r in recs]
    assert any(x.get("pregnant") for x in d) and any(x.get("child_under_3") for x in d)
    assert any(x["sex"] == "M" and age(x["birth_date"], r["verdict_date"]) >= 63 for x, r in zip(d, recs))
    assert {x.get("citizenship", "KZ") for x in d} >= {"KZ", "foreign", "stateless"}
    assert any(x.get("military") for x in d) and any(x.get("disability_group") for x in d)
    assert {recidivism(r) for r in recs} >= {None, "simple", "dangerous"}
    priors = [p for x in d for p in x.get("prior_convictions", [])]
    assert any(p["expunged"] for p in priors)
    assert any((p.get("age_at_offence") or 18) < 18 for p in priors)
    assert any(p["intent"] == "negligent" for p in priors)
    assert any(p.get("suspended") for p in priors)
    combos = {r["final_sentence"]["combination"] for r in recs}
    assert combos == {"single", "absorption", "partial_addition", "full_addition"}
    assert any(r["final_sentence"].get("prior_unserved") for r in recs)
    prob = [r for r in recs if r["final_sentence"].get("probation")]
    assert any(any(is_juvenile(r, o) for o in r["offences"]) for r in prob)
    assert any(not any(is_juvenile(r, o) for o in r["offences"]) for r in prob)
    assert any(o["sentence"].get("exempted") == "limitation" for _, o in offs)
    assert {r["final_sentence"].get("regime") for r in recs} >= {"minimum", "medium", "maximum", "extraordinary"}
    assert len({r["court"]["region"] for r in recs}) >= 8


# ---------------------------------------------------------------------------------------------
# Scan level: the engine flags exactly the planted records (issue 5 "Done when")


def test_engine_flags_exactly_the_planted_records():
    from legality.engine import Engine

    engine = Engine.load()
    flagged, planted = set(), {e["case_id"] for e in EXPECTED if e["expect"] == "flag"}
    clean_expected = {r["case_id"] for _, _, r in LAWFUL} | {e["case_id"] for e in EXPECTED if e["expect"] == "none"}
    for _, _, record in ALL:
        ev = engine.evaluate(validate_record(record))
        assert not ev.faults, (record["case_id"], ev.faults)
        if ev.candidates:
            flagged.add(record["case_id"])
    assert flagged == planted, {"missed": sorted(planted - flagged), "false": sorted(flagged & clean_expected)}


def test_each_planted_record_is_flagged_by_its_rule_on_its_offence():
    from legality.engine import Engine

    engine = Engine.load()
    by_id = {r["case_id"]: r for _, _, r in ALL}
    for e in EXPECTED:
        if e["expect"] != "flag":
            assert e["rule"] is None, e
            continue
        ev = engine.evaluate(validate_record(by_id[e["case_id"]]))
        got = sorted({(c.rule, c.offence) for c in ev.candidates})
        # a finding on the final sentence as a whole (offence None) may stand for the planted offence
        assert [r for r, _ in got] == [e["rule"]], (e["case_id"], e["why"], got)
        assert all(o in (e["offence"], None) for _, o in got), (e["case_id"], got)


def test_coverage_fixtures_are_reported_not_checked_with_their_gap():
    """Issue 9: an unknown article, a part that does not exist, a deed before the 2014 Code — each
    record is `partial` (not fully checked) with a coverage gap of the expected reason, never clean."""
    from legality.engine import Engine

    engine = Engine.load()
    cases = [e for e in yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))["cases"]
             if e.get("family") == "coverage"]
    records = {r["case_id"]: r for _, _, r in _load("coverage")}
    assert cases and {e["case_id"] for e in cases} == set(records)
    partial = [e for e in cases if e["expect"] == "partial"]
    assert partial and {e["gap"] for e in partial} >= {"unknown_article", "unknown_edition"}
    for e in partial:
        ev = engine.evaluate(validate_record(records[e["case_id"]]))
        assert ev.candidates == [] and not ev.faults, e["case_id"]
        assert ev.coverage.checked == e["checked"], e["case_id"]
        assert (e["offence"], e["gap"]) in {(g.offence, g.reason) for g in ev.coverage.gaps}, e["case_id"]
