"""The diagnosis model behind `explain` and the classify_error probe.

observations.py  what a paste shows, as typed names (`status:403`, `host:function-url`, ...)
scoring.py       the rules' scores + fitted observation weights -> calibrated confidences

The evidence rules are data in wizard/catalogue/evidence.yaml (evaluated by classify_rules.py); the
fitted weights in wizard/catalogue/fitted_weights.json (refit with benchmarks/fit_evidence.py).
"""
