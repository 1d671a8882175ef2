"""A tiny decoder-shaped model exported by ExecuTorch's own pipeline, for etrun --generate.

forward(tokens [1, T], input_pos [T]) -> logits [1, V] with a KV-cache buffer that index_put_
updates in place. The exporter's defaults apply: the mutated buffer is stored with neither an
initial value nor a name ("a meaningless initial state"). The logits read the sum of every
cache row, so rows left over from an earlier generation change them: a runner that does not
reset the cache between repetitions generates other tokens.

usage: python tiny_lm.py OUT.pte PROMPT_IDS(comma-separated) NEW_TOKENS
prints JSON: {"tokens": greedy tokens from a fresh cache, "stale": the same generation run a
second time without resetting the cache, "cache_bytes": bytes of the cache buffer}
"""
import json
import sys

import torch
from torch.export import Dim, export

from executorch.exir import to_edge

V, D, S = 32, 8, 16


class TinyLM(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(3)
        self.emb = torch.nn.Embedding(V, D)
        self.out = torch.nn.Linear(D, V)
        self.register_buffer("k_cache", torch.zeros(1, S, D))

    def forward(self, tokens, input_pos):
        x = self.emb(tokens)
        self.k_cache.index_put_((torch.tensor([0]), input_pos), x[0])
        return self.out(torch.tanh(self.k_cache.sum(dim=1)))


def generate(model, prompt, new_tokens):
    y = model(torch.tensor([prompt]), torch.arange(len(prompt)))
    out = [int(y.argmax(-1))]
    while len(out) < new_tokens:
        y = model(torch.tensor([[out[-1]]]), torch.tensor([len(prompt) + len(out) - 1]))
        out.append(int(y.argmax(-1)))
    return out


def main():
    path, prompt, new_tokens = sys.argv[1], [int(t) for t in sys.argv[2].split(",")], int(sys.argv[3])
    model = TinyLM().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        program = export(model, (torch.tensor([[1, 2]]), torch.tensor([0, 1])),
                         dynamic_shapes=({1: Dim("T", max=S)}, {0: Dim("T", max=S)}))
        with open(path, "wb") as f:
            f.write(to_edge(program).to_executorch().buffer)
        fresh = TinyLM().eval()
        tokens = generate(fresh, prompt, new_tokens)
        stale = generate(fresh, prompt, new_tokens)  # the cache still holds the first run's rows
    print(json.dumps({"tokens": tokens, "stale": stale, "cache_bytes": S * D * 4}))


if __name__ == "__main__":
    main()
