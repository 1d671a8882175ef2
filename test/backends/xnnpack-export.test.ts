// XNNPACK-delegated programs written by the real ExecuTorch exporter (XnnpackPartitioner, and
// the PT2E int8 flow) run on our XnnpackBackend: each .bpte's bundled cases (PyTorch eager
// outputs) pass within the tolerances the exporter measured on ExecuTorch, and
// `etbench crosscheck` finds our outputs within tolerance of ExecuTorch's own runtime (which
// runs the real XNNPACK library). `dyn` has a dynamic row count (graph exported for 12 rows,
// bundled cases of 6): the delegates re-shape at execute. The programs are exported once into
// build/test-cache/xnnpack-export/<hash of the models>/ (never committed) and reused.
// Needs .venv (`npm run setup:python`) and etrun.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { CrosscheckReport } from '../../cli/crosscheck/index.js';
import { locatePython, runExporter, type ExportRequest } from '../../cli/export/index.js';
import { readProgram, tolerancesFor } from '../../program/index.js';
import { readBundled } from '../../program/index.js';
import { readXnnpackPayload } from '../../program/read/read-xnnpack.js';
import { etbench, etrun, show } from '../export/helpers.js';
import { repoRoot } from '../helpers/fixtures.js';
import { withPython } from '../helpers/python.js';

const MODELS = `
import torch
import torch.nn as nn


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(32, 64)
        self.b = nn.Linear(64, 10)

    def forward(self, x):
        return torch.softmax(self.b(torch.relu(self.a(x))), dim=-1)


def mlp():
    return Mlp()


def convnet():
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 16, 3, padding=1, groups=16), nn.Hardtanh(0.0, 6.0),
        nn.Conv2d(16, 24, 1), nn.Sigmoid(),
        nn.AvgPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(24, 5), nn.Tanh(),
    )


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(4, 8, 3, padding=2, dilation=2)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1, groups=2)

    def forward(self, x, y):
        a = self.c1(x)
        b = self.c2(a) * y - a
        c = torch.cat([a, b], dim=1)
        return (torch.nn.functional.hardswish(c) + torch.abs(c) / 2,
                torch.clamp(c, -0.5, 0.5).permute(0, 2, 3, 1).reshape(1, -1, 16))


def mixed():
    return Mixed()


class QLin(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 32)
        self.b = nn.Linear(32, 8)

    def forward(self, x):
        return self.b(torch.relu(self.a(x)))


def qlin():
    return QLin()


def qconv():
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.Conv2d(8, 4, 1))


class QRes(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        a = torch.nn.functional.relu6(self.c1(x))
        b = torch.nn.functional.max_pool2d(a + self.c2(a), 2)
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(b, 1), 1))


def qres():
    return QRes()


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
        self.prelu = nn.PReLU(6)

    def forward(self, x):
        a = self.up(x)
        b = torch.nn.functional.interpolate(a, scale_factor=2, mode='bilinear', align_corners=False)
        c = torch.nn.functional.interpolate(a, size=(13, 11), mode='bilinear', align_corners=True)
        d = torch.nn.functional.pad(self.prelu(b), (1, 2, 0, 1), value=0.25)
        return torch.nn.functional.leaky_relu(d, 0.1), torch.nn.functional.gelu(c[:, 1:5, 2:, :9])


def decoder():
    return Decoder()


class Dyn(nn.Module):
    """A dynamic row count (exported up to 12, run at 6): the delegate re-shapes its graph."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 32)
        self.b = nn.Linear(32, 8)
        self.scale = nn.Parameter(torch.linspace(-1.0, 1.0, 8))
        self.export_dynamic_shapes = {"x": {1: torch.export.Dim("rows", min=2, max=12)}}

    def forward(self, x):
        h = torch.relu(self.a(x))
        y = self.b(h) * self.scale + torch.sigmoid(h[..., 8:16])
        z = y.reshape(1, -1, 2, 4).transpose(1, 2)
        return torch.cat([z, z * 2.0], dim=-1)


def dyn():
    return Dyn()
`;

interface Model {
  name: string;
  inputs: number[][];
  int8: boolean;
  /** Node kinds the partitioner must have put in the delegate (checked so the test keeps covering them). */
  kinds: string[];
}

