#include "backends/xnnpack/xnn_schema.h"

namespace etb {
namespace xnn {

const char* datatype_name(int dt) {
  static const char* const kNames[] = {"invalid", "fp32",   "fp16",  "qint8", "quint8", "qint32", "qcint8", "qcint32",
                                       "qcint4",  "qdint8", "qbint4", "qpint8", "int32", "pfp32",  "bf16"};
  return dt >= 0 && dt < int(sizeof(kNames) / sizeof(kNames[0])) ? kNames[dt] : "unknown";
}

const char* node_kind_name(int kind) {
  static const char* const kNames[] = {
      "none", "XNNAdd", "XNNFullyConnected", "XNNSoftmax", "XNNSigmoid", "XNNStaticTranspose", "XNNClamp",
      "XNNConv2d", "XNNDiv", "XNNStaticResizeBilinear2D", "XNNStaticConstantPad", "XNNAvgPooling2d", "XNNMinimum",
      "XNNDepthwiseConv2d", "XNNMaxPooling2d", "XNNMultiply", "XNNSubtract", "XNNFloor", "XNNConvert",
      "XNNGlobalAvgPooling2d", "XNNStaticReshape", "XNNArgMaxPooling2d", "XNNSquareRoot", "XNNCeiling",
      "XNNHardswish", "XNNLeakyReLU", "XNNMaximum", "XNNNegate", "XNNSquare", "XNNELU", "XNNAbs", "XNNPReLU",
      "XNNConcatenate2", "XNNConcatenate3", "XNNConcatenate4", "XNNStaticSlice", "XNNScaledDotProductAttention",
      "XNNBatchMatrixMultiply", "XNNConcatenate5", "XNNConvTranspose2d", "XNNReciprocalSquareRoot", "XNNLog",
      "XNNGelu", "XNNTanh", "XNNExp", "XNNSin", "XNNCopy", "XNNCos"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == kNodeKindCount, "one name per node kind");
  return kind > 0 && kind < kNodeKindCount ? kNames[kind] : "unknown";
}

}  // namespace xnn
}  // namespace etb
