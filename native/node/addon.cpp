// The Node addon: the etbench runtime in-process for TypeScript. Every export
// is declared once, with its exact types, in native/node/native.ts; the typed
// wrapper is native/node/index.ts.
//
//   const addon = require('build/native/release/etbench_native.node');
//   addon.setErrorClass(EtRuntimeError);                 // once, by native.ts
//   const h = addon.openProgram('/m.pte', { kernels: 'portable', data: null, backends: null, threads: 1, memoryLimit: null });
//   addon.loadMethod(h, 'forward');
//   const [y] = addon.run(h, { random: 7 });              // or [{dtype, shape, data}] or { bundledCase: 0 }
//
// Failures of the runtime throw EtRuntimeError(code, codeName, message);
// misuse from JavaScript (a non-handle, a bad option) throws TypeError. No
// C++ exception or abort crosses this file: every Session call that can fail
// returns an Error which becomes a JavaScript exception, and every Session
// precondition (method loaded, program bundled, inputs set) is checked here
// first, because Session itself dereferences without checking.
#include <napi.h>
#include <math.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "kernels/ops_table.h"
#include "node/convert.h"
#include "node/program.h"
#include "runner/session.h"

#ifndef ETB_VERSION
#define ETB_VERSION "0.1.0"
#endif
#ifndef ETB_GIT
#define ETB_GIT "unknown"
#endif

