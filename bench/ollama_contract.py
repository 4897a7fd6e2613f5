"""Check opslens' Ollama provider against a real Ollama server, and time it.

The tests speak to a local server that replays Ollama's wire protocol; this script checks that
protocol against the real thing where it matters (streaming with a JSON-schema `format`, usage
counts and durations on the final line, model listing, context length, the 404 for a model that
is not pulled) and prints the figures of one structured answer: latency and tokens per second.
No LLM can run on CI machines, so this is run by hand where one is available:

    python bench/ollama_contract.py 127.0.0.1:11434 [--model qwen2.5:0.5b]

The model defaults to the smallest one pulled. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.providers.base import ChatRequest, Message, Role, complete
from opslens.llm.providers.ollama import OllamaProvider
from opslens.llm.settings import RetryPolicy, Timeouts, parse_ollama_host


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("host", help="the Ollama server, host:port or URL")
    parser.add_argument("--model", help="the model to ask (default: the smallest pulled)")
    args = parser.parse_args(argv)
    real = OllamaProvider(parse_ollama_host(args.host), Timeouts(5.0, 300.0, 600.0), RetryPolicy(1, 0.5))
    failures: list[str] = []

    def check(what: str, ok: bool, detail: str = "") -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {what}{': ' + detail if detail else ''}")
        if not ok:
            failures.append(what)

    status = real.status()
    check("server reachable and reports its version", bool(status.reachable and status.version), str(status.version))
    pulled = real.list_models()
    check("models are listed", bool(pulled), ", ".join(m.name for m in pulled[:5]))
    if not pulled:
        return 1
    model = args.model or min(pulled, key=lambda m: m.size or 0).name
    check(f"context length of {model}", (real.context_length(model) or 0) > 0, str(real.context_length(model)))

    request = ChatRequest(
        model=model,
        messages=(Message(Role.USER, "Reply in JSON: what colour is the sky?"),),
        schema={"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]},
        temperature=0.0, seed=1, num_ctx=2048, max_tokens=64,
    )  # fmt: skip
    started = time.perf_counter()
    done = complete(real, request)
    seconds = time.perf_counter() - started
    try:
        check("a schema-constrained answer is JSON with the field", "answer" in json.loads(done.text), done.text[:80])
    except ValueError:
        check("a schema-constrained answer is JSON with the field", False, done.text[:80])
    check("the final line counts tokens", bool(done.usage.prompt_tokens and done.usage.completion_tokens),
          f"prompt {done.usage.prompt_tokens}, completion {done.usage.completion_tokens}")
    check("the final line has timings and a finish reason",
          done.timings.get("total", 0) > 0 and done.finish_reason in ("stop", "length"), str(done.finish_reason))

    missing = ChatRequest(model="opslens-no-such-model:0b", messages=(Message(Role.USER, "hi"),))
    try:
        complete(real, missing)
        check("a model that is not pulled is a MODEL_NOT_FOUND error", False, "no error")
    except LLMError as err:
        check("a model that is not pulled is a MODEL_NOT_FOUND error naming the pull command",
              err.kind is FailureKind.MODEL_NOT_FOUND and "ollama pull opslens-no-such-model:0b" in str(err), str(err)[:100])

    rate = (done.usage.completion_tokens or 0) / done.timings["eval"] if done.timings.get("eval") else None
    print(f"\nstructured answer: {seconds:.2f} s wall clock, {done.timings.get('total', 0):.2f} s on the server"
          + (f", {rate:.1f} tokens/s generated" if rate else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
