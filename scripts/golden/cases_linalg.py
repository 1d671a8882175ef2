"""Golden cases of the linalg family (scripts/golden/make-goldens.py calls generate(globals())):
mm, bmm, addmm, linear, convolution, inference batch norm, layer norm, softmax, log_softmax,
max_pool2d_with_indices, avg_pool2d, _adaptive_avg_pool2d, mean, sum.IntList, amax/amin, argmax/argmin, cumsum, var.correction, native_group_norm and the
.vec upsamplings (nearest, bilinear), at least 3 cases
per operator and registered dtype, each computed by ATen's own out variant.

These operators accumulate, and PyTorch sums float32 and the half types in float32 in its own
order (BLAS, oneDNN, vectorized reductions) while the reference sums exactly in float64 and rounds
once, so float cases carry a tolerance ("tol", read by test/reference/goldens.test.ts); integer
results stay exact. Values are small (|x| <= 4, few decimals) so that no float32 partial sum
overflows where a float64 one would not; edge cases put NaN, +-inf and -0 in the activations only
(a convolution's padding is multiplied by the weights in PyTorch, skipped by the reference).
"""
import random

import torch

A = torch.ops.aten

FLOATS = ['float16', 'bfloat16', 'float32', 'float64']
INTS = ['uint8', 'int8', 'int16', 'int32', 'int64']
TOL = {'float16': (1e-2, 1e-2), 'bfloat16': (2e-2, 2e-2), 'float32': (2e-5, 2e-5), 'float64': (1e-9, 1e-12)}
SPECIAL = [float('nan'), float('inf'), float('-inf'), -0.0, 0.0, 1.0, -2.5, 0.5]


def generate(g):
    for i, name in enumerate(g['DTYPES']):
        Cases(g, name, 900 + i).all()