namespace etb {
namespace node {
namespace {

using runner::Session;
using runner::TensorData;

Napi::Array int_array(Napi::Env env, const std::vector<int32_t>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (uint32_t i = 0; i < v.size(); i++) a.Set(i, Napi::Number::New(env, v[i]));
  return a;
}

Napi::Object io_info(Napi::Env env, const runner::IoInfo& io) {
  const bool tensor = io.kind == Tag::Tensor;
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", Napi::String::New(env, kind_name(io.kind)));
  o.Set("dtype", dtype_or_null(env, io.dtype, tensor));
  o.Set("shape", tensor ? Napi::Value(int_array(env, io.shape)) : env.Null());
  if (tensor) {
    std::vector<int32_t> order(io.dim_order.begin(), io.dim_order.end());
    o.Set("dimOrder", int_array(env, order));
  } else {
    o.Set("dimOrder", env.Null());
  }
  o.Set("planned", Napi::Boolean::New(env, io.planned));
  return o;
}

// ---- exports ----

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) return throw_type(env, "setErrorClass expects a constructor");
  addon_data(env).error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", Napi::String::New(env, ETB_VERSION));
  o.Set("git", Napi::String::New(env, ETB_GIT));
  return o;
}

// Splits "a,b,c" (empty parts dropped).
std::vector<std::string> split_commas(const char* s) {
  std::vector<std::string> out;
  std::string part;
  for (const char* p = s;; p++) {
    if (*p == ',' || *p == 0) {
      if (!part.empty()) out.push_back(part);
      part.clear();
      if (*p == 0) break;
    } else {
      part.push_back(*p);
    }
  }
  return out;
}

Napi::Value Capabilities(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> set_names;
  std::vector<std::vector<size_t>> members;
  for (size_t i = 0; i < kNumOps; i++) {
    for (const std::string& set : split_commas(kOps[i].sets)) {
      auto it = std::find(set_names.begin(), set_names.end(), set);
      if (it == set_names.end()) {
        set_names.push_back(set);
        members.emplace_back();
        it = set_names.end() - 1;
      }
      members[size_t(it - set_names.begin())].push_back(i);
    }
  }
  Napi::Array sets = Napi::Array::New(env, set_names.size());
  for (uint32_t s = 0; s < set_names.size(); s++) {
    Napi::Array ops = Napi::Array::New(env, members[s].size());
    for (uint32_t j = 0; j < members[s].size(); j++) {
      const OpInfo& op = kOps[members[s][j]];
      std::vector<std::string> dtypes = split_commas(op.dtypes);
      Napi::Array d = Napi::Array::New(env, dtypes.size());
      for (uint32_t k = 0; k < dtypes.size(); k++) d.Set(k, Napi::String::New(env, dtypes[k]));
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", Napi::String::New(env, op.name));
      o.Set("schema", Napi::String::New(env, op.schema));
      o.Set("dtypes", d);
      ops.Set(j, o);
    }
    Napi::Object set = Napi::Object::New(env);
    set.Set("name", Napi::String::New(env, set_names[s]));
    set.Set("operators", ops);
    sets.Set(s, set);
  }
  std::vector<std::string> names = runner::available_backends();
  Napi::Array backends = Napi::Array::New(env, names.size());
  for (uint32_t i = 0; i < names.size(); i++) backends.Set(i, Napi::String::New(env, names[i]));
  Napi::Object o = Napi::Object::New(env);
  o.Set("kernelSets", sets);
  o.Set("backends", backends);
  return o;
}

bool read_open_options(Napi::Env env, Napi::Value v, runner::SessionOptions* out) {
  if (v.IsUndefined() || v.IsNull()) return true;
  if (!v.IsObject()) {
    throw_type(env, "options must be an object");
    return false;
  }
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value kernels = o.Get("kernels");
  Napi::Value data = o.Get("data");
  Napi::Value backends = o.Get("backends");
  Napi::Value threads = o.Get("threads");
  Napi::Value memory_limit = o.Get("memoryLimit");
  if (env.IsExceptionPending()) return false;
  if (!kernels.IsUndefined() && !kernels.IsNull()) {
    std::string k = kernels.IsString() ? kernels.As<Napi::String>().Utf8Value() : std::string();
    if (k == "portable") {
      out->kernels = KernelSet::Portable;
    } else if (k == "optimized") {
      out->kernels = KernelSet::Optimized;
    } else {
      throw_type(env, "options.kernels must be 'portable' or 'optimized'");
      return false;
    }
  }
  if (!data.IsUndefined() && !data.IsNull()) {
    if (!data.IsString()) {
      throw_type(env, "options.data must be a path or null");
      return false;
    }
    out->data_path = data.As<Napi::String>().Utf8Value();
  }
  if (!backends.IsUndefined() && !backends.IsNull()) {
    if (!backends.IsArray()) {
      throw_type(env, "options.backends must be an array of names or null");
      return false;
    }
    Napi::Array list = backends.As<Napi::Array>();
    out->all_backends = false;
    for (uint32_t i = 0; i < list.Length(); i++) {
      Napi::Value name = list.Get(i);
      if (env.IsExceptionPending()) return false;
      if (!name.IsString()) {
        throw_type(env, "options.backends must hold strings");
        return false;
      }
      out->backends.push_back(name.As<Napi::String>().Utf8Value());
    }
  }
  if (!threads.IsUndefined() && !threads.IsNull()) {
    uint64_t n = 0;
    if (!read_index(env, threads, 1024, "options.threads", &n)) return false;
    out->threads = n == 0 ? 1 : static_cast<int>(n);
  }
  if (!memory_limit.IsUndefined() && !memory_limit.IsNull()) {
    uint64_t n = 0;
    if (!read_index(env, memory_limit, 9007199254740991.0, "options.memoryLimit", &n)) return false;
    out->memory_limit = n;
  }
  return true;
}

Napi::Value OpenProgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  runner::SessionOptions options;
  if (!read_open_options(env, info[1], &options)) return env.Undefined();
  Napi::Value source = info[0];
  std::unique_ptr<Session> session;
  Diag diag;
  Error err = Error::Ok;
  if (source.IsString()) {
    err = Session::open_file(source.As<Napi::String>().Utf8Value(), options, &session, &diag);
  } else if (source.IsTypedArray() && source.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array bytes = source.As<Napi::Uint8Array>();
    std::vector<uint8_t> copy(bytes.Data(), bytes.Data() + bytes.ByteLength());
    err = Session::open_bytes(std::move(copy), options, &session, &diag);
  } else {
    return throw_type(env, "openProgram expects a path or a Uint8Array of program bytes");
  }
  if (err != Error::Ok) return throw_runtime(env, err, diag);
  if (!session) return throw_runtime(env, Error::Internal, "the session was not created");
  Napi::Object handle = addon_data(env).program_class.New({});
  if (env.IsExceptionPending()) return env.Undefined();
  ProgramWrap* w = ProgramWrap::Unwrap(handle);
  w->session = std::move(session);
  w->program_bytes = source.IsString() ? 0 : source.As<Napi::TypedArray>().ByteLength();
  w->account(env);
  return handle;
}

Napi::Value CloseProgram(const Napi::CallbackInfo& info) {
  ProgramWrap* w = handle_arg(info);
  if (w != nullptr) {
    w->session.reset();
    w->method_loaded = false;
    w->inputs_set = false;
    w->account(info.Env());
  }
  return info.Env().Undefined();
}

