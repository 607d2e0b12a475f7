"""One-off: convert ../shared/law/sanctions.yaml into rules/law/sanctions/<article>.yaml.

Why a script and not hand-typing: 125 parts and 330 penalty alternatives; the numbers must be the
reference's exactly.  Items with their own sanction (Art. 189/190 p.3 item 2 ...) and additional
penalties tied to one alternative are split here by the table `ITEM_SPLITS` / `WITH_SCOPE`, read off
the reference's `scope`/`note` fields.  Run once; afterwards the YAML files are the source of truth.

    python tools/convert_sanctions.py /work/shared/law/sanctions.yaml rules/law/sanctions
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

EDITION = "ЭБНПА text via quyse/kz-laws rus/81097.md, ≈ early 2020"
SOURCE = "https://github.com/quyse/kz-laws/blob/6d56205bec8b800313bc73df219be0c966a82c05/rus/81097.md"
VERIFIED_UNTIL = date(2020, 1, 15)
CODE_START = date(2015, 1, 1)
# Articles added by Law 27.12.2019 № 292-VI: in force 10 days after its first publication (end of Dec 2019);
# 10.01.2020 is a safe lower bound used as valid_from (offences before it get "unknown edition").
ADDED_292 = date(2020, 1, 10)

CHAPTERS = [  # (first article, last article, chapter) — table of contents of the 2020 text
    (99, 131, 1), (132, 144, 2), (145, 159, 3), (160, 174, 4), (175, 186, 5), (187, 204, 6), (205, 213, 7),
    (214, 249, 8), (250, 254, 9), (255, 295, 10), (296, 316, 11), (317, 323, 12), (324, 343, 13),
    (344, 360, 14), (361, 371, 15), (372, 406, 16), (407, 436, 17), (437, 466, 18),
]
NEGLIGENT = {"104", "345", "345-1"}
# Art. 3 p.29 (2020 text): corruption crimes among the articles of the catalogue, by (article, part, item).
CORRUPTION_ARTICLES = {"361", "364", "365", "366", "367", "368", "369", "370"}
CORRUPTION_ITEMS = {("189", 3, 2), ("190", 3, 2), ("218", 3, 1), ("362", 4, 3)}
KIND = {
    "deprivation_of_right_to_hold_positions_or_engage_in_activity": "ban_on_office",
    "fine_multiple": "fine",
}
# (article, part) -> item whose sanction differs: which principal kinds it has, and the part's own kinds.
ITEM_SPLITS = {
    ("189", 3): {"item": 2, "item_kinds": {"fine", "imprisonment"}, "part_drop": {"fine"}},
    ("190", 3): {"item": 2, "item_kinds": {"fine", "imprisonment"}, "part_drop": {"fine"}},
    ("216", 2): {"item": 4, "item_kinds": None, "part_drop": set()},
    ("218", 3): {"item": 1, "item_kinds": None, "part_drop": set()},
    ("362", 4): {"item": 3, "item_kinds": None, "part_drop": set()},
}
SKIP_PARTS = {("120", "3-1"), ("120", "3-2")}  # export v1 has integer parts only; kept as notes


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):  # every number written out where a reviewer reads it
        return True


def chapter_of(article: str) -> int | None:
    n = int(article.split("-")[0])
    for lo, hi, ch in CHAPTERS:
        if lo <= n <= hi:
            return ch
    return None


def amendment_date(text: str) -> date | None:
    import re

    m = re.search(r"(\d\d)\.(\d\d)\.(\d{4})", text)
    return date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None


def term(years):
    return None if years is None else {"years": years}


def principal(pr: dict) -> dict:
    kind = KIND.get(pr["kind"], pr["kind"])
    out: dict = {"kind": kind}
    if pr["kind"] == "fine_multiple":
        out.update(unit="multiple", min=pr.get("min_multiple"), max=pr.get("max_multiple"), base=pr["base"])
    elif "max_years" in pr:
        out.update(min=term(pr.get("min_years")), max=term(pr["max_years"]))
        if pr.get("min_years") is not None and pr["min_years"] == pr["max_years"]:
            out["fixed"] = True
    elif "max_mrp" in pr:
        out.update(min=pr.get("min_mrp"), max=pr["max_mrp"])
    elif "max_hours" in pr:
        out.update(min=pr.get("min_hours"), max=pr["max_hours"])
    elif "max_days" in pr:
        out.update(min=pr.get("min_days"), max=pr["max_days"])
    if pr.get("note"):
        out["note"] = pr["note"]
    return {k: v for k, v in out.items() if v is not None or k == "min"}


def additional(ad: dict, principal_kinds: list[str]) -> dict:
    out: dict = {"kind": KIND.get(ad["kind"], ad["kind"]), "mandatory": ad["mandatory"]}
    if ad.get("lifelong"):
        out["lifelong"] = True
    if ad.get("max_years"):
        out["max"] = {"years": ad["max_years"]}
    if ad.get("fixed_years"):
        out["max"] = {"years": ad["fixed_years"]}
        out["fixed"] = True
    scope = ad.get("scope") or ""
    if "alternative" in scope and "every alternative" not in scope:
        out["with"] = "imprisonment"
    notes = [x for x in (ad.get("note"), scope) if x]
    if notes:
        out["note"] = "; ".join(notes)
    return out


def convert(src: Path, dst: Path) -> None:
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    dst.mkdir(parents=True, exist_ok=True)
    for a in data:
        art = str(a["article"])
        dates = [d for d in (amendment_date(x) for x in a["amendments_in_footnote"]) if d and d > CODE_START]
        added = any(x.startswith("added by") for x in a["amendments_in_footnote"])
        valid_from = ADDED_292 if added else CODE_START
        verified_from = max(dates) if dates else CODE_START
        if added:
            verified_from = valid_from
        notes = [a.get("notes", "")]
        entries = []
        for p in a["parts"]:
            if (art, str(p["part"])) in SKIP_PARTS:
                notes.append(f"ч.{p['part']}: {p['summary']} — not in the catalogue (export v1 has integer parts); "
                             f"principal {p['principal']}, additional {p['additional']}")
                continue
            part = int(p["part"])
            verified = not p.get("unverified", False)
            pnotes = [x for x in (p.get("notes"), p.get("conflict")) if x]
            if p.get("later_change_unverified"):
                pnotes.append("a later amendment is reported (unverified) — see later_changes")
            if p.get("items"):
                pnotes.append("items: " + "; ".join(p["items"]))
            base = {
                "part": part, "summary": p["summary"], "category": p["category"],
            }
            if art in NEGLIGENT:
                base["intent"] = "negligent"
            princ = [principal(x) for x in p["principal"]]
            adds = p["additional"]
            split = ITEM_SPLITS.get((art, part))
            common = {"valid_from": valid_from, "valid_to": None, "verified": verified}
            if split:
                item = split["item"]
                part_princ = [x for x in princ if x["kind"] not in split["part_drop"] or x.get("unit") != "multiple"]
                part_adds = [additional(x, []) for x in adds if "item" not in (x.get("scope") or "")]
                item_princ = [x for x in princ if split["item_kinds"] is None or x["kind"] in split["item_kinds"]]
                item_adds = [additional(x, []) for x in adds]
                entries.append({**base, "corruption": False, "principal": part_princ, "additional": part_adds,
                                **common, "notes": "\n".join(pnotes)})
                entries.append({**base, "paragraph": item, "corruption": (art, part, item) in CORRUPTION_ITEMS
                                or art in CORRUPTION_ARTICLES, "principal": item_princ, "additional": item_adds,
                                **common, "notes": f"п.{item} has its own sanction in the text (see the part's notes)"})
                continue
            entries.append({**base, "corruption": art in CORRUPTION_ARTICLES, "principal": princ,
                            "additional": [additional(x, []) for x in adds], **common, "notes": "\n".join(pnotes)})
        doc = {
            "article": art,
            "title": a["title"],
            "chapter": chapter_of(art),
            "intent": "negligent" if art in NEGLIGENT else "intentional",
            "against_life_or_health": chapter_of(art) == 1 and int(art.split("-")[0]) <= 119,
            "economic": chapter_of(art) == 8,
            "source": SOURCE,
            "edition": EDITION,
            "verified_from": verified_from,
            "verified_until": VERIFIED_UNTIL,
        }
        if not a["parts"]:
            doc["repealed"] = "статья исключена Законом РК от 03.07.2017 № 84-VI"
        doc.update({
            "amendments": a["amendments_in_footnote"],
            "later_changes": a["later_changes"],
            "notes": "\n".join(x for x in notes if x),
            "entries": entries,
        })
        header = (f"# Art. {art} УК РК — sanctions, converted from ../shared/law/sanctions.yaml (read in {EDITION}).\n"
                  "# Edit by hand from now on; docs/law.md explains the fields.\n")
        (dst / f"{art}.yaml").write_text(header + yaml.dump(doc, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=110),
                                         encoding="utf-8")


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
