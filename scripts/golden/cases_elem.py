"""Golden cases of the elementwise family (scripts/golden/make-goldens.py calls generate(globals())):
sub/rsub, div (true, trunc, floor, Scalar), relu, hardtanh, clamp (Scalar and Tensor bounds),
sigmoid, tanh, exp, sqrt, rsqrt, neg, pow.Tensor_Scalar, each computed by ATen's own out variant,
and quantized_decomposed quantize/dequantize_per_tensor (which PyTorch only defines functionally:
torch.ao.quantization.fx._decomposed, copied into the out tensor).

A case may carry "ulps": N, the distance (in units in the last place of the result dtype, or of
"ulpsOf" when the op computes in a narrower one), or "atol" in absolute terms, the reference may
differ by: sigmoid/tanh/exp,
sqrt/rsqrt, cos/sin, gelu and pow with a fractional exponent go through SLEEF in PyTorch (and differ between its
vector body and scalar tail), whose last bit the float64 reference does not reproduce. Everything
else is exact.
"""
import random

import torch
import torch.ao.quantization.fx._decomposed  # noqa: F401  registers quantized_decomposed

A = torch.ops.aten
QD = torch.ops.quantized_decomposed
FLOATS = ('float16', 'bfloat16', 'float32', 'float64')
NAMES_OF = {torch.float16: 'float16', torch.bfloat16: 'bfloat16', torch.float32: 'float32', torch.float64: 'float64'}


def generate(g):
    for i, name in enumerate(g['DTYPES']):
        Cases(g, name, 700 + i).all()
    for i, name in enumerate(('float32', 'float16', 'bfloat16')):
        QuantCases(g, name, 800 + i).quantize()
    for i, name in enumerate(('uint8', 'int8', 'int16', 'int32')):
        QuantCases(g, name, 810 + i).dequantize()
    for i, name in enumerate(('float32', 'float16', 'bfloat16')):
        QuantCases(g, name, 820 + i).quantize_per_channel()
        QuantCases(g, name, 840 + i).quantize_tensor_args()
    for i, name in enumerate(('uint8', 'int8', 'int16', 'int32')):
        QuantCases(g, name, 850 + i).dequantize_tensor_args()
    for i, name in enumerate(('uint8', 'int8', 'int16', 'int32')):
        QuantCases(g, name, 830 + i).dequantize_per_channel()


class Base:
    def __init__(self, g, name, seed):
        self.g = g
        self.name = name
        self.dtype = g['DTYPES'][name]
        self.rng = random.Random(seed)
        self.is_float = name in FLOATS

    def t(self, shape, special=False, cl=False, name=None):
        return self.g['tensor'](self.rng, name or self.name, shape, special, torch.channels_last if cl else None)

    def enc(self, a):
        g = self.g
        if isinstance(a, torch.Tensor):
            return g['enc_tensor'](a)
        if isinstance(a, tuple) and a and a[0] == 'out':
            return g['enc_out'](a[1])
        if isinstance(a, tuple) and a and a[0] == 'dtype':
            return {'int': str(a[1])}
        if isinstance(a, str):
            return {'str': a}
        if isinstance(a, list):
            return {'ints': a}
        if a is None:
            return None
        return g['enc_scalar'](a)

    def run(self, op, note, args, fn, ulps=0, ulps_of=None, atol=None):
        """args: schema args in order, the out wrapped as ('out', tensor)."""
        g = self.g
        try:
            expect = g['enc_tensor'](fn(), memory=True)
        except (RuntimeError, ValueError, TypeError, AssertionError, ZeroDivisionError) as e:
            expect = {'error': type(e).__name__, 'message': str(e).split('\n')[0]}
        case = {'op': op, 'dtype': self.name, 'note': note, 'args': [self.enc(a) for a in args], 'expect': expect}
        if ulps and 'error' not in expect:
            case['ulps'] = ulps
            if ulps_of is not None:
                case['ulpsOf'] = ulps_of
            if atol is not None:
                case['atol'] = atol
        g['cases'].append(case)

    def out(self, dtype=None, shape=None, cl=False):
        o = torch.empty(shape if shape is not None else 0, dtype=dtype or self.dtype)
        return o.contiguous(memory_format=torch.channels_last) if cl else o


