// Conversions between JavaScript values and the runner's C++ types for the
// Node addon (addon.cpp), and the one way the addon reports a failure.
//
//   etb::node::TensorData t;
//   if (!etb::node::tensor_from_js(env, value, 0, &t)) return env.Undefined();  // exception pending
//   Napi::Value js = etb::node::tensor_to_js(env, t);                            // {dtype, shape, data}
//   return etb::node::throw_runtime(env, etb::Error::InvalidArgument, "why");   // an EtRuntimeError
//
// Built with NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS: every function that can
// fail leaves a JavaScript exception pending and returns false or an empty
// value; callers return to JavaScript at once.
#pragma once
#include <napi.h>
#include <stdint.h>

#include <string>

#include "runner/session.h"

namespace etb {
namespace node {

// Per-environment state, owned by the environment (Napi::Env::SetInstanceData).
struct AddonData {
  Napi::FunctionReference program_class;  // the handle class (not exported)
  Napi::FunctionReference error_class;    // EtRuntimeError, set by setErrorClass(); may be empty
};

AddonData& addon_data(Napi::Env env);

// Throws an EtRuntimeError(code, codeName, message) (a plain Error carrying
// `code` and `codeName` while no class is registered). Returns undefined.
Napi::Value throw_runtime(Napi::Env env, Error error, const std::string& message);
// Same, with the message a failing runtime call left in `diag`.
Napi::Value throw_runtime(Napi::Env env, Error error, const Diag& diag);
// Throws a TypeError (misuse of the API from JavaScript, not a runtime failure).
Napi::Value throw_type(Napi::Env env, const std::string& message);

// Reads a non-negative integer no larger than `max`; throws a TypeError naming `what` otherwise.
bool read_index(Napi::Env env, Napi::Value v, double max, const char* what, uint64_t* out);
// Reads a seed: a non-negative safe integer Number or a BigInt in [0, 2^64).
bool read_seed(Napi::Env env, Napi::Value v, uint64_t* out);

// {dtype, shape, data: TypedArray} -> TensorData. Any mismatch (unknown
// dtype, wrong TypedArray kind, element count not matching the shape) throws
// EtRuntimeError InvalidArgument naming input `index`.
bool tensor_from_js(Napi::Env env, Napi::Value v, size_t index, runner::TensorData* out);
// TensorData -> {dtype, shape, data: TypedArray}; empty on failure.
Napi::Value tensor_to_js(Napi::Env env, const runner::TensorData& t);

// The PyTorch dtype name, or null for non-tensor values.
Napi::Value dtype_or_null(Napi::Env env, ScalarType t, bool is_tensor);
// "tensor", "int", "int_list", ...
const char* kind_name(Tag tag);

}  // namespace node
}  // namespace etb
