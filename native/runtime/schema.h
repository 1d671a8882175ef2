// Table layouts and slot numbers of the program, bundled-program and
// flat-tensor schemas (native/schema/*.fbs; docs: pte-format.md section 3,
// bundled-program.md). Slot numbers are FlatBuffers field ids; a union field
// takes two slots (type, value). Use with fb::Table:
//
//   ETB_TRY(fb::Table plan, plans[i]);
//   ETB_TRY(auto inputs, plan.vector<int32_t>(schema::plan::kInputs, "ExecutionPlan.inputs", true));
#pragma once
#include <stdint.h>

#include "runtime/fb_reader.h"

namespace etb {
namespace schema {

#define ETB_LAYOUT(name, ...)                                       \
  inline constexpr uint8_t name##_sizes[] = {__VA_ARGS__};          \
  inline constexpr fb::Layout name{name##_sizes, sizeof(name##_sizes)}

// ---- program.fbs (identifier ET12) ----
ETB_LAYOUT(kProgram, 4, 4, 4, 4, 4, 4, 4, 4);
namespace program {
enum : uint8_t { kVersion, kExecutionPlan, kConstantBuffer, kBackendDelegateData, kSegments,
                 kConstantSegment, kMutableDataSegments, kNamedData };
}
ETB_LAYOUT(kExecutionPlan, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
namespace plan {
enum : uint8_t { kName, kContainerMetaType, kValues, kInputs, kOutputs, kChains, kOperators,
                 kDelegates, kNonConstBufferSizes, kNonConstBufferDevice };
}
ETB_LAYOUT(kEValue, 1, 4);
namespace evalue {
enum : uint8_t { kValType, kVal };
// KernelTypes union discriminants.
enum : uint8_t { kNone, kNull, kInt, kBool, kDouble, kTensor, kString, kIntList, kDoubleList,
                 kBoolList, kTensorList, kOptionalTensorList };
}
ETB_LAYOUT(kEmpty, 0);
ETB_LAYOUT(kInt, 8);
ETB_LAYOUT(kBool, 1);
ETB_LAYOUT(kDouble, 8);
ETB_LAYOUT(kOneOffset, 4);  // String, IntList, DoubleList, BoolList, TensorList, Buffer, ...
ETB_LAYOUT(kTensor, 1, 4, 4, 4, 1, 4, 4, 1, 1, 4);
namespace tensor {
enum : uint8_t { kScalarType, kStorageOffset, kSizes, kDimOrder, kRequiresGrad, kDataBufferIdx,
                 kAllocationInfo, kLayout, kShapeDynamism, kExtraTensorInfo };
}
ETB_LAYOUT(kExtraTensorInfo, 8, 4, 1, 1, 1);
namespace extra {
enum : uint8_t { kMutableDataSegmentsIdx, kFullyQualifiedName, kLocation, kDeviceType, kDeviceIndex };
enum : uint8_t { kLocationSegment = 0, kLocationExternal = 1 };
}
ETB_LAYOUT(kAllocationDetails, 4, 4, 4);
namespace alloc {
enum : uint8_t { kMemoryId, kOffsetLow, kOffsetHigh };
}
ETB_LAYOUT(kOperator, 4, 4);
namespace op {
enum : uint8_t { kName, kOverload };
}
ETB_LAYOUT(kChain, 4, 4, 4, 4);
namespace chain {
enum : uint8_t { kInputs, kOutputs, kInstructions, kStacktrace };
}
ETB_LAYOUT(kInstruction, 1, 4);
namespace instr {
enum : uint8_t { kArgsType, kArgs };
// InstructionArguments union discriminants.
enum : uint8_t { kNone, kKernelCall, kDelegateCall, kMoveCall, kJumpFalseCall, kFreeCall };
}
ETB_LAYOUT(kTwoInts, 4, 4);  // KernelCall, DelegateCall, MoveCall, JumpFalseCall
ETB_LAYOUT(kFreeCall, 4);
ETB_LAYOUT(kBackendDelegate, 4, 4, 4);
namespace delegate {
enum : uint8_t { kId, kProcessed, kCompileSpecs };
}
ETB_LAYOUT(kDataReference, 1, 4);
namespace dataref {
enum : uint8_t { kLocation, kIndex };
enum : uint8_t { kInline = 0, kSegment = 1 };
}
ETB_LAYOUT(kCompileSpec, 4, 4);
ETB_LAYOUT(kDataSegment, 8, 8);
ETB_LAYOUT(kSubsegmentOffsets, 4, 4);
ETB_LAYOUT(kNamedData, 4, 4, 4);  // program NamedData has 2 fields; .ptd adds tensor_layout

// ---- bundled_program.fbs (identifier BP08) ----
ETB_LAYOUT(kBundledProgram, 4, 4, 4);
namespace bundled {
enum : uint8_t { kVersion, kSuites, kProgram };
// ValueUnion discriminants (different order from KernelTypes).
enum : uint8_t { kNone, kTensor, kInt, kBool, kDouble };
}
ETB_LAYOUT(kBundledSuite, 4, 4);
ETB_LAYOUT(kBundledCase, 4, 4);
ETB_LAYOUT(kBundledValue, 1, 4);
ETB_LAYOUT(kBundledTensor, 1, 4, 4, 4);
namespace btensor {
enum : uint8_t { kScalarType, kSizes, kData, kDimOrder };
}

// ---- flat_tensor.fbs (identifier FT01) ----
ETB_LAYOUT(kFlatTensor, 4, 4, 4);
ETB_LAYOUT(kTensorLayout, 1, 4, 4);

#undef ETB_LAYOUT

}  // namespace schema
}  // namespace etb
