"""The architectures of the real-exporter suite (`etbench export --suite real`).

Each function here is a factory in the sense of `etbench export FILE.py:factory`: it takes no
arguments and returns an `nn.Module` in eval mode with random weights. The exporter seeds
torch's generator before calling it, so the weights are a function of `--seed`.

| factory             | input            | what it is                                                   |
|---------------------|------------------|--------------------------------------------------------------|
| mobilenet_v2        | 1x3x224x224      | torchvision's MobileNetV2 (*)                                |
| resnet18            | 1x3x224x224      | torchvision's ResNet-18 (*)                                  |
| mobilenet_v3_small  | 1x3x224x224      | torchvision's MobileNetV3-Small (*)                          |
| transformer_encoder | 1x128x256        | the zoo's encoder: 4 post-norm layers (d=256, 4 heads, FFN 1024, ReLU) |
| lstm                | 50x1x256         | the zoo's LSTM: 2 layers, hidden 256, 50 steps, sequence-first |
| ds_cnn              | 1x1x49x10        | DS-CNN keyword spotter (Zhang et al., "Hello Edge"), 12 words (*) |
| llama_kv            | int64 1xT, int64 1 | Llama-style decoder over a static KV cache, T dynamic (<= 64) |

(*) BatchNorm statistics measured on one seeded random batch (with_batch_statistics).

This module imports only torch (and torchvision inside its three factories), so it can be
loaded from its path like any user's model file.
"""
from __future__ import annotations

import torch
from torch import nn


IMAGE = (1, 3, 224, 224)
KWS_FEATURES = (1, 1, 49, 10)


