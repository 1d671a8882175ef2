#include "node/convert.h"

#include <math.h>
#include <string.h>

#include "runtime/tensor.h"

namespace etb {
namespace node {
namespace {

// The TypedArray kind that carries each dtype's elements (raw bits where
// JavaScript has no matching type: float16, bfloat16, float8, bits16).
napi_typedarray_type array_type(ScalarType t) {
  switch (t) {
    case ScalarType::Char:
    case ScalarType::QInt8:
      return napi_int8_array;
    case ScalarType::Short:
      return napi_int16_array;
    case ScalarType::Int:
    case ScalarType::QInt32:
      return napi_int32_array;
    case ScalarType::Long:
      return napi_bigint64_array;
    case ScalarType::Half:
    case ScalarType::BFloat16:
    case ScalarType::Bits16:
    case ScalarType::UInt16:
      return napi_uint16_array;
    case ScalarType::Float:
      return napi_float32_array;
    case ScalarType::Double:
      return napi_float64_array;
    case ScalarType::UInt32:
      return napi_uint32_array;
    case ScalarType::UInt64:
      return napi_biguint64_array;
    default:  // uint8, bool, quint8, quint4x2, quint2x4, float8 variants
      return napi_uint8_array;
  }
}

size_t array_element_size(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array:
      return 1;
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    default:
      return 8;
  }
}

const char* array_type_name(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
  }
  return "TypedArray";
}

std::string input_prefix(size_t index) { return "input " + std::to_string(index) + ": "; }

}  // namespace

AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

