"""legality: a rule-based engine that finds legality errors in criminal verdicts.

The pipeline (data flows one way; every intermediate form can be printed):

    grammar/legality.lark ──► syntax/   Lark tree → surface AST with spans        (legality.syntax)
    rules/**/*.legal          resolve/  names, types, scopes, exceptions → IR      (legality.resolve)
                              plan/     networkx dependency graph → order          (legality.plan)
    rules/law/*.yaml ───────► law/      dated law catalogue (sanctions, General Part parameters)
                              eval/     compiled closures; evaluate(record) → candidates + trace
    verdicts (.jsonl/.json) ► io/       streaming reader → model/ (pydantic) or RecordErrors
                              report/   one module per output format (jsonl, json, csv, sarif, html, table)
                              store/    SQLite state for nightly runs (new/known/dismissed, resume)

`legality.engine.Engine` ties compile and evaluate together; `legality.cli` is the command line.
"""

__version__ = "0.1.0"
