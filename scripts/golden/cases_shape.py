"""Golden cases of the shape family (scripts/golden/make-goldens.py calls generate(globals())):
view/permute/expand/squeeze/unsqueeze/slice/select/narrow/t/transpose/alias copies, cat, stack,
the list-out splits, embedding, index.Tensor, index_select, index_put and constant_pad_nd, for
every dtype, each computed by ATen's own out variant.

Extra encodings (read by test/reference/goldens.ts): a Tensor[] / Tensor?[] argument is
{"tensors": [tensor | null, ...]}; a Tensor(a!)[] out is {"tensors": [out, ...]} and its
expectation {"tensors": [tensor + memory, ...]}.
"""
import random

import torch

A = torch.ops.aten


def generate(g):
    for i, name in enumerate(g['DTYPES']):
        Cases(g, name, 500 + i).all()


class Cases:
    def __init__(self, g, name, seed):
        self.g = g
        self.name = name
        self.dtype = g['DTYPES'][name]
        self.rng = random.Random(seed)

    def t(self, shape, special=False, cl=False):
        return self.g['tensor'](self.rng, self.name, shape, special, torch.channels_last if cl else None)

    def empty(self, like_shape=None, cl=False, dtype=None):
        if like_shape is None:
            return torch.empty(0, dtype=dtype or self.dtype)
        out = torch.empty(like_shape, dtype=dtype or self.dtype)
        return out.contiguous(memory_format=torch.channels_last) if cl else out

    def enc(self, a):
        g = self.g
        if isinstance(a, torch.Tensor):
            return g['enc_tensor'](a)
        if isinstance(a, tuple) and a and a[0] == 'out':
            o = a[1]
            return {'tensors': [g['enc_out'](x) for x in o]} if isinstance(o, list) else g['enc_out'](o)
        if isinstance(a, list) and (not a or any(x is None or isinstance(x, torch.Tensor) for x in a)):
            return {'tensors': [None if x is None else g['enc_tensor'](x) for x in a]}
        if isinstance(a, list):
            return {'ints': a}
        if a is None:
            return None
        return g['enc_scalar'](a)

    def run(self, op, note, args, fn):
        """args: schema args in order, outs wrapped as ('out', tensor | [tensors])."""
        g = self.g
        try:
            result = fn()
            if isinstance(result, list):
                expect = {'tensors': [g['enc_tensor'](t, memory=True) for t in result]}
            else:
                expect = g['enc_tensor'](result, memory=True)
        except (RuntimeError, IndexError, ValueError, TypeError) as e:
            expect = {'error': type(e).__name__, 'message': str(e).split('\n')[0]}
        g['cases'].append({'op': f'aten::{op}', 'dtype': self.name, 'note': note,
                           'args': [self.enc(a) for a in args], 'expect': expect})

    def out_op(self, op, note, ins, fn, out=None):
        out = self.empty() if out is None else out
        self.run(op, note, ins + [('out', out)], lambda: fn(*ins, out=out))

    def all(self):
        self.views()
        self.slices()
        self.joins()
        self.splits()
        self.indexing()
        self.pad()
        self.scatters()
        self.tiles()
        self.copies()

    def views(self):
        v = self.out_op
        v('view_copy.out', 'infer -1', [self.t([2, 3, 4]), [4, -1]], A.view_copy.out)
        v('view_copy.out', 'channels_last input', [self.t([1, 3, 2, 2], cl=True), [3, 4]], A.view_copy.out)
        v('view_copy.out', 'special values', [self.t([12], True), [2, 2, 3]], A.view_copy.out)
        v('view_copy.out', 'wrong numel', [self.t([6]), [4]], A.view_copy.out)
        v('permute_copy.out', 'rank 3', [self.t([2, 3, 4]), [2, 0, 1]], A.permute_copy.out)
        v('permute_copy.out', 'negative dims', [self.t([3, 4], True), [-1, -2]], A.permute_copy.out)
        v('permute_copy.out', 'into channels_last out', [self.t([1, 2, 3, 2]), [0, 1, 2, 3]], A.permute_copy.out,
          self.empty([1, 2, 3, 2], cl=True))
        e = lambda x, size, implicit, out: A.expand_copy.out(x, size, implicit=implicit, out=out)
        v('expand_copy.out', 'broadcast and prepend', [self.t([3, 1]), [2, 3, 4], False], e)
        v('expand_copy.out', 'keep with -1', [self.t([1, 4], True), [3, -1], False], e)
        v('expand_copy.out', 'mismatch', [self.t([2, 3]), [3, 3], False], e)
        v('squeeze_copy.out', 'all ones', [self.t([1, 3, 1, 2])], A.squeeze_copy.out)
        v('squeeze_copy.out', 'special values', [self.t([12, 1], True)], A.squeeze_copy.out)
        v('squeeze_copy.out', 'nothing to drop', [self.t([2, 3])], A.squeeze_copy.out)
        v('squeeze_copy.dim_out', 'negative dim', [self.t([2, 1, 3]), -2], A.squeeze_copy.dim_out)
        v('squeeze_copy.dim_out', 'size > 1 kept', [self.t([2, 3]), 0], A.squeeze_copy.dim_out)
        v('squeeze_copy.dim_out', 'special values', [self.t([1, 12], True), 0], A.squeeze_copy.dim_out)
        v('squeeze_copy.dims_out', 'two dims', [self.t([1, 3, 1]), [0, 2]], A.squeeze_copy.dims_out)
        v('squeeze_copy.dims_out', 'mixed', [self.t([1, 3, 1, 2]), [-1, 0]], A.squeeze_copy.dims_out)
        v('squeeze_copy.dims_out', 'special values', [self.t([12, 1], True), [1]], A.squeeze_copy.dims_out)
        v('unsqueeze_copy.out', 'front', [self.t([2, 3]), 0], A.unsqueeze_copy.out)
        v('unsqueeze_copy.out', 'negative', [self.t([2, 3]), -1], A.unsqueeze_copy.out)
        v('unsqueeze_copy.out', 'special values', [self.t([12], True), 1], A.unsqueeze_copy.out)
        v('t_copy.out', 'matrix', [self.t([2, 3])], A.t_copy.out)
        v('t_copy.out', 'vector', [self.t([12], True)], A.t_copy.out)
        v('t_copy.out', 'rank 3 error', [self.t([1, 2, 3])], A.t_copy.out)
        v('transpose_copy.int_out', 'outer dims', [self.t([2, 3, 4]), 0, 2], A.transpose_copy.int_out)
        v('transpose_copy.int_out', 'negative dims', [self.t([3, 4], True), -1, -2], A.transpose_copy.int_out)
        v('transpose_copy.int_out', 'channels_last input', [self.t([1, 2, 2, 3], cl=True), 1, 3], A.transpose_copy.int_out)
        v('alias_copy.out', 'matrix', [self.t([2, 3])], A.alias_copy.out)
        v('alias_copy.out', 'special values', [self.t([12], True)], A.alias_copy.out)
        v('alias_copy.out', 'channels_last', [self.t([1, 2, 2, 2], cl=True)], A.alias_copy.out,
          self.empty([1, 2, 2, 2], cl=True))

    def slices(self):
        v = self.out_op
        s = A.slice_copy.Tensor_out
        v('slice_copy.Tensor_out', 'negative start, no end, step 2', [self.t([2, 7]), 1, -5, None, 2], s)
        v('slice_copy.Tensor_out', 'end past size', [self.t([4, 2]), 0, None, 100, 1], s)
        v('slice_copy.Tensor_out', 'reversed range is empty', [self.t([6]), 0, 5, 2, 1], s)
        v('slice_copy.Tensor_out', 'special values, step 3', [self.t([12], True), -1, 1, -1, 3], s)
        v('slice_copy.Tensor_out', 'channels_last, dim 1', [self.t([1, 4, 2, 2], cl=True), 1, 1, 3, 1], s)
        v('select_copy.int_out', 'negative index', [self.t([3, 4]), 0, -1], A.select_copy.int_out)
        v('select_copy.int_out', 'last dim', [self.t([2, 3, 4], True), 2, 1], A.select_copy.int_out)
        v('select_copy.int_out', 'index out of range', [self.t([2, 3]), 1, 3], A.select_copy.int_out)
        v('narrow_copy.out', 'negative start', [self.t([2, 5]), 1, -2, 2], A.narrow_copy.out)
        v('narrow_copy.out', 'special values', [self.t([12], True), 0, 3, 6], A.narrow_copy.out)
        v('narrow_copy.out', 'too long', [self.t([4]), 0, 2, 3], A.narrow_copy.out)

    def joins(self):
        v = self.out_op
        partner = self.g['PARTNER'][self.name]
        v('cat.out', 'dim 0', [[self.t([2, 3]), self.t([1, 3])], 0], A.cat.out)
        v('cat.out', 'legacy empty skipped, dim -1', [[self.t([2, 2], True), torch.empty(0, dtype=self.dtype), self.t([2, 3])], -1], A.cat.out)
        v('cat.out', 'channels_last inputs', [[self.t([1, 2, 2, 2], cl=True), self.t([1, 1, 2, 2], cl=True)], 1], A.cat.out,
          self.empty([1, 3, 2, 2], cl=True))
        a, b = self.t([2]), self.g['tensor'](self.rng, partner, [3])
        v('cat.out', f'promote with {partner}', [[a, b], 0], A.cat.out, self.empty(dtype=torch.result_type(a, b)))
        wider = self.g['WIDER'][self.name]
        v('cat.out', f'into {wider}', [[self.t([2], True), self.t([1])], 0], A.cat.out, self.empty(dtype=self.g['DTYPES'][wider]))
        v('cat.out', 'into bool', [[self.t([2]), self.t([1])], 0], A.cat.out, self.empty(dtype=torch.bool))
        a, b = self.t([2]), self.g['tensor'](self.rng, partner, [2])
        v('stack.out', f'promote with {partner}', [[a, b], 0], A.stack.out, self.empty(dtype=torch.result_type(a, b)))
        v('stack.out', 'dim 0', [[self.t([2, 3]), self.t([2, 3])], 0], A.stack.out)
        v('stack.out', 'dim -1, three', [[self.t([2]), self.t([2], True), self.t([2])], -1], A.stack.out)
        v('stack.out', 'mismatch', [[self.t([2]), self.t([3])], 0], A.stack.out)

    def split_op(self, op, note, ins, n):
        outs = [self.empty() for _ in range(n)]
        if op.startswith('split_copy'):  # ATen copies into these outs without resizing them
            outs = [torch.empty_like(p, memory_format=torch.contiguous_format) for p in torch.split(ins[0], ins[1], ins[2])]
        fn = getattr(getattr(A, op.split('.')[0]), op.split('.')[1])

        def call():
            fn(*ins, out=outs)
            return outs
        self.run(op, note, ins + [('out', outs)], call)

    def splits(self):
        self.split_op('split_with_sizes_copy.out', 'dim 0', [self.t([5, 2]), [2, 3], 0], 2)
        self.split_op('split_with_sizes_copy.out', 'dim -1 with an empty piece', [self.t([2, 3], True), [1, 0, 2], -1], 3)
        self.split_op('split_with_sizes_copy.out', 'bad sum', [self.t([4]), [1, 2], 0], 2)
        self.split_op('split_copy.Tensor_out', 'short last piece', [self.t([5, 2]), 2, 0], 3)
        self.split_op('split_copy.Tensor_out', 'dim 1', [self.t([2, 6], True), 3, 1], 2)
        self.split_op('split_copy.Tensor_out', 'channels_last', [self.t([1, 4, 2, 2], cl=True), 2, 1], 2)
        self.split_op('unbind_copy.int_out', 'dim 0', [self.t([3, 2]), 0], 3)
        self.split_op('unbind_copy.int_out', 'dim -1', [self.t([2, 2], True), -1], 2)
        self.split_op('unbind_copy.int_out', 'channels_last dim 1', [self.t([1, 2, 2, 3], cl=True), 1], 2)

    def indexing(self):
        v = self.out_op
        L = lambda vals, dt=torch.int64: torch.tensor(vals, dtype=dt)
        v('embedding.out', 'int64 indices [2, 2]', [self.t([5, 3]), L([[4, 0], [2, 2]]), -1, False, False], A.embedding.out)
        v('embedding.out', 'int32 indices, special', [self.t([4, 3], True), L([3, 1, 0], torch.int32), -1, False, False], A.embedding.out)
        v('embedding.out', 'index out of range', [self.t([3, 2]), L([3]), -1, False, False], A.embedding.out)
        ix = A.index.Tensor_out
        v('index.Tensor_out', 'None then index', [self.t([2, 3, 4]), [None, L([2, 0, -1])]], ix)
        v('index.Tensor_out', 'non-adjacent move to front', [self.t([2, 3, 4]), [L([1, 0]), None, L([-1, 1])]], ix)
        v('index.Tensor_out', 'broadcast index tensors', [self.t([3, 4], True), [L([[0], [2]]), L([1, 3], torch.int32)]], ix)
        v('index.Tensor_out', 'bool mask', [self.t([3, 4]), [torch.tensor([True, False, True])]], ix)
        v('index.Tensor_out', '2-d bool mask', [self.t([2, 3, 2]), [None, torch.tensor([[True, False], [False, True], [True, True]])]], ix)
        v('index.Tensor_out', 'index out of range', [self.t([3, 4]), [None, L([4])]], ix)
        isel = A.index_select.out
        v('index_select.out', 'dim 1', [self.t([2, 4]), 1, L([3, 0, 3])], isel)
        v('index_select.out', 'int32, special', [self.t([12], True), 0, L([11, 0, 5], torch.int32)], isel)
        v('index_select.out', 'negative index rejected', [self.t([3]), 0, L([-1])], isel)
        ip = A.index_put.out
        v('index_put.out', 'kv cache [None, None, pos]', [self.t([1, 2, 4, 2]), [None, None, L([3])], self.t([1, 2, 1, 2]), False], ip)
        v('index_put.out', 'accumulate duplicates', [self.t([5]), [L([1, 1, 4])], self.t([3]), True], ip)
        v('index_put.out', 'bool mask, broadcast value', [self.t([3, 2], True), [torch.tensor([True, False, True])], self.t([1]), False], ip)
        v('index_put.out', 'accumulate 2-d', [self.t([2, 3], True), [L([0, 1]), L([2, 2])], self.t([2]), True], ip)
        v('index_put.out', 'index out of range', [self.t([3]), [L([3])], self.t([1]), False], ip)

    def pad(self):
        v = self.out_op
        p = A.constant_pad_nd.out
        v('constant_pad_nd.out', 'pad last dim', [self.t([2, 3]), [1, 2], 0], p)
        v('constant_pad_nd.out', 'crop and pad, value 3', [self.t([3, 2, 2], True), [1, 0, -1, 1], 3], p)
        v('constant_pad_nd.out', 'float value', [self.t([2, 2]), [0, 1, 1, 0], 0.5], p)
        v('constant_pad_nd.out', 'channels_last', [self.t([1, 2, 2, 2], cl=True), [1, 1], 1], p, self.empty([1, 2, 2, 4], cl=True))
        v('constant_pad_nd.out', 'negative size', [self.t([2]), [-2, -1], 0], p)

    def scatters(self):
        v = self.out_op
        L = lambda vals: torch.tensor(vals, dtype=torch.int64)
        g = lambda x, dim, index, sparse_grad, out: A.gather.out(x, dim, index, sparse_grad=sparse_grad, out=out)
        v('gather.out', 'dim 1', [self.t([2, 3]), 1, L([[2, 0], [1, 1]]), False], g)
        v('gather.out', 'dim 0, special', [self.t([4, 3], True), 0, L([[3, 0, 1], [2, 2, 0]]), False], g)
        v('gather.out', 'index out of range', [self.t([2, 3]), 1, L([[3]]), False], g)
        v('scatter.src_out', 'dim 0', [self.t([3, 3]), 0, L([[2, 0, 1]]), self.t([2, 3])], A.scatter.src_out)
        v('scatter.src_out', 'dim -1, special src', [self.t([2, 4]), -1, L([[3, 0], [1, 2]]), self.t([2, 2], True)], A.scatter.src_out)
        v('scatter.src_out', 'index out of range', [self.t([2]), 0, L([2]), self.t([1])], A.scatter.src_out)
        v('scatter.value_out', 'int value', [self.t([2, 3]), 1, L([[0], [2]]), 1], A.scatter.value_out)
        v('scatter.value_out', 'float value', [self.t([3], True), 0, L([1, 2]), 2.5], A.scatter.value_out)
        v('scatter.value_out', 'bool value', [self.t([2, 2]), 0, L([[1, 0]]), True], A.scatter.value_out)
        mf = A.masked_fill.Scalar_out
        v('masked_fill.Scalar_out', 'broadcast mask, int value', [self.t([2, 3]), torch.tensor([True, False, True]), 3], mf)
        v('masked_fill.Scalar_out', 'special self, float value', [self.t([12], True), torch.tensor([i % 3 == 0 for i in range(12)]), -2.75], mf)
        v('masked_fill.Scalar_out', 'mask broadcasts self', [self.t([3]), torch.tensor([[True], [False]]), True], mf)
        v('masked_fill.Scalar_out', 'uint8 mask', [self.t([2]), torch.tensor([1, 0], dtype=torch.uint8), 1], mf)

    def tiles(self):
        v = self.out_op
        v('repeat.out', 'new leading dim', [self.t([1, 2]), [2, 1, 3]], A.repeat.out)
        v('repeat.out', 'special values', [self.t([2, 2], True), [1, 2]], A.repeat.out)
        v('repeat.out', 'channels_last', [self.t([1, 2, 1, 2], cl=True), [1, 2, 2, 1]], A.repeat.out)
        v('flip.out', 'two dims', [self.t([2, 3, 2]), [0, -1]], A.flip.out)
        v('flip.out', 'special values', [self.t([12], True), [0]], A.flip.out)
        v('flip.out', 'channels_last', [self.t([1, 2, 2, 2], cl=True), [1, 3]], A.flip.out)
        v('roll.out', 'flattened', [self.t([2, 3]), [2], []], A.roll.out)
        v('roll.out', 'two dims', [self.t([2, 3], True), [-1, 4], [1, 0]], A.roll.out)
        v('roll.out', 'channels_last', [self.t([1, 2, 2, 3], cl=True), [1], [3]], A.roll.out)
        for op, fn in (('tril.out', A.tril.out), ('triu.out', A.triu.out)):
            v(op, 'square', [self.t([3, 3]), 0], fn)
            v(op, 'batched, diagonal 1, special', [self.t([2, 3, 4], True), 1], fn)
            v(op, 'wide, diagonal -2', [self.t([3, 5]), -2], fn)
        v('pixel_shuffle.out', 'r 2', [self.t([1, 8, 2, 3]), 2], A.pixel_shuffle.out)
        v('pixel_shuffle.out', 'rank 3, special', [self.t([4, 1, 3], True), 2], A.pixel_shuffle.out)
        v('pixel_shuffle.out', 'channels_last', [self.t([1, 4, 2, 2], cl=True), 2], A.pixel_shuffle.out)

    def copies(self):
        partner = self.g['PARTNER'][self.name]

        def run(note, x, src):
            def call():
                y = x.clone()
                A.copy_(y, src)
                return y
            self.run('copy_', note, [x, src, False], call)
        run('broadcast src', self.t([2, 3]), self.t([3], True))
        run(f'from {partner}', self.t([2, 2]), self.g['tensor'](self.rng, partner, [2, 2]))
        run('into channels_last', self.t([1, 2, 2, 2], cl=True), self.t([1, 2, 2, 2]))
