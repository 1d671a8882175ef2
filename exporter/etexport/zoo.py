"""The architectures of the real-exporter suite (`etbench export --suite real`).

Each function here is a factory in the sense of `etbench export FILE.py:factory`: it takes no
arguments and returns an `nn.Module` in eval mode with random weights. The exporter seeds
torch's generator before calling it, so the weights are a function of `--seed`.

| factory             | input            | what it is                                                   |
|---------------------|------------------|--------------------------------------------------------------|
| mobilenet_v2        | 1x3x224x224      | torchvision's MobileNetV2 (*)                                |
| resnet18            | 1x3x224x224      | torchvision's ResNet-18 (*)                                  |
| mobilenet_v3_small  | 1x3x224x224      | torchvision's MobileNetV3-Small (*)                          |
| transformer_encoder | 1x32x64          | 2 pre-norm encoder layers (d=64, 4 heads, FFN 128) + a head  |
| lstm                | 1x16x40          | 1-layer LSTM (hidden 64) over 16 frames, last step -> 12     |
| ds_cnn              | 1x1x49x10        | DS-CNN keyword spotter (Zhang et al., "Hello Edge"), 12 words (*) |

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
    """A pre-norm transformer encoder layer written out (nn.TransformerEncoderLayer's fused
    inference path is not what we want to export: this is the plain graph a device runs)."""

    def __init__(self, d_model: int, heads: int, ffn: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.ffn = nn.Sequential(nn.Linear(d_model, ffn), nn.GELU(), nn.Linear(ffn, d_model))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attn = torch.softmax(q @ k.transpose(-2, -1) * (d // self.heads) ** -0.5, dim=-1)
        x = x + self.proj((attn @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.ffn(self.norm2(x))


class TransformerEncoder(nn.Module):
    def __init__(self, d_model: int = 64, heads: int = 4, ffn: int = 128, layers: int = 2, classes: int = 10) -> None:
        super().__init__()
        self.layers = nn.Sequential(*[EncoderLayer(d_model, heads, ffn) for _ in range(layers)])
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.layers(x)).mean(dim=1))


def transformer_encoder() -> nn.Module:
    return TransformerEncoder().eval()


class LstmClassifier(nn.Module):
    def __init__(self, features: int = 40, hidden: int = 64, layers: int = 1, classes: int = 12) -> None:
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def lstm() -> nn.Module:
    return LstmClassifier().eval()


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