class Cases(Base):
    def all(self):
        self.sub()
        self.div()
        self.clamps()
        self.unary()
        self.pow()
        self.compares()
        self.selects()
        self.math2()
        self.creation()
        self.copies()
        self.anys()
        self.group3()

    def fdtype(self):
        return self.dtype if self.is_float else torch.float32

    def sub(self):
        g, name = self.g, self.name

        def tt(note, a, b, alpha=1, out_dtype=None):
            try:
                common = torch.result_type(a, b)
            except RuntimeError:
                common = self.dtype
            out = self.out(out_dtype or common)
            self.run('aten::sub.out', note, [a, b, alpha, ('out', out)], lambda: A.sub.out(a, b, alpha=alpha, out=out))

        tt('same shape', self.t([2, 3]), self.t([2, 3]))
        tt('broadcast, alpha', self.t([2, 1, 3]), self.t([4, 1]), g['alpha_for'](name, self.rng))
        tt('special values', self.t([12], True), self.t([12], True))
        tt(f'promote with {g["PARTNER"][name]}', self.t([3]), self.t([2, 3], name=g['PARTNER'][name]))
        tt(f'zero-dim {g["ZERO_DIM"][name]}', self.t([2, 2]), self.t([], name=g['ZERO_DIM'][name]))
        tt(f'out {g["WIDER"][name]}', self.t([4]), self.t([4]), 1, g['DTYPES'][g['WIDER'][name]])
        tt('channels_last', self.t([1, 3, 2, 2], cl=True), self.t([3, 1, 1]))
        for op, fn in (('aten::sub.Scalar_out', A.sub.Scalar_out), ('aten::rsub.Scalar_out', A.rsub.Scalar_out)):
            for note, s in (('int scalar', self.rng.choice([3, -2, 300])), ('float scalar', self.rng.choice([0.5, -2.5, 1e10])),
                            ('special values, int scalar', 1), ('bool scalar', True)):
                a = self.t([6], note.startswith('special'))
                common = torch.result_type(a, s)
                alpha = 2 if note == 'int scalar' else 1
                out = self.out(common)
                self.run(op, note, [a, s, alpha, ('out', out)], lambda: fn(a, s, alpha=alpha, out=out))

    def divisor(self, shape):
        """Nonzero divisors for integer division."""
        if self.is_float:
            return self.t(shape)
        pool = [3, 7, 1, 2, 255] if self.name == 'uint8' else [3, -1, 7, -2, 5, -9, 1]
        if self.name == 'bool':
            pool = [True]
        n = 1
        for s in shape:
            n *= s
        return torch.tensor([self.rng.choice(pool) for _ in range(n)], dtype=self.dtype).reshape(shape)

    def div(self):
        g, name = self.g, self.name

        def true(note, a, b, out_dtype=None):
            common = torch.result_type(a, b)
            out = self.out(out_dtype or (common if common.is_floating_point else torch.float32))
            self.run('aten::div.out', note, [a, b, ('out', out)], lambda: A.div.out(a, b, out=out))

        true('same shape', self.t([2, 3]), self.t([2, 3]))
        true('broadcast', self.t([2, 1, 3]), self.t([4, 1]))
        true('special values', self.t([12], True), self.t([12], True))
        true(f'promote with {g["PARTNER"][name]}', self.t([3]), self.t([2, 3], name=g['PARTNER'][name]))
        true('zero-dim float32 divisor', self.t([9]), torch.tensor(0.3, dtype=torch.float32))
        true('out float64', self.t([4]), self.t([4]), torch.float64)
        true('channels_last', self.t([1, 3, 2, 2], cl=True), self.t([3, 1, 1]))
        for mode in ('trunc', 'floor'):
            def md(note, a, b):
                out = self.out(torch.result_type(a, b))
                self.run('aten::div.out_mode', f'{mode}, {note}', [a, b, mode, ('out', out)],
                         lambda: A.div.out_mode(a, b, rounding_mode=mode, out=out))
            md('same shape', self.t([2, 5]), self.divisor([2, 5]))
            md('special values', self.t([12], True), self.divisor([12]))
            md('broadcast', self.t([3, 1]), self.divisor([4]))
            if self.is_float:
                md('special divisors', self.t([12]), self.t([12], True))
            elif name != 'bool':
                md('zero divisor', self.t([3]), torch.zeros(3, dtype=self.dtype))
        out = self.out(self.fdtype())
        x = self.t([3])
        self.run('aten::div.out_mode', 'None mode', [x, x, None, ('out', out)], lambda: A.div.out_mode(x, x, rounding_mode=None, out=out))
        for note, s in (('int scalar', 3), ('float scalar', 0.1), ('zero', 0), ('special values', 7)):
            a = self.t([7], note == 'special values')
            out = self.out(self.fdtype())
            self.run('aten::div.Scalar_out', note, [a, s, ('out', out)], lambda: A.div.Scalar_out(a, s, out=out))

    def clamps(self):
        name = self.name
        lo, hi = (0, 6) if name in ('uint8', 'bool') else (-1, 6)

        def relu(note, a, out_dtype=None, cl=False):
            out = self.out(out_dtype, a.shape if cl else None, cl)
            self.run('aten::relu.out', note, [a, ('out', out)], lambda: A.relu.out(a, out=out))

        relu('seeded', self.t([2, 5]))
        relu('special values', self.t([12], True))
        relu('channels_last', self.t([1, 2, 2, 3], cl=True), None, True)

        def ht(note, a, mn, mx):
            out = self.out()
            self.run('aten::hardtanh.out', note, [a, mn, mx, ('out', out)], lambda: A.hardtanh.out(a, mn, mx, out=out))

        ht('defaults', self.t([2, 5]), -1, 1)
        ht('relu6', self.t([3, 4]), 0, 6)
        ht('special values', self.t([12], True), lo, hi)
        ht('float bounds', self.t([8]), -1.5, 2.5)

        def cl(note, a, mn, mx):
            try:
                common = torch.result_type(a, mn if mn is not None else mx)
                if mn is not None and mx is not None:
                    common = torch.promote_types(common, torch.result_type(a, mx))
            except RuntimeError:
                common = self.dtype
            out = self.out(common)
            self.run('aten::clamp.out', note, [a, mn, mx, ('out', out)], lambda: A.clamp.out(a, mn, mx, out=out))

        cl('both', self.t([2, 5]), lo, hi)
        cl('min only', self.t([6]), lo, None)
        cl('max only', self.t([6]), None, hi)
        cl('special values', self.t([12], True), lo, hi)
        cl('min above max', self.t([5]), 5, 2)
        cl('float bounds', self.t([6]), -2.5, 2.5)

        def ct(note, a, mn, mx):
            ts = [x for x in (a, mn, mx) if x is not None]
            common = ts[0].dtype
            try:
                common = torch.result_type(*ts[:2]) if len(ts) == 2 else torch.promote_types(torch.result_type(ts[0], ts[1]), torch.result_type(ts[0], ts[2]))
            except RuntimeError:
                pass
            out = self.out(common)
            self.run('aten::clamp.Tensor_out', note, [a, mn, mx, ('out', out)], lambda: A.clamp.Tensor_out(a, mn, mx, out=out))

        ct('broadcast both', self.t([2, 5]), self.t([5]), self.t([2, 1]))
        ct('min only', self.t([3, 4]), self.t([3, 1]), None)
        ct('max only', self.t([12], True), None, self.t([1]))
        ct('special bounds', self.t([12]), self.t([12], True), None)

    def unary(self):
        # sqrt: SLEEF's float64 sqrt is not always correctly rounded; rsqrt: ATen's scalar tail
        # rounds sqrt to the half type first while its vector body does not, and float32 uses SLEEF.
        compute = NAMES_OF[self.fdtype()]
        for op, fn, ulps in (('sigmoid', A.sigmoid.out, 4), ('tanh', A.tanh.out, 4), ('exp', A.exp.out, 4),
                             ('sqrt', A.sqrt.out, 1), ('rsqrt', A.rsqrt.out, 2)):
            def u(note, a, out):
                self.run(f'aten::{op}.out', note, [a, ('out', out)], lambda: fn(a, out=out), ulps, compute)
            u('seeded', self.t([2, 5]), self.out(self.fdtype()))
            u('special values', self.t([12], True), self.out(self.fdtype()))
            u('channels_last', self.t([1, 2, 2, 3], cl=True), self.out(self.fdtype(), [1, 2, 2, 3], True))
            if self.name in ('int32', 'float32', 'float16'):
                u('out float64', self.t([5]), self.out(torch.float64))
        for note, a in (('seeded', self.t([2, 5])), ('special values', self.t([12], True)), ('zero-dim', self.t([]))):
            out = self.out()
            self.run('aten::neg.out', note, [a, ('out', out)], lambda: A.neg.out(a, out=out))

    def pow(self):
        exps = [2, 3, 0, 1, True, -1, 0.5, -0.5, -1.0, 2.0, 3.0, -2.0, 2.5]
        for e in exps:
            a = self.t([12], True) if e in (2, 0.5) else self.t([2, 3])
            if isinstance(e, float) and e in (0.5, -0.5, 2.5) and self.is_float:
                a = a.abs() if e != 0.5 else a
            try:
                common = torch.result_type(a, e)
            except RuntimeError:
                common = self.dtype
            out = self.out(common)
            general = isinstance(e, float) and e == 2.5
            self.run('aten::pow.Tensor_Scalar_out', f'exponent {e!r}', [a, e, ('out', out)],
                     lambda: A.pow.Tensor_Scalar_out(a, e, out=out), 2 if general else 1 if e in (0.5, -0.5) else 0)


    def compares(self):
        g, name = self.g, self.name
        for c in ('eq', 'ne', 'lt', 'le', 'gt', 'ge'):
            top, sop = getattr(A, c).Tensor_out, getattr(A, c).Scalar_out

            def tt(note, a, b, out_dtype=torch.bool):
                out = self.out(out_dtype)
                self.run(f'aten::{c}.Tensor_out', note, [a, b, ('out', out)], lambda: top(a, b, out=out))

            sp = self.t([12], True)
            tt('same shape', self.t([2, 3]), self.t([2, 3]))
            tt('special values, shifted', sp, torch.roll(sp, 1))
            tt('special values, self', sp, sp.clone())
            tt('broadcast', self.t([3, 1]), self.t([4]))
            tt(f'promote with {g["PARTNER"][name]}', self.t([6]), self.t([6], name=g['PARTNER'][name]))
            tt('float32 out', self.t([5]), self.t([5]), torch.float32)
            for note, s_ in (('int scalar', 0), ('float scalar', 0.5), ('bool scalar', True), ('special values, int', 1)):
                a = self.t([8], note.startswith('special'))
                out = self.out(torch.bool)
                self.run(f'aten::{c}.Scalar_out', note, [a, s_, ('out', out)], lambda: sop(a, s_, out=out))

    def cond(self, shape):
        return torch.tensor([self.rng.random() < 0.5 for _ in range(int(torch.tensor(shape).prod().item()) if shape else 1)]).reshape(shape)

    def selects(self):
        g, name = self.g, self.name

        def wh(note, c, a, b):
            out = self.out(torch.result_type(a, b))
            self.run('aten::where.self_out', note, [c, a, b, ('out', out)], lambda: A.where.self_out(c, a, b, out=out))

        wh('same shape', self.cond([2, 3]), self.t([2, 3]), self.t([2, 3]))
        wh('broadcast', self.cond([2, 1, 3]), self.t([4, 1]), self.t([3]))
        wh('special values', self.cond([12]), self.t([12], True), self.t([12]))
        wh(f'promote zero-dim {g["ZERO_DIM"][name]}', self.cond([4]), self.t([4]), self.t([], name=g['ZERO_DIM'][name]))
        x = self.t([3])
        out = self.out()
        self.run('aten::where.self_out', 'int condition', [x.to(torch.int32), x, x, ('out', out)],
                 lambda: A.where.self_out(x.to(torch.int32), x, x, out=out))
        for m, fn in (('minimum', A.minimum.out), ('maximum', A.maximum.out)):
            def mm(note, a, b):
                out = self.out(torch.result_type(a, b))
                self.run(f'aten::{m}.out', note, [a, b, ('out', out)], lambda: fn(a, b, out=out))
            mm('same shape', self.t([2, 3]), self.t([2, 3]))
            mm('broadcast', self.t([2, 1]), self.t([3]))
            nz = self.t([12])
            nz = torch.where(nz == 0, torch.ones_like(nz), nz)  # no ±0 ties: ATen's vector and scalar paths differ there
            mm('special values', self.t([12], True), nz)
            mm(f'promote with {g["PARTNER"][name]}', self.t([4]), self.t([4], name=g['PARTNER'][name]))
        for note, a, od in (('seeded', self.t([2, 5]), torch.bool), ('special values', self.t([12], True), torch.bool),
                            ('same-dtype out', self.t([6], True), self.dtype)):
            out = self.out(od)
            self.run('aten::logical_not.out', note, [a, ('out', out)], lambda: A.logical_not.out(a, out=out))

    def math2(self):
        compute = NAMES_OF[self.fdtype()]
        for op, fn in (('cos', A.cos.out), ('sin', A.sin.out)):
            for note, a in (('seeded', self.t([2, 5])), ('special values', self.t([12], True)), ('channels_last', self.t([1, 2, 2, 3], cl=True))):
                out = self.out(self.fdtype(), list(a.shape), note == 'channels_last')
                self.run(f'aten::{op}.out', note, [a, ('out', out)], lambda: fn(a, out=out), 4, compute)
        special = self.t([12], True)
        if self.is_float:  # ATen's vector body gives NaN at +inf, its scalar tail +inf: keep +inf out
            special = torch.where(special == float('inf'), torch.tensor(30.0, dtype=self.dtype), special)
        for mode in ('none', 'tanh'):
            for note, a in (('seeded', self.t([2, 5])), ('special values', special), ('wide range', self.t([16]))):
                out = self.out()
                # 1 + erf / 1 + tanh cancels for negative x: the last-bit error of SLEEF's erf/tanh becomes
                # an absolute error of about |x|·ulp(1), which `atol` allows.
                atol = {'float32': 4e-7, 'float64': 4e-15}.get(self.name, 0)
                self.run('aten::gelu.out', f'{mode}, {note}', [a, mode, ('out', out)], lambda: A.gelu.out(a, approximate=mode, out=out), 4, None, atol)

    def creation(self):
        name = self.name
        values = {'bool': [True, False, 0], 'uint8': [255, 7, 2.9], 'int8': [-128, 127, -3.7]}.get(
            name, [-7, 2.5, True] if self.is_float else [-7, 100, 3.99])
        lo_hi = self.g['limits'](name) if name not in FLOATS else (None, None)
        for v in values:
            out = self.out()
            self.run('aten::full.out', f'value {v!r}', [[2, 3], v, ('out', out)], lambda: A.full.out([2, 3], v, out=out))
            out = self.out(shape=[1, 2, 2, 2], cl=True)
            x = self.t([1, 2, 2, 2])
            self.run('aten::full_like.out', f'value {v!r}, channels_last out', [x, v, None, ('out', out)],
                     lambda: A.full_like.out(x, v, memory_format=None, out=out))
            out = self.out(shape=[])
            self.run('aten::scalar_tensor.out', f'value {v!r}', [v, ('out', out)], lambda: A.scalar_tensor.out(v, out=out))
        if lo_hi[0] is not None and name not in ('bool', 'int64'):  # 2**63 does not fit the program's Int
            big = lo_hi[1] + 1
            out = self.out()
            self.run('aten::full.out', 'overflow', [[2], big, ('out', out)], lambda: A.full.out([2], big, out=out))
        for end in (10, 1, 0):
            out = self.out()
            self.run('aten::arange.out', f'end {end}', [end, ('out', out)], lambda: A.arange.out(end, out=out))
        for a, b, st in ((-5, 20, 3), (10, -3, -2), (0, 5, 2), (-1, 1, 0.25), (0, 2.5, 0.5), (0, 7, 2.5), (1, 0, 1)):
            out = self.out()
            self.run('aten::arange.start_out', f'{a}..{b} by {st}', [a, b, st, ('out', out)],
                     lambda: A.arange.start_out(a, b, st, out=out))

    def copies(self):
        targets = self.g['CAST_TARGETS'][self.name]
        for tgt in targets:
            x = self.t([2, 2, 1, 3], self.is_float and tgt in FLOATS)
            if self.is_float and tgt not in FLOATS:  # in range only: out-of-range float -> int is undefined in C++
                lo, hi = self.g['limits'](tgt)
                x = torch.tensor([self.rng.uniform(max(lo, -1e4), min(hi, 1e4)) for _ in range(12)], dtype=self.dtype).reshape(2, 2, 1, 3)
            out = self.out(self.g['DTYPES'][tgt], [2, 2, 1, 3], True)
            self.run('aten::_to_copy.out', f'to {tgt}, channels_last', [x, False, None, ('out', out)],
                     lambda: A._to_copy.out(x, out=out))
        for note, x, cl in (('seeded', self.t([2, 3]), False), ('special values', self.t([12], True), False),
                            ('to channels_last', self.t([1, 3, 2, 2]), True)):
            out = self.out(None, list(x.shape), cl)
            self.run('aten::clone.out', note, [x, None, ('out', out)], lambda: A.clone.out(x, out=out))

    def anys(self):
        sparse = lambda shape: self.t(shape) * self.cond(shape).to(self.dtype) if self.name != 'bool' else self.cond(shape)
        for note, x in (('seeded', self.t([2, 3])), ('zeros', torch.zeros(4, dtype=self.dtype)), ('special values', self.t([12], True)),
                        ('empty', self.t([0, 2]))):
            out = self.out(torch.bool)
            self.run('aten::any.all_out', note, [x, ('out', out)], lambda: A.any.all_out(x, out=out))
        for note, x, d, k in (('dim 1', sparse([3, 4]), 1, False), ('dim -1 keepdim', sparse([2, 3, 2]), -1, True),
                              ('dim 0', sparse([4, 2]), 0, False)):
            out = self.out(torch.bool)
            self.run('aten::any.out', note, [x, d, k, ('out', out)], lambda: A.any.dim_out(x, d, k, out=out) if False else A.any.out(x, d, k, out=out))
        for note, x, d, k in (('dims [0, 2]', sparse([2, 3, 2]), [0, 2], False), ('dims [-1] keepdim', sparse([3, 4]), [-1], True),
                              ('dims None', sparse([2, 3]), None, False)):
            out = self.out(torch.bool)
            self.run('aten::any.dims_out', note, [x, d, k, ('out', out)], lambda: A.any.dims_out(x, d, k, out=out))


    def group3(self):
        compute = NAMES_OF[self.fdtype()]
        for op, fn, ulps in (('reciprocal', A.reciprocal.out, 0), ('log', A.log.out, 4), ('erf', A.erf.out, 4)):
            for note, a in (('seeded', self.t([2, 5])), ('special values', self.t([12], True)), ('channels_last', self.t([1, 2, 2, 3], cl=True))):
                out = self.out(self.fdtype(), list(a.shape), note == 'channels_last')
                # ATen's vectorized float erf is a polynomial good to about 1e-7 absolute, not to the last bit.
                atol = {'float32': 2e-7}.get(compute, 0) if op == 'erf' else None
                self.run(f'aten::{op}.out', note, [a, ('out', out)], lambda: fn(a, out=out), ulps, compute, atol)
        for op, fn in (('abs', A.abs.out), ('floor', A.floor.out), ('round', A.round.out)):
            halves = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, -0.51], dtype=self.dtype) if self.is_float else self.t([8])
            for note, a in (('seeded', self.t([2, 5])), ('special values', self.t([12], True)), ('halves', halves)):
                out = self.out()
                self.run(f'aten::{op}.out', note, [a, ('out', out)], lambda: fn(a, out=out))
        seeded, special, wide = self.t([2, 5]), self.t([12], True), self.t([16])
        for note, a in (('seeded', seeded), ('special values', special)):
            for slope in (0.01, 0.2):
                out = self.out()
                self.run('aten::leaky_relu.out', f'{note}, slope {slope}', [a, slope, ('out', out)], lambda: A.leaky_relu.out(a, slope, out=out))
            for coef in ((1, 1, 1), (1.5, 2, 0.5)):
                out = self.out()
                # expm1 of a negative x loses nothing, but SLEEF's last bit is not ours.
                self.run('aten::elu.out', f'{note}, coefficients {coef}', [a, *coef, ('out', out)], lambda: A.elu.out(a, *coef, out=out), 4)
        for op, fn, ulps in (('silu', A.silu.out, 4), ('hardswish', A.hardswish.out, 0), ('hardsigmoid', A.hardsigmoid.out, 0)):
            for note, a in (('seeded', seeded), ('special values', special), ('wide range', wide)):
                out = self.out()
                self.run(f'aten::{op}.out', note, [a, ('out', out)], lambda: fn(a, out=out), ulps)
        other = self.t([2, 6])
        for note, a, b in (('same shape', self.t([2, 6]), other), ('special values', self.t([12], True), self.t([12], True)),
                           ('broadcast', self.t([3, 1]), self.t([4])),
                           (f'promote with {self.g["PARTNER"][self.name]}', self.t([5]), self.t([5], name=self.g['PARTNER'][self.name]))):
            try:
                common = torch.result_type(a, b)
            except RuntimeError:
                common = self.dtype
            out = self.out(common)
            self.run('aten::bitwise_and.Tensor_out', note, [a, b, ('out', out)], lambda: A.bitwise_and.Tensor_out(a, b, out=out))
        exps = torch.tensor([2, 3, 0, 1, 2, 5], dtype=self.dtype) if self.name != 'bool' else torch.tensor([True, False] * 3)
        base = self.t([6]).abs() if self.is_float else self.t([6])
        for note, a, b in (('small exponents', self.t([2, 6]), exps), ('fractional', base, torch.tensor([0.5, 1.5, -0.5, 2.5, -2.0, 3.0], dtype=self.dtype if self.is_float else torch.float32)),
                           ('special values', self.t([12], True), self.t([12], True)), ('negative int exponents', torch.tensor([1, -1, 2, -3, 0, 5], dtype=self.dtype) if self.name not in ('bool', 'uint8') else self.t([6]),
                                                                                      torch.tensor([-3, -3, -1, -2, 1, 0], dtype=self.dtype) if self.name not in ('bool', 'uint8') else self.t([6]))):
            try:
                common = torch.result_type(a, b)
            except RuntimeError:
                common = self.dtype
            out = self.out(common)
            self.run('aten::pow.Tensor_Tensor_out', note, [a, b, ('out', out)], lambda: A.pow.Tensor_Tensor_out(a, b, out=out), 2)