def with_batch_statistics(model: nn.Module, shape: tuple[int, ...]) -> nn.Module:
    """Sets every BatchNorm's running statistics from one training-mode pass over a random batch
    of 8 (drawn from torch's seeded generator), then returns the model in eval mode.

    With random weights the running statistics stay at mean 0, variance 1, and activations
    shrink layer by layer: MobileNetV2's outputs end near 1e-9, which makes every comparison
    meaningless. Statistics measured on the data, as a trained network has, keep activations
    near unit scale and give the folded batch norms real values."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # cumulative average: after one batch, exactly its statistics
    model.train()
    with torch.no_grad():
        model(torch.randn(8, *shape[1:]))
    return model.eval()


def mobilenet_v2() -> nn.Module:
    from torchvision.models import mobilenet_v2 as build  # noqa: PLC0415 - only these three need it

    return with_batch_statistics(build(weights=None), IMAGE)


def resnet18() -> nn.Module:
    from torchvision.models import resnet18 as build  # noqa: PLC0415

    return with_batch_statistics(build(weights=None), IMAGE)


def mobilenet_v3_small() -> nn.Module:
    from torchvision.models import mobilenet_v3_small as build  # noqa: PLC0415

    return with_batch_statistics(build(weights=None), IMAGE)


class EncoderLayer(nn.Module):
    """The zoo's transformer encoder layer (program/zoo/models/transformer.ts), as
    nn.TransformerEncoderLayer computes it in eval mode (post-norm, ReLU feed-forward), written
    out: nn.TransformerEncoderLayer's fused inference path is not the plain graph a device runs."""

    def __init__(self, d_model: int, heads: int, ffn: int) -> None:
        super().__init__()
        self.heads = heads
        self.in_proj = nn.Linear(d_model, 3 * d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.norm1 = nn.LayerNorm(d_model)
        self.linear1 = nn.Linear(d_model, ffn)
        self.linear2 = nn.Linear(ffn, d_model)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.in_proj(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attn = torch.softmax(q @ k.transpose(-2, -1) * (d // self.heads) ** -0.5, dim=-1)
        x = self.norm1(x + self.out_proj((attn @ v).transpose(1, 2).reshape(b, t, d)))
        return self.norm2(x + self.linear2(torch.relu(self.linear1(x))))


class TransformerEncoder(nn.Module):
    """The zoo's encoder: d_model 256, 4 heads, feed-forward 1024, 4 layers; [1, 128, 256] in and out."""

    def __init__(self, d_model: int = 256, heads: int = 4, ffn: int = 1024, layers: int = 4) -> None:
        super().__init__()
        self.layers = nn.Sequential(*[EncoderLayer(d_model, heads, ffn) for _ in range(layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


def transformer_encoder() -> nn.Module:
    return TransformerEncoder().eval()


class Lstm(nn.Module):
    """The zoo's LSTM: nn.LSTM(256, 256, 2 layers), sequence-first [50, 1, 256], zero initial
    state; the output is every step's hidden state of the last layer, [50, 1, 256]."""

    def __init__(self, features: int = 256, hidden: int = 256, layers: int = 2) -> None:
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, num_layers=layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return out


def lstm() -> nn.Module:
    return Lstm().eval()


def _conv_bn_relu(cin: int, cout: int, kernel: tuple[int, int], stride: tuple[int, int], groups: int = 1) -> nn.Sequential:
    padding = (kernel[0] // 2, kernel[1] // 2)
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, padding, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(),
    )


class DsCnn(nn.Module):
    """DS-CNN (small) on 49 frames x 10 MFCC features: a 10x4 stride-2 convolution, four
    depthwise-separable blocks of 64 channels, global average pooling and a linear classifier."""

    def __init__(self, channels: int = 64, blocks: int = 4, classes: int = 12) -> None:
        super().__init__()
        layers = [_conv_bn_relu(1, channels, (10, 4), (2, 2))]
        for _ in range(blocks):
            layers.append(_conv_bn_relu(channels, channels, (3, 3), (1, 1), groups=channels))
            layers.append(_conv_bn_relu(channels, channels, (1, 1), (1, 1)))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def ds_cnn() -> nn.Module:
    return with_batch_statistics(DsCnn(), KWS_FEATURES)


# A small Llama-style decoder written the way ExecuTorch's own Llama export writes it
# (examples/models/llama: llama_transformer.py, attention.py, rope.py): token embedding,
# RMSNorm, rotary embeddings indexed by position, grouped-query attention over a static KV
# cache held in buffers and updated in place at input_pos, SwiGLU feed-forward, and logits of
# the last token. One decode step: tokens int64[1, 1], input_pos int64[1].

class RmsNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(torch.mean(x * x, dim=-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim: int, max_seq_len: int, theta: float = 10000.0) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin of position * frequency, [max_seq_len, head_dim / 2] (rope.py's precompute_freqs_cis)."""
    freqs = 1.0 / (theta ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))
    angles = torch.outer(torch.arange(max_seq_len, dtype=torch.float32), freqs)
    return torch.cos(angles), torch.sin(angles)


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x [B, S, H, D] rotated pairwise; cos, sin [S, D / 2] (rope.py's apply_rotary_emb)."""
    pairs = x.float().reshape(*x.shape[:-1], -1, 2)
    re, im = pairs.unbind(-1)
    cos, sin = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack([re * cos - im * sin, re * sin + im * cos], dim=-1).flatten(3).type_as(x)


class KvCache(nn.Module):
    """ExecuTorch's static KVCache: buffers [max_batch, n_kv_heads, max_seq_len, head_dim],
    written in place at input_pos (index_put_); torch.export lifts them as mutated buffers and
    to_executorch memory-plans them as the program's mutable state."""

    def __init__(self, max_batch: int, n_kv_heads: int, max_seq_len: int, head_dim: int) -> None:
        super().__init__()
        shape = (max_batch, n_kv_heads, max_seq_len, head_dim)
        self.register_buffer("k_cache", torch.zeros(shape), persistent=False)
        self.register_buffer("v_cache", torch.zeros(shape), persistent=False)

    def update(self, input_pos: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # k, v: [B, H_kv, S, D]. aten::index_put_ with indices [None, None, input_pos]: the
        # .pte stores that optional-tensor list's None items as value index -1 (index_copy_
        # lowers to the same index_put).
        self.k_cache[:, :, input_pos] = k
        self.v_cache[:, :, input_pos] = v
        return self.k_cache, self.v_cache


class LlamaAttention(nn.Module):
    def __init__(self, dim: int, n_heads: int, n_kv_heads: int, max_seq_len: int) -> None:
        super().__init__()
        self.n_heads, self.n_kv_heads, self.head_dim = n_heads, n_kv_heads, dim // n_heads
        self.wq = nn.Linear(dim, n_heads * self.head_dim, bias=False)
        self.wk = nn.Linear(dim, n_kv_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(dim, n_kv_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(n_heads * self.head_dim, dim, bias=False)
        self.kv_cache = KvCache(1, n_kv_heads, max_seq_len, self.head_dim)
        mask = torch.triu(torch.full((max_seq_len, max_seq_len), float("-inf")), diagonal=1)
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, input_pos: torch.Tensor) -> torch.Tensor:
        b, s, _ = x.shape
        q = self.wq(x).view(b, s, self.n_heads, self.head_dim)
        k = self.wk(x).view(b, s, self.n_kv_heads, self.head_dim)
        v = self.wv(x).view(b, s, self.n_kv_heads, self.head_dim)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        k, v = self.kv_cache.update(input_pos, k, v)
        rep = self.n_heads // self.n_kv_heads  # grouped-query attention: each kv head serves rep query heads
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        attn_mask = self.mask[input_pos]  # [S, max_seq_len]: positions after input_pos masked off
        y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
        return self.wo(y.transpose(1, 2).reshape(b, s, -1))


class LlamaBlock(nn.Module):
    def __init__(self, dim: int, n_heads: int, n_kv_heads: int, hidden: int, max_seq_len: int) -> None:
        super().__init__()
        self.attention_norm = RmsNorm(dim)
        self.attention = LlamaAttention(dim, n_heads, n_kv_heads, max_seq_len)
        self.ffn_norm = RmsNorm(dim)
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, input_pos: torch.Tensor) -> torch.Tensor:
        h = x + self.attention(self.attention_norm(x), cos, sin, input_pos)
        f = self.ffn_norm(h)
        return h + self.w2(nn.functional.silu(self.w1(f)) * self.w3(f))  # SwiGLU


class LlamaDecoder(nn.Module):
    def __init__(self, vocab: int = 512, dim: int = 128, layers: int = 2, n_heads: int = 4, n_kv_heads: int = 2,
                 hidden: int = 352, max_seq_len: int = 64) -> None:
        super().__init__()
        self.tok_embeddings = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList([LlamaBlock(dim, n_heads, n_kv_heads, hidden, max_seq_len) for _ in range(layers)])
        self.norm = RmsNorm(dim)
        self.output = nn.Linear(dim, vocab, bias=False)
        cos, sin = rope_tables(dim // n_heads, max_seq_len)
        self.register_buffer("freqs_cos", cos, persistent=False)
        self.register_buffer("freqs_sin", sin, persistent=False)

    def forward(self, tokens: torch.Tensor, input_pos: torch.Tensor) -> torch.Tensor:
        # tokens [1, T] (T dynamic: a prompt, then T = 1 per decoded token), input_pos [1] = the
        # position of tokens[0, 0]; the cache rows written are input_pos .. input_pos + T - 1.
        positions = input_pos + torch.arange(tokens.shape[1], dtype=torch.int64)
        h = self.tok_embeddings(tokens)
        cos, sin = self.freqs_cos[positions], self.freqs_sin[positions]
        for layer in self.layers:
            h = layer(h, cos, sin, positions)
        return self.output(self.norm(h[:, -1, :]))  # logits of the last token, [1, vocab]


def llama_kv() -> nn.Module:
    # Inference only, as ExecuTorch's export_llama runs under torch.no_grad(): with parameters
    # that require grad, to_executorch's write-back of the cache (copy_ into the buffer) fails
    # with "a leaf Variable that requires grad is being used in an in-place operation".
    model = LlamaDecoder().requires_grad_(False).eval()
    # The prompt length is dynamic (at most the cache length), as in ExecuTorch's Llama export:
    # one program serves prefill (T = prompt length) and decode (T = 1). The exporter passes
    # `export_dynamic_shapes` to torch.export when a module has it.
    model.export_dynamic_shapes = {"tokens": {1: torch.export.Dim("prompt", min=1, max=64)}, "input_pos": None}
    return model
