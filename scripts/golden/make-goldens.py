"""Writes test/reference/goldens.json: PyTorch (ATen's own out-variants) as the judge
of program/reference/.

    npm run golden        # = .venv/bin/python scripts/golden/make-goldens.py

Every case is seeded, so the file only changes when this script or PyTorch does.
Encoding (read by test/reference/goldens.ts):
  tensor  {"dtype", "shape", "dimOrder", "data"}  data in logical row-major order;
          floats as numbers (-0.0 kept) or "nan"/"inf"/"-inf", int64 as strings
  out     {"dtype", "shape", "dimOrder"}          the out tensor handed to the kernel
  scalar  {"int": "5"} | {"float": 2.5} | {"bool": true};  int[] {"ints": [...]};  str {"str": "floor"};  None null
  expect  a tensor plus "memory" (the elements in storage order), or {"error": name}
"""
import json
import math
import operator
import os
import random

import torch

import cases_linalg
import cases_elem
import cases_shape

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'reference', 'goldens.json')

DTYPES = {
    'bool': torch.bool, 'uint8': torch.uint8, 'int8': torch.int8, 'int16': torch.int16, 'int32': torch.int32,
    'int64': torch.int64, 'float16': torch.float16, 'bfloat16': torch.bfloat16, 'float32': torch.float32,
    'float64': torch.float64,
}
NAMES = {v: k for k, v in DTYPES.items()}
FLOATS = {'float16', 'bfloat16', 'float32', 'float64'}
INTS = {'uint8', 'int8', 'int16', 'int32', 'int64'}


def enc_float(v):
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def enc_values(t):
    name = NAMES[t.dtype]
    flat = t.reshape(-1)
    if name in FLOATS:
        return [enc_float(v) for v in flat.double().tolist()]
    if name == 'int64':
        return [str(v) for v in flat.tolist()]
    return [int(v) for v in flat.tolist()]


def enc_tensor(t, memory=False):
    d = {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'dimOrder': list(t.dim_order()), 'data': enc_values(t)}
    if memory:
        d['memory'] = enc_values(t.as_strided((t.numel(),), (1,)))
    return d


def enc_out(t):
    return {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'dimOrder': list(t.dim_order())}


def enc_scalar(s):
    if isinstance(s, bool):
        return {'bool': s}
    if isinstance(s, int):
        return {'int': str(s)}
    return {'float': enc_float(s)}


CODES = {'uint8': 0, 'int8': 1, 'int16': 2, 'int32': 3, 'int64': 4, 'float16': 5, 'float32': 6, 'float64': 7,
         'bool': 11, 'bfloat16': 15}


def dtype_code(name):
    """The ScalarType code a `ScalarType` argument carries."""
    return CODES[name]


def limits(name):
    if name == 'bool':
        return 0, 1
    info = torch.iinfo(DTYPES[name])
    return info.min, info.max


SPECIALS = {
    'float16': [float('nan'), float('inf'), float('-inf'), -0.0, 0.0, 65504.0, -65504.0, 6e-8, 1e-4, 0.1, 1.0009765625, 2048.0],
    'bfloat16': [float('nan'), float('inf'), float('-inf'), -0.0, 0.0, 3.3e38, -3.3e38, 1e-40, 0.1, 1.0078125, 256.0, 3.0],
    'float32': [float('nan'), float('inf'), float('-inf'), -0.0, 0.0, 3.4028234663852886e38, -3.4e38, 1e-45, 1e-38, 0.1, 16777216.0, 1.0000001192092896],
    'float64': [float('nan'), float('inf'), float('-inf'), -0.0, 0.0, 1.7976931348623157e308, -1e308, 5e-324, 2.2e-308, 0.1, 9007199254740992.0, 1.0000000000000002],
}


def values(rng, name, n, special=False):
    if name == 'bool':
        return [rng.random() < 0.5 for _ in range(n)]
    if name in INTS:
        lo, hi = limits(name)
        if special:
            pool = [lo, hi, lo + 1, hi - 1, 0, -1 if lo < 0 else 1, 1, 2]
            return [rng.choice(pool) for _ in range(n)]
        return [rng.randint(max(lo, -1000), min(hi, 1000)) for _ in range(n)]
    if special:
        pool = SPECIALS[name]
        return [pool[i % len(pool)] if i < len(pool) else rng.choice(pool) for i in range(n)]
    return [round(rng.gauss(0, 10), rng.randint(0, 6)) for _ in range(n)]


def tensor(rng, name, shape, special=False, memory_format=None):
    n = math.prod(shape)
    t = torch.tensor(values(rng, name, n, special), dtype=DTYPES[name]).reshape(shape)
    return t.contiguous(memory_format=memory_format) if memory_format is not None else t