class QuantCases(Base):
    def quantize(self):
        specials = [float('inf'), float('-inf'), -0.0, 0.0, 1e6, -1e6, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0]
        for qname, (qmin, qmax) in (('int8', (-128, 127)), ('uint8', (0, 255)), ('int16', (-32768, 32767)), ('int32', (-1000, 1000))):
            qdt = self.g['DTYPES'][qname]
            for note, x, scale, zp in (('seeded', self.t([2, 5]), 0.05, 3),
                                       ('ties and extremes', torch.tensor(specials, dtype=self.dtype), 1.0, 0),
                                       ('channels_last', self.t([1, 3, 2, 2], cl=True), 0.1, -2 if qname != 'uint8' else 128)):
                out = self.out(qdt, list(x.shape), note == 'channels_last')
                args = [x, scale, zp, qmin, qmax, ('dtype', self.g['dtype_code'](qname)), ('out', out)]

                def fn(x=x, scale=scale, zp=zp, qmin=qmin, qmax=qmax, qdt=qdt, out=out):
                    return out.copy_(QD.quantize_per_tensor(x, scale, zp, qmin, qmax, qdt))
                self.run('quantized_decomposed::quantize_per_tensor.out', f'{qname}, {note}', args, fn)
        x = self.t([4])
        out = self.out(torch.int8)
        self.run('quantized_decomposed::quantize_per_tensor.out', 'quant_min below int8', [x, 0.1, 0, -300, 127, ('dtype', 1), ('out', out)],
                 lambda: QD.quantize_per_tensor(x, 0.1, 0, -300, 127, torch.int8))

    def dequantize(self):
        qmin, qmax = self.g['limits'](self.name)
        for note, x, scale, zp, od in (('seeded', self.t([2, 5]), 0.05, 3, None),
                                       ('limits', self.t([12], True), 0.1, -7, None),
                                       ('channels_last', self.t([1, 3, 2, 2], cl=True), 0.25, 1, None),
                                       ('out float64', self.t([6], True), 0.3, 2, 'float64'),
                                       ('out float16', self.t([6]), 0.3, 2, 'float16')):
            odt = self.g['DTYPES'][od] if od else torch.float32
            out = self.out(odt, list(x.shape), note == 'channels_last')
            args = [x, scale, zp, qmin, qmax, ('dtype', self.g['dtype_code'](self.name)),
                    ('dtype', self.g['dtype_code'](od)) if od else None, ('out', out)]

            def fn(x=x, scale=scale, zp=zp, od=od, out=out):
                r = QD.dequantize_per_tensor(x, scale, zp, qmin, qmax, self.dtype, out_dtype=self.g['DTYPES'][od] if od else None)
                return out.copy_(r)
            self.run('quantized_decomposed::dequantize_per_tensor.out', note, args, fn)

    def quantize_tensor_args(self):
        for qname, (qmin, qmax) in (('int8', (-128, 127)), ('uint8', (0, 255)), ('int16', (-32768, 32767))):
            qdt = self.g['DTYPES'][qname]
            for note, x, sdt, zdt in (('float64 scale', self.t([2, 5]), torch.float64, torch.int64),
                                      ('float32 scale, int32 zero point', self.t([6]), torch.float32, torch.int32),
                                      ('ties', torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 1e6], dtype=self.dtype), torch.float64, torch.int64)):
                scale = torch.tensor(0.05 if note != 'ties' else 1.0, dtype=sdt)
                zp = torch.tensor(3 if qname != 'uint8' else 128, dtype=zdt)
                out = self.out(qdt, list(x.shape))
                args = [x, scale, zp, qmin, qmax, ('dtype', self.g['dtype_code'](qname)), ('out', out)]

                def fn(x=x, scale=scale, zp=zp, qmin=qmin, qmax=qmax, qdt=qdt, out=out):
                    return out.copy_(QD.quantize_per_tensor.tensor(x, scale, zp, qmin, qmax, qdt))
                self.run('quantized_decomposed::quantize_per_tensor.Tensor_out', f'{qname}, {note}', args, fn)

    def dequantize_tensor_args(self):
        qmin, qmax = self.g['limits'](self.name)
        for note, x, sdt, zdt, od in (('float64 scale', self.t([2, 3]), torch.float64, torch.int64, None),
                                      ('limits, float32 scale', self.t([12], True), torch.float32, torch.int32, None),
                                      ('out float64', self.t([4]), torch.float64, torch.int64, 'float64')):
            scale = torch.tensor(0.3, dtype=sdt)
            zp = torch.tensor(-2, dtype=zdt)
            odt = self.g['DTYPES'][od] if od else torch.float32
            out = self.out(odt, list(x.shape))
            args = [x, scale, zp, qmin, qmax, ('dtype', self.g['dtype_code'](self.name)),
                    ('dtype', self.g['dtype_code'](od)) if od else None, ('out', out)]

            def fn(x=x, scale=scale, zp=zp, od=od, out=out):
                r = QD.dequantize_per_tensor.tensor(x, scale, zp, qmin, qmax, self.dtype, out_dtype=self.g['DTYPES'][od] if od else None)
                return out.copy_(r)
            self.run('quantized_decomposed::dequantize_per_tensor.Tensor_out', note, args, fn)

    def quantize_per_channel(self):
        for qname, (qmin, qmax) in (('int8', (-128, 127)), ('uint8', (0, 255)), ('int16', (-32768, 32767))):
            qdt = self.g['DTYPES'][qname]
            for note, x, axis, sdt, zdt in (('axis 1, float64 scales', self.t([2, 3, 2]), 1, torch.float64, torch.int64),
                                            ('axis 0, float32 scales', self.t([3, 4]), 0, torch.float32, torch.int32),
                                            ('axis -1, special values', torch.tensor([float('inf'), float('-inf'), -0.0, 0.5, 1.5, 2.5, 1e6, -1e6], dtype=self.dtype).reshape(2, 4), -1, torch.float64, torch.int64)):
                c = x.shape[axis]
                scales = torch.tensor([self.rng.choice([0.05, 0.1, 0.02, 1.0, 0.3]) for _ in range(c)], dtype=sdt)
                zps = torch.tensor([self.rng.randint(max(qmin, -5), min(qmax, 5)) if qname != 'uint8' else self.rng.randint(0, 200) for _ in range(c)], dtype=zdt)
                out = self.out(qdt, list(x.shape))
                args = [x, scales, zps, axis, qmin, qmax, ('dtype', self.g['dtype_code'](qname)), ('out', out)]

                def fn(x=x, scales=scales, zps=zps, axis=axis, qmin=qmin, qmax=qmax, qdt=qdt, out=out):
                    return out.copy_(QD.quantize_per_channel(x, scales, zps, axis, qmin, qmax, qdt))
                self.run('quantized_decomposed::quantize_per_channel.out', f'{qname}, {note}', args, fn)

    def dequantize_per_channel(self):
        qmin, qmax = self.g['limits'](self.name)
        for note, x, axis, sdt, zdt, od in (('axis 0', self.t([3, 2]), 0, torch.float64, torch.int64, None),
                                            ('axis 1, limits, float32 scales', self.t([2, 6], True), 1, torch.float32, torch.int32, None),
                                            ('no zero points, out float64', self.t([2, 3]), -1, torch.float64, None, 'float64'),
                                            ('out float16', self.t([2, 2]), 0, torch.float32, torch.int64, 'float16')):
            c = x.shape[axis]
            scales = torch.tensor([self.rng.choice([0.05, 0.1, 0.3, 0.7]) for _ in range(c)], dtype=sdt)
            zps = None if zdt is None else torch.tensor([self.rng.randint(-3, 3) for _ in range(c)], dtype=zdt)
            odt = self.g['DTYPES'][od] if od else torch.float32
            out = self.out(odt, list(x.shape))
            args = [x, scales, zps, axis, qmin, qmax, ('dtype', self.g['dtype_code'](self.name)),
                    ('dtype', self.g['dtype_code'](od)) if od else None, ('out', out)]

            def fn(x=x, scales=scales, zps=zps, axis=axis, od=od, out=out):
                r = QD.dequantize_per_channel(x, scales, zps, axis, qmin, qmax, self.dtype, out_dtype=self.g['DTYPES'][od] if od else None)
                return out.copy_(r)
            self.run('quantized_decomposed::dequantize_per_channel.out', note, args, fn)