const MODELS_LIST: Model[] = [
  { name: 'mlp', inputs: [[4, 32]], int8: false, kinds: ['XNNFullyConnected', 'XNNSoftmax'] },
  {
    name: 'convnet', inputs: [[1, 3, 32, 32]], int8: false,
    kinds: ['XNNConv2d', 'XNNMaxPooling2d', 'XNNDepthwiseConv2d', 'XNNSigmoid', 'XNNAvgPooling2d', 'XNNFullyConnected', 'XNNTanh'],
  },
  {
    name: 'mixed', inputs: [[1, 4, 8, 8], [1, 8, 8, 8]], int8: false,
    kinds: ['XNNConv2d', 'XNNMultiply', 'XNNSubtract', 'XNNConcatenate2', 'XNNHardswish', 'XNNAbs', 'XNNAdd', 'XNNClamp'],
  },
  { name: 'qlin', inputs: [[2, 16]], int8: true, kinds: ['XNNConvert', 'XNNFullyConnected'] },
  { name: 'qconv', inputs: [[1, 3, 8, 8]], int8: true, kinds: ['XNNConvert', 'XNNConv2d', 'XNNDepthwiseConv2d'] },
  // int8 nodes beyond convolution (the residual add, pooling) run on dequantized copies.
  { name: 'qres', inputs: [[1, 3, 8, 8]], int8: true, kinds: ['XNNConvert', 'XNNConv2d', 'XNNAdd'] },
  { name: 'decoder', inputs: [[1, 4, 5, 6]], int8: false, kinds: ['XNNConvTranspose2d', 'XNNStaticResizeBilinear2D', 'XNNPReLU', 'XNNStaticConstantPad', 'XNNLeakyReLU', 'XNNStaticSlice', 'XNNGelu'] },
  // Dynamic shapes: bundled cases of 6 rows on a graph exported for 12.
  { name: 'dyn', inputs: [[1, 6, 16]], int8: false, kinds: ['XNNFullyConnected', 'XNNMultiply', 'XNNStaticReshape', 'XNNStaticTranspose', 'XNNConcatenate2'] },
];

const CACHE = path.join(repoRoot, 'build', 'test-cache', 'xnnpack-export',
  createHash('sha256').update(MODELS + JSON.stringify(MODELS_LIST)).digest('hex').slice(0, 16));
const file = (name: string): string => path.join(CACHE, `${name}.bpte`);

withPython('xnnpack export', () => {
  test.serial.before(async (t) => {
    t.timeout(900_000);
    if (MODELS_LIST.every((m) => existsSync(file(m.name)))) return;
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(path.join(CACHE, 'models.py'), MODELS);
    const request = (m: Model): ExportRequest => ({
      factory: `${path.join(CACHE, 'models.py')}:${m.name}`,
      inputs: m.inputs.map((shape) => ({ shape, dtype: 'float32' })),
      out: file(m.name),
      xnnpack: true,
      quantize: m.int8 ? 'int8' : null,
      seed: 0,
      cases: 2,
      calibration: 4,
      verify: true,
      name: null,
    });
    const reports = await runExporter(MODELS_LIST.map(request), { python: await locatePython(process.env) });
    for (const r of reports) if (r.error !== null) throw new Error(`export of ${r.out} failed: ${JSON.stringify(r.error)}`);
  });

  for (const m of MODELS_LIST) {
    test.serial(`${m.name}${m.int8 ? ' (int8)' : ''}: delegated to XnnpackBackend, bundled cases pass on etrun`, (t) => {
      const bytes = new Uint8Array(readFileSync(file(m.name)));
      const program = readBundled(bytes).programBytes;
      const info = readProgram(program);
      const kinds = new Set<string>();
      for (const d of info.methods[0]!.delegates) {
        t.is(d.id, 'XnnpackBackend');
        const payload = program.subarray(d.payloadOffset!, d.payloadOffset! + d.payloadSize);
        for (const n of readXnnpackPayload(payload).nodes) kinds.add(n.kind);
      }
      t.log(`${m.name}: ${[...kinds].join(', ')}`);
      for (const k of m.kinds) t.true(kinds.has(k), `${k} in ${[...kinds].join(', ')}`);
      const tol = tolerancesFor(file(m.name));
      t.truthy(tol, 'the exporter wrote tolerances');
      const run = etrun(file(m.name), ['--rtol', String(tol?.rtol), '--atol', String(tol?.atol)]);
      t.is(run.code, 0, run.stderr);
      const checks = run.result?.correctness ?? [];
      t.true(checks.length > 0 && checks.every((c) => c.pass), JSON.stringify(checks));
      t.log(`${m.name}: max abs err against PyTorch eager ${Math.max(...checks.map((c) => Number(c.max_abs_err))).toExponential(2)} (atol ${tol?.atol})`);
    });
  }

  test.serial('crosscheck against ExecuTorch\'s runtime (real XNNPACK): float programs within 1e-5 + 1e-4 relative, int8 within one output step', async (t) => {
    t.timeout(600_000);
    const float = MODELS_LIST.filter((m) => !m.int8).map((m) => file(m.name));
    const int8 = MODELS_LIST.filter((m) => m.int8).map((m) => file(m.name));
    const [f, q] = await Promise.all([
      etbench(['crosscheck', ...float, '--inputs', 'random:0', '--inputs', 'bundled:1', '--atol', '1e-5', '--rtol', '1e-4', '--json']),
      etbench(['crosscheck', ...int8, '--inputs', 'random:0', '--inputs', 'bundled:0', '--atol', '0.02', '--json']),
    ]);
    for (const done of [f, q]) {
      t.is(done.code, 0, show(done));
      const report = JSON.parse(done.stdout) as CrosscheckReport;
      for (const c of report.checks) {
        t.true(c.agree, `${path.basename(c.program)} ${c.inputs}: ${JSON.stringify(c.outputs)}`);
        t.log(`${path.basename(c.program)} ${c.inputs}: max abs diff ${c.outputs.map((o) => o.maxAbsDiff).join(', ')}`);
      }
    }
  });
});