Napi::Value ProgramMethods(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProgramWrap* w = handle_arg(info);
  if (w == nullptr) return env.Undefined();
  std::vector<std::string> names = w->session->method_names();
  Napi::Array a = Napi::Array::New(env, names.size());
  for (uint32_t i = 0; i < names.size(); i++) a.Set(i, Napi::String::New(env, names[i]));
  return a;
}

Napi::Value DefaultMethod(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProgramWrap* w = handle_arg(info);
  if (w == nullptr) return env.Undefined();
  Diag diag;
  Result<std::string> name = w->session->default_method(&diag);
  if (!name.ok()) return throw_runtime(env, name.error(), diag);
  return Napi::String::New(env, *name);
}

Napi::Value IsBundled(const Napi::CallbackInfo& info) {
  ProgramWrap* w = handle_arg(info);
  if (w == nullptr) return info.Env().Undefined();
  return Napi::Boolean::New(info.Env(), w->session->is_bundled());
}

Napi::Value ProgramSha256(const Napi::CallbackInfo& info) {
  ProgramWrap* w = handle_arg(info);
  if (w == nullptr) return info.Env().Undefined();
  return Napi::String::New(info.Env(), w->session->sha256());
}

Napi::Array size_array(Napi::Env env, const std::vector<size_t>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (uint32_t i = 0; i < v.size(); i++) a.Set(i, Napi::Number::New(env, static_cast<double>(v[i])));
  return a;
}

Napi::Value LoadMethod(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProgramWrap* w = handle_arg(info);
  if (w == nullptr) return env.Undefined();
  if (!info[1].IsString()) return throw_type(env, "loadMethod expects a method name");
  const std::string name = info[1].As<Napi::String>().Utf8Value();
  Session& s = *w->session;
  w->method_loaded = false;
  w->inputs_set = false;
  Diag diag;
  Error err = s.load_method(name, &diag);
  w->method_loaded = err == Error::Ok;
  w->account(env);
  if (err != Error::Ok) return throw_runtime(env, err, diag);

  std::vector<runner::IoInfo> ins = s.inputs();
  std::vector<runner::IoInfo> outs = s.outputs();
  Napi::Array inputs = Napi::Array::New(env, ins.size());
  for (uint32_t i = 0; i < ins.size(); i++) inputs.Set(i, io_info(env, ins[i]));
  Napi::Array outputs = Napi::Array::New(env, outs.size());
  for (uint32_t i = 0; i < outs.size(); i++) outputs.Set(i, io_info(env, outs[i]));
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", Napi::String::New(env, s.method_name()));
  o.Set("inputs", inputs);
  o.Set("outputs", outputs);
  o.Set("numCases", Napi::Number::New(env, s.num_cases()));
  o.Set("numInstructions", Napi::Number::New(env, static_cast<double>(s.num_instructions())));
  o.Set("plannedBytes", size_array(env, s.planned_bytes()));
  o.Set("methodAllocatorBytes", Napi::Number::New(env, static_cast<double>(s.method_allocator_bytes())));
  return o;
}

Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProgramWrap* w = loaded_arg(info);
  if (w == nullptr) return env.Undefined();
  if (info[1].IsUndefined() || info[1].IsNull()) {
    return throw_type(env, "run expects inputs: an array of tensors, {random: seed} or {bundledCase: n}");
  }
  if (!apply_inputs(env, w, info[1]) || !execute(env, w)) return env.Undefined();
  std::vector<TensorData> outs = w->session->outputs_data();
  Napi::Array a = Napi::Array::New(env, outs.size());
  for (uint32_t i = 0; i < outs.size(); i++) {
    Napi::Value t = tensor_to_js(env, outs[i]);
    if (t.IsEmpty()) return env.Undefined();
    a.Set(i, t);
  }
  return a;
}

bool read_tolerance(Napi::Env env, Napi::Value v, const char* what, double* out) {
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && isfinite(d))) {
    throw_type(env, std::string(what) + " must be a finite non-negative number");
    return false;
  }
  *out = d;
  return true;
}

