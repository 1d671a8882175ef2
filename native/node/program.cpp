#include "node/program.h"

#include <string>
#include <vector>

#include "node/convert.h"

namespace etb {
namespace node {

using runner::Session;
using runner::TensorData;

ProgramWrap* handle_arg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value v = info[0];
  if (!v.IsObject()) {
    throw_type(env, "expected a program handle from openProgram()");
    return nullptr;
  }
  bool is_handle = v.As<Napi::Object>().InstanceOf(addon_data(env).program_class.Value());
  if (env.IsExceptionPending()) return nullptr;
  if (!is_handle) {
    throw_type(env, "expected a program handle from openProgram()");
    return nullptr;
  }
  ProgramWrap* w = ProgramWrap::Unwrap(v.As<Napi::Object>());
  if (w == nullptr || !w->session) {
    throw_runtime(env, Error::InvalidState, "the program is closed");
    return nullptr;
  }
  return w;
}

ProgramWrap* loaded_arg(const Napi::CallbackInfo& info) {
  ProgramWrap* w = handle_arg(info);
  if (w != nullptr && !w->method_loaded) {
    throw_runtime(info.Env(), Error::InvalidState, "no method is loaded: call loadMethod() first");
    return nullptr;
  }
  return w;
}

bool apply_inputs(Napi::Env env, ProgramWrap* w, Napi::Value spec) {
  Session& s = *w->session;
  Diag diag;
  Error err = Error::Ok;
  w->inputs_set = false;
  if (spec.IsNull() || spec.IsUndefined()) {
    err = s.is_bundled() && s.num_cases() > 0 ? s.set_bundled_inputs(0, &diag) : s.set_random_inputs(0, &diag);
  } else if (spec.IsArray()) {
    Napi::Array list = spec.As<Napi::Array>();
    std::vector<TensorData> tensors(list.Length());
    for (uint32_t i = 0; i < list.Length(); i++) {
      Napi::Value item = list.Get(i);
      if (env.IsExceptionPending() || !tensor_from_js(env, item, i, &tensors[i])) return false;
    }
    err = s.set_inputs(tensors, &diag);
  } else if (spec.IsObject()) {
    Napi::Object o = spec.As<Napi::Object>();
    const bool has_random = o.Has("random");
    const bool has_case = o.Has("bundledCase");
    if (env.IsExceptionPending()) return false;
    if (has_random == has_case) {
      throw_type(env, "inputs must be an array of tensors, {random: seed} or {bundledCase: n}");
      return false;
    }
    if (has_random) {
      uint64_t seed = 0;
      if (!read_seed(env, o.Get("random"), &seed)) return false;
      err = s.set_random_inputs(seed, &diag);
    } else {
      uint64_t index = 0;
      if (!read_index(env, o.Get("bundledCase"), 4294967295.0, "bundledCase", &index)) return false;
      if (!s.is_bundled()) {
        throw_runtime(env, Error::InvalidArgument, "the program is not bundled: it carries no test inputs");
        return false;
      }
      if (index >= s.num_cases()) {
        throw_runtime(env, Error::InvalidArgument,
                      "bundled case " + std::to_string(index) + " does not exist: method '" + s.method_name() +
                          "' has " + std::to_string(s.num_cases()) + " cases");
        return false;
      }
      err = s.set_bundled_inputs(static_cast<uint32_t>(index), &diag);
    }
  } else {
    throw_type(env, "inputs must be an array of tensors, {random: seed} or {bundledCase: n}");
    return false;
  }
  if (err != Error::Ok) {
    throw_runtime(env, err, diag);
    return false;
  }
  w->inputs_set = true;
  return true;
}

bool execute(Napi::Env env, ProgramWrap* w) {
  if (!w->inputs_set) {
    throw_runtime(env, Error::InvalidState, "the method's inputs are not set");
    return false;
  }
  Diag diag;
  Error err = w->session->execute(&diag);
  if (err != Error::Ok) {
    throw_runtime(env, err, diag);
    return false;
  }
  return true;
}

}  // namespace node
}  // namespace etb
