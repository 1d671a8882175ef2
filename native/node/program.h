// The program handle the Node addon gives JavaScript, and the checked steps
// every export that touches a Session goes through (addon.cpp).
//
//   ProgramWrap* w = etb::node::loaded_arg(info);        // info[0]: handle with a loaded method
//   if (w == nullptr) return env.Undefined();             // TypeError or EtRuntimeError pending
//   if (!etb::node::apply_inputs(env, w, info[1]) || !etb::node::execute(env, w)) return env.Undefined();
//
// Session dereferences without checking; these functions check every
// precondition (open, method loaded, bundled, inputs set) first.
#pragma once
#include <napi.h>
#include <stdint.h>

#include <algorithm>
#include <memory>

#include "runner/session.h"

namespace etb {
namespace node {

// The opaque program handle JavaScript holds. The Session is freed when the
// handle is garbage collected or closeProgram() is called.
class ProgramWrap : public Napi::ObjectWrap<ProgramWrap> {
 public:
  static Napi::Function define(Napi::Env env) { return DefineClass(env, "EtbenchProgram", {}); }
  explicit ProgramWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ProgramWrap>(info) {}

  using Napi::ObjectWrap<ProgramWrap>::Finalize;
  void Finalize(Napi::Env env) override { account(env); }

  // Tells V8 how much native memory this handle keeps alive, so that a loop
  // opening programs triggers garbage collection before the machine runs out.
  // The Session does not report what it reserved; this mirrors session.cpp's
  // pools (method pool >= 1 MiB, temp pool 8 MiB, planned arenas, the copy of
  // the bytes).
  void account(Napi::Env env) {
    int64_t bytes = 0;
    if (session) {
      bytes += static_cast<int64_t>(program_bytes);
      if (method_loaded) {
        for (size_t b : session->planned_bytes()) bytes += static_cast<int64_t>(b);
        bytes += static_cast<int64_t>(std::max<size_t>(session->method_allocator_bytes(), size_t(1) << 20));
        bytes += int64_t(8) << 20;
      }
    }
    if (bytes != external_bytes_) Napi::MemoryManagement::AdjustExternalMemory(env, bytes - external_bytes_);
    external_bytes_ = bytes;
  }

  std::unique_ptr<runner::Session> session;  // null once closed (or when constructed from JavaScript)
  size_t program_bytes = 0;          // size of the bytes opened
  bool method_loaded = false;        // Session keeps a stale name after a failed load
  bool inputs_set = false;           // executing with unset unplanned inputs would read null

 private:
  int64_t external_bytes_ = 0;
};

// info[0] as an open program; null (exception pending) otherwise.
ProgramWrap* handle_arg(const Napi::CallbackInfo& info);
// Same, and a method must be loaded.
ProgramWrap* loaded_arg(const Napi::CallbackInfo& info);
// Sets the inputs from a RunInputs value (tensors, {random}, {bundledCase}),
// or, for null/undefined, the runner's default: bundled case 0 for a bundled
// program with cases, random:0 otherwise.
bool apply_inputs(Napi::Env env, ProgramWrap* w, Napi::Value spec);
// Executes once; the inputs must have been set.
bool execute(Napi::Env env, ProgramWrap* w);

}  // namespace node
}  // namespace etb