Napi::Value CheckBundled(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProgramWrap* w = loaded_arg(info);
  if (w == nullptr) return env.Undefined();
  uint64_t index = 0;
  double rtol = 0, atol = 0;
  if (!read_index(env, info[1], 4294967295.0, "caseIndex", &index) || !read_tolerance(env, info[2], "rtol", &rtol) ||
      !read_tolerance(env, info[3], "atol", &atol)) {
    return env.Undefined();
  }
  Napi::Object spec = Napi::Object::New(env);
  spec.Set("bundledCase", Napi::Number::New(env, static_cast<double>(index)));
  if (!apply_inputs(env, w, spec) || !execute(env, w)) return env.Undefined();
  Diag diag;
  Error err = Error::Ok;
  std::vector<OutputCheck> checks = w->session->check_bundled(static_cast<uint32_t>(index), rtol, atol, &diag, &err);
  if (err != Error::Ok) return throw_runtime(env, err, diag);
  Napi::Array a = Napi::Array::New(env, checks.size());
  for (uint32_t i = 0; i < checks.size(); i++) {
    const OutputCheck& c = checks[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("output", Napi::Number::New(env, i));
    o.Set("pass", Napi::Boolean::New(env, c.pass));
    o.Set("maxAbsErr", Napi::Number::New(env, c.max_abs_err));
    o.Set("maxRelErr", Napi::Number::New(env, c.max_rel_err));
    o.Set("cosine", Napi::Number::New(env, c.cosine));
    const bool has_reason = !c.pass && c.reason != nullptr && c.reason[0] != 0;
    o.Set("reason", has_reason ? Napi::Value(Napi::String::New(env, c.reason)) : env.Null());
    a.Set(i, o);
  }
  return a;
}

Napi::Value Profile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProgramWrap* w = loaded_arg(info);
  if (w == nullptr) return env.Undefined();
  uint64_t iterations = 0;
  if (!read_index(env, info[1], 1e9, "iterations", &iterations)) return env.Undefined();
  if (iterations == 0) return throw_type(env, "iterations must be at least 1");
  if (!apply_inputs(env, w, info[2])) return env.Undefined();
  Session& s = *w->session;
  s.enable_profiling(true);
  s.reset_profile();
  for (uint64_t i = 0; i < iterations; i++) {
    if (!execute(env, w)) {
      s.enable_profiling(false);
      return env.Undefined();
    }
  }
  std::vector<runner::InstructionProfile> entries = s.profile();
  s.enable_profiling(false);
  std::stable_sort(entries.begin(), entries.end(), [](const runner::InstructionProfile& a, const runner::InstructionProfile& b) {
    return a.chain != b.chain ? a.chain < b.chain : a.instruction < b.instruction;
  });
  Napi::Array a = Napi::Array::New(env, entries.size());
  for (uint32_t i = 0; i < entries.size(); i++) {
    const runner::InstructionProfile& e = entries[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("chain", Napi::Number::New(env, e.chain));
    o.Set("instruction", Napi::Number::New(env, e.instruction));
    o.Set("name", Napi::String::New(env, e.name));
    o.Set("kind", Napi::String::New(env, e.delegate ? "delegate" : "kernel"));
    o.Set("backend", e.delegate ? Napi::Value(Napi::String::New(env, e.backend)) : env.Null());
    o.Set("calls", Napi::Number::New(env, static_cast<double>(e.calls)));
    o.Set("totalNs", Napi::Number::New(env, static_cast<double>(e.total_ticks)));
    a.Set(i, o);
  }
  return a;
}

Napi::Value MemoryStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProgramWrap* w = loaded_arg(info);
  if (w == nullptr) return env.Undefined();
  Session& s = *w->session;
  Napi::Object o = Napi::Object::New(env);
  o.Set("plannedBytes", size_array(env, s.planned_bytes()));
  o.Set("methodAllocatorBytes", Napi::Number::New(env, static_cast<double>(s.method_allocator_bytes())));
  o.Set("tempAllocatorPeakBytes", Napi::Number::New(env, static_cast<double>(s.temp_allocator_peak_bytes())));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  AddonData* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // deleted with the environment
  data->program_class = Napi::Persistent(ProgramWrap::define(env));

  struct Export {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  };
  const Export fns[] = {
      {"setErrorClass", SetErrorClass}, {"version", Version},
      {"capabilities", Capabilities},   {"openProgram", OpenProgram},
      {"closeProgram", CloseProgram},   {"programMethods", ProgramMethods},
      {"defaultMethod", DefaultMethod}, {"isBundled", IsBundled},
      {"programSha256", ProgramSha256}, {"loadMethod", LoadMethod},
      {"run", Run},                     {"checkBundled", CheckBundled},
      {"profile", Profile},             {"memoryStats", MemoryStats},
  };
  for (const Export& e : fns) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  return exports;
}

}  // namespace
}  // namespace node
}  // namespace etb

Napi::Object EtbInitAddon(Napi::Env env, Napi::Object exports) { return etb::node::Init(env, exports); }

NODE_API_MODULE(etbench_native, EtbInitAddon)
