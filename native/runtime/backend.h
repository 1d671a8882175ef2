// Backend delegates: the interface a vendor implements, and the registry a
// Method resolves `BackendDelegate.id` against at load.
//
//   class MyBackend final : public etb::Backend { ... };
//   static MyBackend backend;
//   etb::BackendRegistry backends;
//   backends.add("MyBackend", &backend);
//
// See docs/backends.md. init() runs once per delegate at method
// load and returns an opaque handle; execute() runs on every call with the
// DelegateCall's arguments (inputs then outputs); destroy() runs when the
// Method is destroyed. A backend never throws and never aborts on bad input.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/data_loader.h"
#include "runtime/diag.h"
#include "runtime/evalue.h"
#include "runtime/event_tracer.h"
#include "runtime/memory.h"
#include "runtime/platform.h"
#include "runtime/result.h"
#include "runtime/span.h"

namespace etb {

class Program;

struct CompileSpec {
  StringView key;
  Span<const uint8_t> value;  // points into the program bytes
};

class PackCache;

struct BackendInitContext {
  MemoryAllocator* method_allocator;  // for the handle and anything kept
  const Program* program;             // named data lookups (weights)
  const char* method_name;
  Diag* diag;
  // The method's shared packed constants (runtime/pack_cache.h), so delegates that read one
  // weight pack it once; null when the caller has none. A backend may ignore it.
  PackCache* packs = nullptr;
};

struct BackendExecuteContext {
  MemoryAllocator* temp_allocator;  // reset after the call; may be null
  Diag* diag;
  int threads = 1;  // the method's thread budget (etrun --threads), for backends that parallelise
  // Profiling (etrun --profile): non-null only when the run is traced, so a backend reads the
  // clock only when profiling() is true. `chain`/`instruction` locate this DelegateCall.
  EventTracer* tracer = nullptr;
  uint32_t chain = 0;
  uint32_t instruction = 0;

  bool profiling() const { return tracer != nullptr; }
  // The clock node events are measured with (the one the Method times instructions with).
  static uint64_t ticks() { return etb_platform_ticks(); }
  // Reports one step of the delegate (docs/backends.md "How delegates appear in the profile"):
  // its op_profile entry is named `name` (NUL-terminated, e.g. "mybackend::conv"), with
  // kind "delegate" and this backend as backend. A no-op when not profiling.
  void node_event(uint32_t node, const char* name, uint64_t start, uint64_t end) const {
    if (tracer == nullptr) return;
    uint32_t len = 0;
    while (name[len] != '\0') len++;
    tracer->on_delegate_event(chain, instruction, node, name, len, start, end);
  }
};

class Backend {
 public:
  virtual bool is_available() const = 0;
  // `payload` may be released by the backend after it has copied what it needs.
  virtual Result<void*> init(BackendInitContext& ctx, FreeableBuffer* payload,
                             Span<const CompileSpec> specs) = 0;
  virtual Error execute(BackendExecuteContext& ctx, void* handle, Span<EValue*> args) = 0;
  virtual void destroy(void* handle) { (void)handle; }

 protected:
  ~Backend() = default;
};

#ifndef ETB_MAX_BACKENDS
#define ETB_MAX_BACKENDS 16
#endif

class BackendRegistry {
 public:
  // `backend` is not owned and must outlive every Method that uses it.
  Error add(const char* name, Backend* backend);
  Backend* find(const char* name, size_t name_len) const;
  size_t size() const { return count_; }
  const char* name_at(size_t i) const { return names_[i]; }

 private:
  const char* names_[ETB_MAX_BACKENDS] = {};
  Backend* backends_[ETB_MAX_BACKENDS] = {};
  size_t count_ = 0;
};

// Static registration, for backends linked into a host the vendor does not write (the SDK's
// etrun, docs/backends.md "Vendor path"): a global StaticBackend in the vendor's object file
// records the backend before main runs, and the host copies every recorded backend into its
// registry with add_static_backends(). Only a fixed table (no malloc, no constructors order
// games): constructors may run in any order, the host reads the table after main starts.
//
//   static MyBackend backend;
//   static etb::StaticBackend reg("MyBackend", &backend);
class StaticBackend {
 public:
  StaticBackend(const char* name, Backend* backend);
};

// Adds every statically recorded backend to `r`. Fails with RegistrationExceedingMaxKernels
// when more than ETB_MAX_BACKENDS were recorded, RegistrationAlreadyRegistered on a name `r`
// already has (e.g. a vendor backend called "XnnpackBackend"); `failed_name` then names it.
Error add_static_backends(BackendRegistry& r, const char** failed_name);

}  // namespace etb