PARTNER = {  # a dimensioned tensor of another dtype, for promotion
    'bool': 'int8', 'uint8': 'int8', 'int8': 'uint8', 'int16': 'int32', 'int32': 'float16', 'int64': 'float32',
    'float16': 'bfloat16', 'bfloat16': 'float32', 'float32': 'float64', 'float64': 'int64',
}
ZERO_DIM = {  # a zero-dim tensor of another dtype (promotes only across categories)
    'bool': 'int64', 'uint8': 'int64', 'int8': 'float64', 'int16': 'int64', 'int32': 'bool', 'int64': 'float32',
    'float16': 'float64', 'bfloat16': 'float64', 'float32': 'float64', 'float64': 'int32',
}
WIDER = {
    'bool': 'uint8', 'uint8': 'int16', 'int8': 'int32', 'int16': 'int64', 'int32': 'int64', 'int64': 'float64',
    'float16': 'float32', 'bfloat16': 'float32', 'float32': 'float64', 'float64': 'float64',
}


def alpha_for(name, rng):
    if name == 'bool':
        return True
    if name in INTS:
        return rng.choice([2, -3, 7])
    # Powers of two only: with an inexact alpha·other ATen's result depends on the element's position
    # (fused in the vectorized body, rounded twice in the scalar tail); see 'fused alpha' below.
    return rng.choice([2.0, -0.5, 0.25, -4.0])


cases = []


def record(op, dtype, note, args, fn):
    try:
        result = fn()
        expect = enc_tensor(result, memory=True) if isinstance(result, torch.Tensor) else result
    except RuntimeError as e:
        expect = {'error': type(e).__name__, 'message': str(e).split('\n')[0]}
    cases.append({'op': op, 'dtype': dtype, 'note': note, 'args': args, 'expect': expect})


def binary_cases(kind, name, seed):
    rng = random.Random(seed)
    fn = torch.add if kind == 'add' else torch.mul
    op = f'aten::{kind}.out'

    def run(note, a, b, alpha=1, out_dtype=None):
        common = torch.result_type(a, b)
        out = torch.empty(0, dtype=out_dtype or common)
        args = [enc_tensor(a), enc_tensor(b)] + ([enc_scalar(alpha)] if kind == 'add' else []) + [enc_out(out)]
        kw = {'alpha': alpha} if kind == 'add' else {}
        record(op, name, note, args, lambda: fn(a, b, out=out, **kw))

    run('same shape', tensor(rng, name, [2, 3]), tensor(rng, name, [2, 3]))
    run('broadcast, alpha', tensor(rng, name, [2, 1, 3]), tensor(rng, name, [4, 1]), alpha_for(name, rng))
    run('special values', tensor(rng, name, [12], True), tensor(rng, name, [12], True))
    run('special values, alpha', tensor(rng, name, [12], True), tensor(rng, name, [1]), alpha_for(name, rng))
    run(f'zero-dim {ZERO_DIM[name]}', tensor(rng, name, [2, 2]), tensor(rng, ZERO_DIM[name], []))
    run(f'zero-dim self, {PARTNER[name]} other', tensor(rng, name, []), tensor(rng, PARTNER[name], [3]))
    run(f'promote with {PARTNER[name]}', tensor(rng, name, [3]), tensor(rng, PARTNER[name], [2, 3]))
    run(f'out {WIDER[name]}', tensor(rng, name, [4]), tensor(rng, name, [4]), 1, DTYPES[WIDER[name]])
    if kind == 'add' and name in FLOATS:  # 64 contiguous elements: all in ATen's vectorized (fused) loop
        run('fused alpha 0.1, vectorized', tensor(rng, name, [64]), tensor(rng, name, [64]), 0.1)

    sop = f'aten::{kind}.Scalar_out'
    scalar_fn = torch.ops.aten.add.Scalar_out if kind == 'add' else torch.ops.aten.mul.Scalar_out
    for note, s in (('int scalar', rng.choice([3, -2, 300])), ('float scalar', rng.choice([0.1, -2.5, 1e10])), ('bool scalar', True)):
        a = tensor(rng, name, [5], note == 'float scalar' and name in FLOATS)
        common = torch.result_type(a, s)
        out = torch.empty(0, dtype=common)
        alpha = alpha_for(NAMES[common], rng) if kind == 'add' else None
        args = [enc_tensor(a), enc_scalar(s)] + ([enc_scalar(alpha)] if kind == 'add' else []) + [enc_out(out)]
        kw = {'alpha': alpha} if kind == 'add' else {}
        record(sop, name, note, args, lambda: scalar_fn(a, s, out=out, **kw))


CAST_TARGETS = {
    'bool': ['float32', 'int64', 'uint8'], 'uint8': ['float16', 'int8', 'bool'], 'int8': ['uint8', 'float32', 'int64'],
    'int16': ['int8', 'bfloat16', 'float64'], 'int32': ['int16', 'float32', 'bool'], 'int64': ['int32', 'float32', 'float16'],
    'float16': ['float32', 'int32', 'bfloat16'], 'bfloat16': ['float16', 'int16', 'float64'],
    'float32': ['int8', 'float16', 'bfloat16', 'int64'], 'float64': ['float32', 'float16', 'bfloat16', 'int32'],
}