class Cases:
    def __init__(self, g, name, seed):
        self.g = g
        self.name = name
        self.dtype = g['DTYPES'][name]
        self.rng = random.Random(seed)
        self.float = name in FLOATS

    def t(self, shape, special=False, cl=False, lo=-4.0, hi=4.0, dtype=None):
        name = dtype or self.name
        n = 1
        for s in shape:
            n *= s
        if name == 'bool':
            vals = [self.rng.random() < 0.5 for _ in range(n)]
        elif name in INTS:
            info = torch.iinfo(self.g['DTYPES'][name])
            if special:
                pool = [info.min, info.max, 0, 1, 2, info.max - 1]
                vals = [pool[i % len(pool)] for i in range(n)]
            else:
                vals = [self.rng.randint(max(info.min, -20), min(info.max, 20)) for _ in range(n)]
        elif special:
            vals = [SPECIAL[i % len(SPECIAL)] if i < len(SPECIAL) else self.rng.choice(SPECIAL) for i in range(n)]
        else:
            vals = [round(self.rng.uniform(lo, hi), self.rng.randint(1, 3)) for _ in range(n)]
        x = torch.tensor(vals, dtype=self.g['DTYPES'][name]).reshape(shape)
        return x.contiguous(memory_format=torch.channels_last) if cl else x

    def empty(self, dtype=None, cl=False):
        out = torch.empty(0, dtype=self.g['DTYPES'][dtype] if dtype else self.dtype)
        return out

    def enc(self, a):
        g = self.g
        if isinstance(a, torch.Tensor):
            return g['enc_tensor'](a)
        if isinstance(a, tuple) and a and a[0] == 'out':
            return g['enc_out'](a[1])
        if isinstance(a, list):
            return {'ints': a}
        if a is None:
            return None
        return g['enc_scalar'](a)

    def run(self, op, note, args, fn):
        """args: schema args in order, outs wrapped as ('out', tensor); fn returns a tensor or a tuple."""
        g = self.g
        try:
            result = fn()
            if isinstance(result, (tuple, list)):
                expect = {'tensors': [g['enc_tensor'](t, memory=True) for t in result]}
            else:
                expect = g['enc_tensor'](result, memory=True)
        except (RuntimeError, IndexError, ValueError, TypeError) as e:
            expect = {'error': type(e).__name__, 'message': str(e).split('\n')[0]}
        case = {'op': f'aten::{op}', 'dtype': self.name, 'note': note, 'args': [self.enc(a) for a in args], 'expect': expect}
        if self.float:
            case['tol'] = {'rtol': TOL[self.name][0], 'atol': TOL[self.name][1]}
        g['cases'].append(case)

    def out_op(self, op, note, ins, fn, out=None, **kw):
        out = self.empty() if out is None else out
        self.run(op, note, ins + [('out', out)], lambda: fn(*ins, out=out, **kw))

    def all(self):
        if self.name != 'bool':
            self.matmuls()
        if self.name in ('float32', 'float64'):
            self.convs()
            self.norms()
        if self.float:
            self.softmaxes()
            self.pools()
            self.means()
        if self.name in INTS:
            self.int_pools()
        self.sums()
        self.extremes()
        self.cumsums()
        if self.name in ('float32', 'float64'):
            self.second_group_floats()
        if self.float:
            self.nearest()
        if self.name != 'bool':
            self.topks()

    def matmuls(self):
        t = self.t
        for note, a, b in [('2x3 @ 3x4', t([2, 3]), t([3, 4])), ('edge 3x4 @ 4x2', t([3, 4], True), t([4, 2])),
                           ('transposed self', t([5, 3]).t(), t([5, 2])), ('k = 0', t([2, 0]), t([0, 3]))]:
            self.out_op('mm.out', note, [a, b], A.mm.out)
        self.out_op('mm.out', 'inner dims differ', [t([2, 3]), t([2, 3])], A.mm.out)
        for note, a, b in [('2x2x3 @ 2x3x4', t([2, 2, 3]), t([2, 3, 4])), ('edge', t([2, 3, 4], True), t([2, 4, 2])),
                           ('transposed mat2', t([3, 2, 4]), t([3, 5, 4]).transpose(1, 2))]:
            self.out_op('bmm.out', note, [a, b], A.bmm.out)
        beta, alpha = (0.5, -2.0) if self.float else (2, -3)
        for note, s, m1, m2, kw in [
                ('row bias', t([4]), t([3, 5]), t([5, 4]), {}),
                ('column bias, beta/alpha', t([3, 1]), t([3, 5]), t([5, 4]), {'beta': beta, 'alpha': alpha}),
                ('edge full self', t([2, 2], True), t([2, 3], True), t([3, 2]), {}),
                ('scalar self', t([]), t([2, 3]), t([3, 2]), {'alpha': alpha})]:
            self.out_op('addmm.out', note, [s, m1, m2], lambda *a, out, kw=kw: A.addmm.out(*a, out=out, **kw))
            self.g['cases'][-1]['args'][3:3] = [self.enc(kw.get('beta', 1)), self.enc(kw.get('alpha', 1))]
        if self.float:
            s = torch.tensor([float('nan'), float('inf')], dtype=self.dtype)
            self.out_op('addmm.out', 'beta 0 ignores a NaN self', [s, t([3, 2]), t([2, 2])], lambda *a, out: A.addmm.out(*a, beta=0, out=out))
            self.g['cases'][-1]['args'][3:3] = [self.enc(0), self.enc(1)]
        for note, x, w, b in [('3-D input with bias', t([2, 3, 4]), t([5, 4]), t([5])), ('no bias', t([3, 4]), t([2, 4]), None),
                              ('edge vector input', t([4], True), t([3, 4]), t([3]))]:
            self.out_op('linear.out', note, [x, w, b], A.linear.out)

    def convs(self):
        t = self.t

        def conv(note, x, w, b, stride, padding, dilation, transposed, output_padding, groups):
            ins = [x, w, b, stride, padding, dilation, transposed, output_padding, groups]
            self.out_op('convolution.out', note, ins, A.convolution.out)

        conv('3x3 pad 1 with bias', t([1, 2, 5, 5]), t([3, 2, 3, 3]), t([3]), [1, 1], [1, 1], [1, 1], False, [0, 0], 1)
        conv('edge input', t([1, 2, 4, 4], True), t([2, 2, 3, 3]), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
        conv('depthwise stride 2 channels-last', t([2, 4, 6, 6], cl=True), t([4, 1, 3, 3]), t([4]), [2, 2], [1, 1], [1, 1], False, [0, 0], 4)
        conv('grouped dilated', t([1, 4, 7, 7]), t([6, 2, 3, 3]), None, [1, 1], [2, 2], [2, 2], False, [0, 0], 2)
        conv('1-D strided grouped', t([2, 4, 9]), t([6, 2, 3]), t([6]), [2], [1], [1], False, [0], 2)
        conv('transposed stride 2', t([1, 4, 3, 3]), t([4, 3, 3, 3]), t([3]), [2, 2], [1, 1], [1, 1], True, [1, 1], 1)
        conv('transposed grouped dilated', t([2, 4, 3, 4]), t([4, 2, 2, 3]), t([4]), [2, 1], [0, 1], [2, 1], True, [1, 0], 2)
        conv('1x1 pointwise', t([1, 6, 3, 3]), t([4, 6, 1, 1]), t([4]), [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
        conv('weight channels do not match', t([1, 3, 5, 5]), t([2, 2, 3, 3]), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)

    def norms(self):
        t = self.t
        for note, x, w, b, cl in [('affine', t([2, 3, 2, 2]), t([3]), t([3]), False), ('edge', t([2, 3, 4], True), t([3]), t([3]), False),
                                  ('no affine channels-last', t([2, 4, 3, 3], cl=True), None, None, True)]:
            c = x.shape[1]
            rm, rv = t([c]), t([c], lo=0.1, hi=2.0)
            o0, o1, o2 = self.empty(), self.empty(), self.empty()
            ins = [x, w, b, rm, rv, 0.1, 1e-5]
            self.run('_native_batch_norm_legit_no_training.out', note, ins + [('out', o0), ('out', o1), ('out', o2)],
                     lambda: A._native_batch_norm_legit_no_training.out(*ins, out0=o0, out1=o1, out2=o2))
        for note, x, shape, w, b in [('last dim', t([3, 4]), [4], t([4]), t([4])), ('two dims no affine', t([2, 3, 4]), [3, 4], None, None),
                                     # NaN and -0 only: with an infinity ATen's Welford update gives a NaN mean
                                     # (inf - inf) where the mean is inf (see the reference's norm.ts).
                                     ('edge NaN, -0', torch.tensor([[float('nan'), -0.0, 0.0, 1.0, -2.5], [0.5, 3.0, -0.0, 2.0, 1.5]], dtype=self.dtype), [5], t([5]), t([5]))]:
            o0, o1, o2 = self.empty(), self.empty(), self.empty()
            ins = [x, shape, w, b, 1e-5]
            self.run('native_layer_norm.out', note, ins + [('out', o0), ('out', o1), ('out', o2)],
                     lambda: A.native_layer_norm.out(*ins, out0=o0, out1=o1, out2=o2))

    def softmaxes(self):
        t = self.t
        for op, f in [('_softmax.out', A._softmax.out), ('_log_softmax.out', A._log_softmax.out)]:
            for note, x, dim in [('last dim', t([3, 5]), -1), ('dim 0', t([4, 3]), 0), ('edge rows', t([4, 4], True), 1),
                                 ('channels-last dim 1', t([1, 3, 2, 2], cl=True), 1)]:
                self.out_op(op, note, [x, dim, False], f)

    def pools(self):
        t = self.t
        for note, x, k, s, p, d, ceil in [('2x2 stride 2', t([1, 2, 4, 4]), [2, 2], [2, 2], [0, 0], [1, 1], False),
                                          ('edge 3x3 pad 1', t([1, 2, 5, 5], True), [3, 3], [2, 2], [1, 1], [1, 1], False),
                                          ('ceil dilated no batch', t([2, 7, 8]), [3, 2], [2, 3], [1, 1], [2, 1], True),
                                          ('channels-last', t([1, 3, 6, 6], cl=True), [3, 3], [2, 2], [1, 1], [1, 1], False)]:
            o, i = self.empty(), self.empty('int64')
            ins = [x, k, s, p, d, ceil]
            self.run('max_pool2d_with_indices.out', note, ins + [('out', o), ('out', i)],
                     lambda: A.max_pool2d_with_indices.out(*ins, out=o, indices=i))
        for note, x, k, s, p, ceil, inc, div in [('2x2', t([1, 2, 4, 4]), [2, 2], [2, 2], [0, 0], False, True, None),
                                                 ('edge padded', t([1, 2, 5, 5], True), [3, 3], [2, 2], [1, 1], False, True, None),
                                                 ('ceil exclude pad', t([2, 6, 7]), [3, 3], [2, 2], [1, 1], True, False, None),
                                                 ('divisor override channels-last', t([1, 3, 5, 5], cl=True), [2, 3], [1, 2], [1, 1], False, True, 5)]:
            self.out_op('avg_pool2d.out', note, [x, k, s, p, ceil, inc, div], A.avg_pool2d.out)
        for note, x, size in [('5x7 to 2x3', t([1, 2, 5, 7]), [2, 3]), ('global channels-last', t([2, 4, 3, 3], cl=True), [1, 1]),
                              ('edge upscale', t([2, 3, 2], True), [4, 3])]:
            self.out_op('_adaptive_avg_pool2d.out', note, [x, size], A._adaptive_avg_pool2d.out)

    def int_pools(self):
        t = self.t
        for note, x in [('2x2', t([1, 2, 4, 4])), ('limits', t([1, 2, 4, 4], True)), ('no batch', t([2, 5, 5]))]:
            o, i = self.empty(), self.empty('int64')
            ins = [x, [2, 2], [2, 2], [0, 0], [1, 1], False]
            self.run('max_pool2d_with_indices.out', note, ins + [('out', o), ('out', i)],
                     lambda: A.max_pool2d_with_indices.out(*ins, out=o, indices=i))

    def means(self):
        t = self.t
        for note, x, dim, keep in [('dim 1', t([3, 4]), [1], False), ('all', t([2, 3]), None, False),
                                   ('edge keepdim', t([2, 4], True), [0], True), ('channels-last spatial', t([2, 3, 2, 2], cl=True), [-1, -2], True)]:
            self.out_op('mean.out', note, [x, dim, keep], A.mean.out)
            self.g['cases'][-1]['args'][3:3] = [None]  # dtype (keyword-only in ATen)

    def sums(self):
        t = self.t
        for note, x, dim, keep in [('dim 0', t([3, 4]), [0], False), ('all (empty list)', t([2, 3]), [], False),
                                   ('edge keepdim', t([3, 4], True), [1], True), ('channels-last', t([2, 3, 2, 2], cl=True), [1, 3], False)]:
            self.out_op('sum.IntList_out', note, [x, dim, keep], A.sum.IntList_out)
            self.g['cases'][-1]['args'][3:3] = [None]  # dtype (keyword-only in ATen)

    def extremes(self):
        t = self.t
        for op, f in [('amax.out', A.amax.out), ('amin.out', A.amin.out)]:
            for note, x, dim, keep in [('dim 1', t([3, 4]), [1], False), ('edge all dims', t([2, 4], True), [], False),
                                       ('channels-last keepdim', t([2, 3, 2, 2], cl=True), [1, -1], True)]:
                self.out_op(op, note, [x, dim, keep], f)
            self.out_op(op, 'empty dim', [t([0, 3]), [0], False], f)
        if self.name == 'bool':
            return
        for op, f in [('argmax.out', A.argmax.out), ('argmin.out', A.argmin.out)]:
            for note, x, dim, keep in [('dim 1', t([3, 5]), 1, False), ('edge flattened', t([2, 4], True), None, False),
                                       ('channels-last keepdim', t([2, 3, 2, 2], cl=True), 1, True)]:
                self.out_op(op, note, [x, dim, keep], f, out=self.empty('int64'))

    def cumsums(self):
        t = self.t
        out = 'int64' if self.name == 'bool' else None
        for note, x, dim in [('dim 1', t([3, 4]), 1), ('edge dim 0', t([4, 2], True), 0), ('channels-last dim 1', t([1, 3, 2, 2], cl=True), -3)]:
            self.out_op('cumsum.out', note, [x, dim], A.cumsum.out, out=self.empty(out))
            self.g['cases'][-1]['args'][2:2] = [None]  # dtype (keyword-only in ATen)

    def second_group_floats(self):
        t = self.t
        for note, x, dim, corr, keep in [('dim 1', t([3, 4]), [1], 1, False), ('all, population', t([2, 5]), None, 0, False),
                                         ('edge keepdim', t([2, 4], True), [0], 1, True), ('channels-last spatial', t([2, 3, 2, 2], cl=True), [2, 3], 1, False)]:
            o = self.empty()
            self.run('var.correction_out', note, [x, dim, corr, keep, ('out', o)],
                     lambda: A.var.correction_out(x, dim, correction=corr, keepdim=keep, out=o))
        for note, x, w, b, g in [('2 groups', t([2, 4, 3]), t([4]), t([4]), 2), ('no affine 1 group', t([1, 4, 2, 2]), None, None, 1),
                                 ('edge NaN, -0', torch.tensor([[[float('nan'), -0.0], [0.0, 1.0]], [[2.0, -1.0], [0.5, -0.0]]], dtype=self.dtype), t([2]), t([2]), 1)]:
            N, C = x.shape[0], x.shape[1]
            hw = x.numel() // (N * C)
            o0, o1, o2 = self.empty(), self.empty(), self.empty()
            ins = [x, w, b, N, C, hw, g, 1e-5]
            self.run('native_group_norm.out', note, ins + [('out', o0), ('out', o1), ('out', o2)],
                     lambda: A.native_group_norm.out(*ins, out0=o0, out1=o1, out2=o2))
        for note, x, size, align, scales in [('3x3 to 5x4', t([1, 2, 3, 3]), [5, 4], False, None),
                                             ('align corners', t([1, 2, 3, 4]), [5, 7], True, None),
                                             ('edge scales channels-last', t([1, 2, 4, 4], True, cl=True), None, False, [2.0, 1.5]),
                                             ('align corners to 1x1', t([1, 1, 4, 4]), [1, 1], True, None)]:
            self.out_op('upsample_bilinear2d.vec_out', note, [x, size, align, scales], A.upsample_bilinear2d.vec_out)

    def nearest(self):
        t = self.t
        for note, x, size, scales in [('double', t([1, 2, 2, 3]), [4, 6], None), ('edge odd sizes', t([1, 2, 3, 5], True), [7, 4], None),
                                      ('scales channels-last', t([1, 3, 3, 2], cl=True), None, [1.5, 2.5])]:
            self.out_op('upsample_nearest2d.vec_out', note, [x, size, scales], A.upsample_nearest2d.vec_out)

    def topks(self):
        # Distinct values only: ATen's order of equal values is unspecified.
        n = 12
        if self.name in INTS:
            info = torch.iinfo(self.dtype)
            base = [info.min, info.max, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9] if self.name != 'uint8' else list(range(0, 240, 20))
        else:
            base = [float('nan'), float('inf'), float('-inf'), 0.0, 1.0, -2.5, 0.5, 3.0, -1.0, 2.0, -3.0, 1.5]
        for note, perm_seed, shape, k, dim, largest in [('largest 3 of rows', 1, [2, 6], 3, -1, True), ('smallest 4 of rows', 2, [2, 6], 4, 1, False),
                                                        ('largest 2 along dim 0', 3, [4, 3], 2, 0, True)]:
            vals = list(base[:n])
            random.Random(perm_seed).shuffle(vals)
            if self.float:  # one NaN per row at most keeps NaN ordering unambiguous
                vals = [v if v == v or i == 0 else 4.0 + i for i, v in enumerate(vals)]
            x = torch.tensor(vals, dtype=self.dtype).reshape(shape)
            v, i = self.empty(), self.empty('int64')
            self.run('topk.values', note, [x, k, dim, largest, True, ('out', v), ('out', i)],
                     lambda: A.topk.values(x, k, dim, largest, True, values=v, indices=i))
