"""LLMOps: is the model helping, did the last prompt change make it worse, what does it cost.

- `metrics`: the Prometheus instruments, fed by an `LLMObserver` (every model call goes
  through `opslens.llm.service`) and by the store at scrape time (eval pass rate, feedback);
- `recorder`: every call kept in the store, so `opslens stats` gives the same figures;
- `budget`: `[llm] daily_token_budget`;
- `scoring`, `evaluate`, `runs`: `opslens eval`, one scorer shared with bench/scenarios.py.
"""