def copy_cases(name, seed):
    rng = random.Random(seed)
    cl = torch.channels_last

    def run(op, note, x, dtype, memory_format, order):
        out = torch.empty(x.shape, dtype=dtype).contiguous(memory_format=memory_format)
        args = [enc_tensor(x), {'bool': False}, {'ints': order}, enc_out(out)]
        record(op, name, note, args, lambda: x.to(dtype=dtype, memory_format=memory_format, copy=True))

    clone = 'dim_order_ops::_clone_dim_order.out'
    run(clone, 'to channels_last', tensor(rng, name, [2, 3, 2, 2]), DTYPES[name], cl, [0, 2, 3, 1])
    run(clone, 'channels_last to contiguous', tensor(rng, name, [1, 4, 3, 2], memory_format=cl), DTYPES[name], torch.contiguous_format, [0, 1, 2, 3])
    run(clone, 'special values, contiguous', tensor(rng, name, [3, 4], True), DTYPES[name], torch.contiguous_format, [0, 1])
    copy = 'dim_order_ops::_to_dim_order_copy.out'
    for target in CAST_TARGETS[name]:
        src = name
        x = tensor(rng, src, [2, 2, 1, 3], name in FLOATS and target in FLOATS)
        if name in FLOATS and target in INTS:  # in range only: out-of-range float -> int is undefined behaviour in C++
            lo, hi = limits(target)
            x = torch.tensor([rng.uniform(max(lo, -1e6), min(hi, 1e6)) for _ in range(12)], dtype=DTYPES[name]).reshape(2, 2, 1, 3)
        run(copy, f'to {target}, channels_last', x, DTYPES[target], cl, [0, 2, 3, 1])
    if name == 'float64':  # rounds through float32: 1 + 2^-11 + 2^-30 -> 1.0 in float16, not 1 + 2^-10
        x = torch.tensor([1 + 2**-11 + 2**-30, -(1 + 2**-11 + 2**-30), 1 + 2**-8 + 2**-40, 65519.99], dtype=torch.float64)
        run(copy, 'double rounding to float16', x, torch.float16, torch.contiguous_format, [0])
        run(copy, 'double rounding to bfloat16', x, torch.bfloat16, torch.contiguous_format, [0])


PRIM = {
    'add': operator.add, 'sub': operator.sub, 'mul': operator.mul, 'floordiv': operator.floordiv,
    'truediv': operator.truediv, 'mod': operator.mod, 'eq': operator.eq, 'gt': operator.gt, 'lt': operator.lt,
    'ge': operator.ge, 'le': operator.le,
}
PRIM_VALUES = [7, -7, 3, -2, 0, 2**53 + 1, -(2**62), 2.5, -0.5, 0.1, -0.0, 1e300, float('inf'), float('nan'), True]


def prim_cases():
    rng = random.Random(7)
    pairs = [(a, b) for a in PRIM_VALUES for b in PRIM_VALUES]
    for name, f in PRIM.items():
        chosen = [p for p in pairs if name != 'mod' or (type(p[0]) is int and type(p[1]) is int)]
        for a, b in rng.sample(chosen, min(24, len(chosen))):
            try:
                r = f(a, b)
                if type(r) is int and not (-(2**63) <= r < 2**63):
                    continue  # Python ints do not wrap; an int64 EValue would
                expect = {'value': enc_scalar(r)}
            except ZeroDivisionError:
                expect = {'error': 'ZeroDivisionError'}
            cases.append({'op': f'executorch_prim::{name}.Scalar', 'dtype': 'scalar', 'note': f'{a!r} {name} {b!r}',
                          'args': [enc_scalar(a), enc_scalar(b)], 'expect': expect})
    for a in PRIM_VALUES:
        cases.append({'op': 'executorch_prim::neg.Scalar', 'dtype': 'scalar', 'note': f'-{a!r}',
                      'args': [enc_scalar(a)], 'expect': {'value': enc_scalar(-a)}})


def main():
    torch.manual_seed(0)
    for i, name in enumerate(DTYPES):
        binary_cases('add', name, 100 + i)
        binary_cases('mul', name, 200 + i)
        copy_cases(name, 300 + i)
    prim_cases()
    cases_shape.generate(globals())
    cases_linalg.generate(globals())
    cases_elem.generate(globals())
    doc = {'generator': 'scripts/golden/make-goldens.py', 'torch': torch.__version__,
           'cpu_capability': torch.backends.cpu.get_cpu_capability(), 'cases': cases}
    with open(OUT, 'w') as f:
        f.write('{"generator": %s, "torch": %s, "cpu_capability": %s, "cases": [\n' % tuple(
            json.dumps(doc[k]) for k in ('generator', 'torch', 'cpu_capability')))
        f.write(',\n'.join(json.dumps(c, separators=(',', ':'), allow_nan=False) for c in cases))
        f.write('\n]}\n')
    print(f'{len(cases)} cases -> {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
