"""Streaming log template mining: millions of lines become a few hundred counted patterns.

    from opslens.analysis.mining import TemplateMiner
    miner = TemplateMiner()
    key = miner.add("Connection to 10.0.0.1 timed out after 30 ms", time=t, origin="app.log:12")
    miner.template(miner.canonical(key))   # 'Connection to <*> timed out after <*> ms'
    miner.templates()                      # [TemplateInfo(id, template, count, ...), ...]

One configuration serves every log source (`MinerConfig` holds bounds, not per-source tuning).
"""

from opslens.analysis.mining.masking import MASKS, WILDCARD, Mask, mask
from opslens.analysis.mining.miner import TemplateMiner
from opslens.analysis.mining.model import Example, MinerConfig, TemplateInfo, template_id

__all__ = [
    "MASKS",
    "WILDCARD",
    "Example",
    "Mask",
    "MinerConfig",
    "TemplateInfo",
    "TemplateMiner",
    "mask",
    "template_id",
]
