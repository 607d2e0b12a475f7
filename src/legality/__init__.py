"""legality: a rule-based engine that finds legality errors in criminal verdicts.

Data flows one way, and every package imports only packages below it (tests/test_layers.py):

    rule text   grammar/ ─► syntax/ ─► resolve/ ─► plan/ ─► lint/ ─► eval/ (codegen) ─┐  driver.py runs
                (surface AST)  (typed IR)  (order)  (W-codes)  (generated Python)      │  these passes
    law         rules/law/ ─► law/ (dated catalogue) ──────────────────────────────────┤
    a record    io/ (reader) ─► model/ (pydantic) ─► eval/ (fast or traced) ─► result/ ─► report/
                                                           engine.py = driver + Program
    the batch   scan/ (pipeline, workers) ─► store/ (SQLite)      commands/ + cli.py: the command line

`resources` finds the grammar and the shipped rules (package data in a wheel, the top-level folders in
a checkout).
"""

__version__ = "0.1.0"
