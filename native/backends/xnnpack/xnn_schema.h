// Table layouts, slot numbers and enums of the XNNPACK delegate payload
// (`fb_xnnpack` runtime schema; docs: shared xnnpack-delegate.md section 3).
// Used with the bounds-checked reader in runtime/fb_reader.h. A union field
// takes two slots (type byte, then the value offset).
#pragma once
#include <stdint.h>

#include "runtime/fb_reader.h"

namespace etb {
namespace xnn {

#define ETB_XNN_LAYOUT(name, ...)                          \
  inline constexpr uint8_t name##_sizes[] = {__VA_ARGS__}; \
  inline constexpr fb::Layout name{name##_sizes, sizeof(name##_sizes)}

// XNNGraph: version, xnodes, xvalues, num_externs, input_ids, output_ids,
// constant_buffer, mem_buffer_sizes, constant_data.
ETB_XNN_LAYOUT(kGraph, 4, 4, 4, 4, 4, 4, 4, 4, 4);
namespace graph {
enum : uint8_t { kVersion, kNodes, kValues, kNumExterns, kInputIds, kOutputIds, kConstantBuffer, kMemBufferSizes,
                 kConstantData };
}
ETB_XNN_LAYOUT(kBuffer, 4);                     // Buffer{storage}
ETB_XNN_LAYOUT(kConstantDataOffset, 8, 8, 4);   // offset, size, named_key
ETB_XNN_LAYOUT(kXValue, 1, 4);                  // union type, union value
ETB_XNN_LAYOUT(kTensorValue, 2, 4, 4, 4, 4, 4, 4, 2);
namespace tv {
enum : uint8_t { kDatatype, kNumDims, kDims, kConstantBufferIdx, kExternalId, kFlags, kIdOut, kDqDatatype };
}
ETB_XNN_LAYOUT(kQuantizedTensorValue, 4, 1, 4);  // tensor_value, quant params type, value
ETB_XNN_LAYOUT(kPerTensorQuant, 4, 4);           // scale, zero_point
ETB_XNN_LAYOUT(kPerChannelQuant, 4, 4, 4, 4);    // scale[], channel_dim, scale_buffer_idx, num_scales
ETB_XNN_LAYOUT(kXNode, 1, 4, 4, 4);              // union type, union value, debug_handle, output_min_max
ETB_XNN_LAYOUT(kOutputMinMax, 4, 4);

// Node field tables.
ETB_XNN_LAYOUT(kNode1x1, 4, 4, 4);        // input, output, flags
ETB_XNN_LAYOUT(kNode2x1, 4, 4, 4, 4);     // input1, input2, output, flags
ETB_XNN_LAYOUT(kCat, 4, 4, 4, 4, 4, 4, 4, 4);  // axis, in1..in4, output, flags, in5
ETB_XNN_LAYOUT(kFullyConnectedTable, 4, 4, 4, 4, 4);  // input, filter, bias, output, flags
// pad t/r/b/l, kernel h/w, stride h/w, dilation h/w, group in/out channels,
// groups, adjustment h/w, input, filter, bias, output, flags
ETB_XNN_LAYOUT(kConv, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
// pad t/r/b/l, pooling h/w, stride h/w, dilation h/w, input, output, flags
ETB_XNN_LAYOUT(kPooling, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
ETB_XNN_LAYOUT(kTranspose, 4, 4, 4, 4, 4);  // num_dims, perm[], input, output, flags
ETB_XNN_LAYOUT(kReshape, 4, 4, 4, 4, 4);    // num_dims, new_shape[], input, output, flags
ETB_XNN_LAYOUT(kSlice, 4, 4, 4, 4, 4, 4);   // num_dims, offsets[], sizes[], input, output, flags
ETB_XNN_LAYOUT(kPad, 4, 4, 4, 4, 4, 4);     // pre[], post[], value, input, output, flags
ETB_XNN_LAYOUT(kAlpha1x1, 4, 4, 4, 4);      // ELU alpha / LeakyReLU slope, input, output, flags
ETB_XNN_LAYOUT(kResize, 4, 4, 4, 4, 4);     // new_height, new_width, input, output, flags

// XNNDatatype.
enum Datatype : int16_t {
  kInvalid = 0, kFp32 = 1, kFp16 = 2, kQint8 = 3, kQuint8 = 4, kQint32 = 5, kQcint8 = 6, kQcint32 = 7,
  kQcint4 = 8, kQdint8 = 9, kQbint4 = 10, kQpint8 = 11, kInt32 = 12, kPfp32 = 13, kBf16 = 14,
};
const char* datatype_name(int dt);

// XValueUnion / XNNQuantParams discriminants.
enum : uint8_t { kValueTensor = 1, kValueQuantized = 2 };
enum : uint8_t { kQuantPerChannel = 1, kQuantPerTensor = 2, kQuantPerToken = 3, kQuantPerChannelGroup = 4 };

// XNNTensorValue.flags and node flags.
constexpr uint32_t kFlagExternalInput = 1, kFlagExternalOutput = 2;
constexpr uint32_t kInvalidId = 0xFFFFFFFFu;
constexpr uint32_t kFcTransposeWeights = 0x1;
constexpr uint32_t kBmmTransposeB = 0x1;
constexpr uint32_t kResizeLegacy = 0x4, kResizeAlignCorners = 0x8;  // XNN_FLAG_TENSORFLOW_LEGACY_MODE, _ALIGN_CORNERS

// XNodeUnion discriminants (1-based position in the schema's union).
enum NodeKind : uint8_t {
  kAdd = 1, kFullyConnected, kSoftmax, kSigmoid, kStaticTranspose, kClamp, kConv2d, kDiv,
  kStaticResizeBilinear2D, kStaticConstantPad, kAvgPooling2d, kMinimum, kDepthwiseConv2d, kMaxPooling2d,
  kMultiply, kSubtract, kFloor, kConvert, kGlobalAvgPooling2d, kStaticReshape, kArgMaxPooling2d, kSquareRoot,
  kCeiling, kHardswish, kLeakyReLU, kMaximum, kNegate, kSquare, kELU, kAbs, kPReLU, kConcatenate2,
  kConcatenate3, kConcatenate4, kStaticSlice, kScaledDotProductAttention, kBatchMatrixMultiply, kConcatenate5,
  kConvTranspose2d, kReciprocalSquareRoot, kLog, kGelu, kTanh, kExp, kSin, kCopy, kCos,
  kNodeKindCount  // one past the last
};
// "XNNAdd", ...; "unknown" outside the union.
const char* node_kind_name(int kind);

}  // namespace xnn
}  // namespace etb
