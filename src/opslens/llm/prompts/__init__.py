"""Prompts as versioned files: `prompts/<name>/<version>.md` with a small YAML header."""

from opslens.llm.prompts.registry import Prompt, RenderedPrompt, list_prompts, load_prompt, render

__all__ = ["Prompt", "RenderedPrompt", "list_prompts", "load_prompt", "render"]
