"""SARIF 2.1.0, for tools that read static-analysis results (code-scanning dashboards, viewers).

Mapping: a rule of the pack is a `reportingDescriptor`; a candidate is a `result` located at the
input file and line of its record (the case id as a logical location), with the report's
fingerprint as `partialFingerprints` so dashboards track a finding across runs.  Invalid records
and rule faults are `toolExecutionNotifications`: they are problems of the run, not findings.
Collects the whole run (a SARIF log is one JSON document).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..i18n import _
from .base import Collecting, dumps
from .text import cites_ru

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"high": "error", "medium": "warning", "low": "note"}
FINGERPRINT_KEY = "legality/v1"


def artifact_uri(file: str) -> str:
    return quote(file.replace("\\", "/"), safe="/:._-~")


def _location(file: str, line: int, case_id: str | None) -> dict[str, Any]:
    phys: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    # `line` is a line number in a .jsonl file, an array index in a .json file
    if not file.lower().endswith(".json"):
        phys["region"] = {"startLine": max(1, line)}
    loc: dict[str, Any] = {"physicalLocation": phys}
    if case_id is not None:
        loc["logicalLocations"] = [{"name": case_id, "kind": "object"}]
    return loc


class SarifFormatter(Collecting):
    name = "sarif"

    def finish(self, summary: dict[str, Any]) -> None:
        rules = sorted(self.meta.rules, key=lambda r: r.id)
        index = {r.id: i for i, r in enumerate(rules)}
        descriptors = [
            {
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": f"{r.title} ({'; '.join(r.citations)})" if r.citations else r.title},
                "defaultConfiguration": {"level": LEVEL.get(r.severity, "warning")},
                "properties": {"severity": r.severity, "citations": list(r.citations), "tags": list(r.tags),
                               "scope": r.scope, "source": f"{r.file}:{r.line}"},
            }
            for r in rules
        ]
        results, notes = [], []
        for line, _ctx in self.lines:
            loc = _location(line.file, line.line, line.case_id)
            for c in line.candidates:
                res: dict[str, Any] = {
                    "ruleId": c.rule,
                    "level": LEVEL.get(c.severity, "warning"),
                    "message": {"text": f"{c.title}. {c.message} ({cites_ru(c.citations)})"},
                    "locations": [loc],
                    "partialFingerprints": {FINGERPRINT_KEY: c.fingerprint},
                    "properties": {"case_id": line.case_id, "offence": c.offence, "severity": c.severity,
                                   "citations": c.citations, "actual": c.actual, "allowed": c.allowed,
                                   "facts": c.facts},
                }
                if c.rule in index:
                    res["ruleIndex"] = index[c.rule]
                results.append(res)
            for e in line.errors:
                notes.append({"level": "error", "message": {"text": f"{_('некорректная запись')}: {e['path']}: {e['message']}"},
                              "locations": [loc], "descriptor": {"id": "E401"}})
            for f in line.faults:
                notes.append({"level": "error", "message": {"text": f"{_('ошибка правила')}: {f.get('message', '')}"},
                              "locations": [loc], "descriptor": {"id": str(f.get("code", "E501"))}})
            for g in line.coverage.gaps if line.coverage is not None else ():
                where = _("эпизод {id}: ").format(id=g.offence) if g.offence else ""
                notes.append({"level": "warning", "message": {"text": _("не проверено: {what}").format(what=where + g.detail)},
                              "locations": [loc], "descriptor": {"id": f"coverage/{g.reason}"},
                              "properties": {"offence": g.offence, "reason": g.reason, "rules": g.rules}})
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "legality", "version": self.meta.tool_version,
                                    "semanticVersion": self.meta.tool_version,
                                    "properties": {"rules_version": self.meta.rules_version},
                                    "rules": descriptors}},
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notes}],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"summary": summary},
            }],
        }
        self.out.write(dumps(log, indent=True) + b"\n")