Napi::Value throw_runtime(Napi::Env env, Error error, const std::string& message) {
  if (env.IsExceptionPending()) return env.Undefined();
  const uint32_t code = static_cast<uint32_t>(error);
  const char* name = error_name(error);
  const std::string text = message.empty() ? std::string(name) : message;
  AddonData& data = addon_data(env);
  if (!data.error_class.IsEmpty()) {
    Napi::Object e = data.error_class.New({Napi::Number::New(env, code), Napi::String::New(env, name),
                                           Napi::String::New(env, text)});
    if (env.IsExceptionPending()) return env.Undefined();  // the constructor threw: that is what propagates
    napi_throw(env, e);
    return env.Undefined();
  }
  Napi::Error e = Napi::Error::New(env, std::string(name) + ": " + text);
  e.Set("code", Napi::Number::New(env, code));
  e.Set("codeName", Napi::String::New(env, name));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value throw_runtime(Napi::Env env, Error error, const Diag& diag) {
  return throw_runtime(env, error, diag.has_message || diag.message[0] != 0 ? std::string(diag.message) : std::string());
}

Napi::Value throw_type(Napi::Env env, const std::string& message) {
  if (!env.IsExceptionPending()) Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool read_index(Napi::Env env, Napi::Value v, double max, const char* what, uint64_t* out) {
  if (!v.IsNumber()) {
    throw_type(env, std::string(what) + " must be a non-negative integer");
    return false;
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= max && floor(d) == d)) {
    throw_type(env, std::string(what) + " must be an integer in [0, " + std::to_string(static_cast<uint64_t>(max)) + "]");
    return false;
  }
  *out = static_cast<uint64_t>(d);
  return true;
}

bool read_seed(Napi::Env env, Napi::Value v, uint64_t* out) {
  if (v.IsBigInt()) {
    bool lossless = false;
    Napi::BigInt b = v.As<Napi::BigInt>();
    uint64_t u = b.Uint64Value(&lossless);
    if (env.IsExceptionPending()) return false;
    if (!lossless) {
      throw_type(env, "random seed must be in [0, 2^64)");
      return false;
    }
    *out = u;
    return true;
  }
  return read_index(env, v, 9007199254740991.0, "random seed", out);
}

bool tensor_from_js(Napi::Env env, Napi::Value v, size_t index, runner::TensorData* out) {
  const std::string where = input_prefix(index);
  if (!v.IsObject()) {
    throw_runtime(env, Error::InvalidArgument, where + "expected {dtype, shape, data}");
    return false;
  }
  Napi::Object obj = v.As<Napi::Object>();
  Napi::Value dtype = obj.Get("dtype");
  if (env.IsExceptionPending()) return false;
  Napi::Value shape = obj.Get("shape");
  if (env.IsExceptionPending()) return false;
  Napi::Value data = obj.Get("data");
  if (env.IsExceptionPending()) return false;

  if (!dtype.IsString()) {
    throw_runtime(env, Error::InvalidArgument, where + "dtype must be a PyTorch dtype name such as 'float32'");
    return false;
  }
  std::string dtype_name = dtype.As<Napi::String>().Utf8Value();
  if (!scalar_type_from_name(dtype_name.c_str(), &out->dtype)) {
    throw_runtime(env, Error::InvalidArgument, where + "unknown dtype '" + dtype_name + "'");
    return false;
  }

  if (!shape.IsArray()) {
    throw_runtime(env, Error::InvalidArgument, where + "shape must be an array of non-negative integers");
    return false;
  }
  Napi::Array dims = shape.As<Napi::Array>();
  const uint32_t rank = dims.Length();
  if (rank > 16) {
    throw_runtime(env, Error::InvalidArgument, where + "rank " + std::to_string(rank) + " is above 16");
    return false;
  }
  out->shape.clear();
  for (uint32_t i = 0; i < rank; i++) {
    Napi::Value d = dims.Get(i);
    if (env.IsExceptionPending()) return false;
    double x = d.IsNumber() ? d.As<Napi::Number>().DoubleValue() : -1;
    if (!(x >= 0 && x <= 2147483647.0 && floor(x) == x)) {
      throw_runtime(env, Error::InvalidArgument, where + "shape[" + std::to_string(i) + "] is not a non-negative int32");
      return false;
    }
    out->shape.push_back(static_cast<int32_t>(x));
  }
  const int64_t numel = checked_numel(static_cast<int32_t>(rank), out->shape.data());
  if (numel < 0) {
    throw_runtime(env, Error::InvalidArgument, where + "the shape's element count overflows");
    return false;
  }

  if (!data.IsTypedArray()) {
    throw_runtime(env, Error::InvalidArgument, where + "data must be a TypedArray");
    return false;
  }
  Napi::TypedArray array = data.As<Napi::TypedArray>();
  const napi_typedarray_type want = array_type(out->dtype);
  const napi_typedarray_type got = array.TypedArrayType();
  const bool ok_kind = got == want || (want == napi_uint8_array && got == napi_uint8_clamped_array);
  if (!ok_kind) {
    throw_runtime(env, Error::InvalidArgument,
                  where + "dtype " + dtype_name + " takes a " + array_type_name(want) + ", got a " + array_type_name(got));
    return false;
  }
  const size_t elem = element_size(out->dtype);
  if (elem != array_element_size(got) || array.ElementLength() != static_cast<size_t>(numel)) {
    throw_runtime(env, Error::InvalidArgument,
                  where + "shape holds " + std::to_string(numel) + " elements, data has " +
                      std::to_string(array.ElementLength()));
    return false;
  }
  const uint8_t* base = static_cast<const uint8_t*>(array.ArrayBuffer().Data());
  if (env.IsExceptionPending()) return false;
  const size_t nbytes = static_cast<size_t>(numel) * elem;
  out->bytes.resize(nbytes);
  if (nbytes > 0) memcpy(out->bytes.data(), base + array.ByteOffset(), nbytes);
  if (out->dtype == ScalarType::Bool) {
    for (uint8_t& b : out->bytes) b = b != 0 ? 1 : 0;
  }
  return true;
}

Napi::Value tensor_to_js(Napi::Env env, const runner::TensorData& t) {
  const napi_typedarray_type type = array_type(t.dtype);
  const size_t elem = array_element_size(type);
  const size_t length = t.bytes.size() / elem;
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, length * elem);
  if (env.IsExceptionPending()) return Napi::Value();
  if (length > 0) memcpy(buffer.Data(), t.bytes.data(), length * elem);
  napi_value array = nullptr;
  if (napi_create_typedarray(env, type, length, buffer, 0, &array) != napi_ok) {
    throw_runtime(env, Error::Internal, "cannot create the output TypedArray");
    return Napi::Value();
  }
  Napi::Array shape = Napi::Array::New(env, t.shape.size());
  for (uint32_t i = 0; i < t.shape.size(); i++) shape.Set(i, Napi::Number::New(env, t.shape[i]));
  Napi::Object out = Napi::Object::New(env);
  out.Set("dtype", Napi::String::New(env, scalar_type_name(t.dtype)));
  out.Set("shape", shape);
  out.Set("data", Napi::Value(env, array));
  return out;
}

Napi::Value dtype_or_null(Napi::Env env, ScalarType t, bool is_tensor) {
  if (!is_tensor) return env.Null();
  return Napi::String::New(env, scalar_type_name(t));
}

const char* kind_name(Tag tag) {
  switch (tag) {
    case Tag::None: return "none";
    case Tag::Tensor: return "tensor";
    case Tag::String: return "string";
    case Tag::Double: return "double";
    case Tag::Int: return "int";
    case Tag::Bool: return "bool";
    case Tag::ListBool: return "bool_list";
    case Tag::ListDouble: return "double_list";
    case Tag::ListInt: return "int_list";
    case Tag::ListTensor: return "tensor_list";
    case Tag::ListScalar: return "scalar_list";
    case Tag::ListOptionalTensor: return "optional_tensor_list";
  }
  return "none";
}

}  // namespace node
}  // namespace etb
