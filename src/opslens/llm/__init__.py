"""The LLM layer: providers, versioned prompts, grounded and verified narrative.

The public surface is one function, called by `opslens triage` right before rendering:

    report, notice = apply_llm(report, llm="auto", model=None)

It never degrades the deterministic report: on any provider failure the report comes back
unchanged with a one-line `notice` for stderr.
"""

from opslens.llm.service import apply_llm

__all__ = ["apply_llm"]
