#include "backends/xnnpack/xnnpack_backend.h"

#include "backends/xnnpack/xnn_graph.h"

namespace etb {
namespace {

class XnnpackBackend final : public Backend {
 public:
  bool is_available() const override { return true; }

  // Decode, check and plan once; everything the graph keeps lives in the
  // method allocator, so a too-small allocator fails with
  // MemoryAllocationFailed (hosts grow it and retry) and destroy() frees nothing.
  Result<void*> init(BackendInitContext& ctx, FreeableBuffer* payload, Span<const CompileSpec> specs) override {
    (void)specs;  // real XNNPACK payloads carry none
    auto g = xnn::decode_payload(Span<const uint8_t>(payload->data, payload->size), ctx.program, ctx.method_allocator,
                                 ctx.diag);
    if (!g.ok()) return g.error();
    ETB_RETURN_IF_ERROR(xnn::check_graph(**g, ctx.diag));
    ETB_RETURN_IF_ERROR(xnn::plan_graph(**g, ctx.method_allocator, 1, ctx.diag, ctx.packs));
    return static_cast<void*>(*g);
  }

  Error execute(BackendExecuteContext& ctx, void* handle, Span<EValue*> args) override {
    if (handle == nullptr) return fail(ctx.diag, Error::DelegateInvalidHandle, "xnnpack: null delegate handle");
    return xnn::run_graph(*static_cast<xnn::Graph*>(handle), args, ctx.threads, ctx.diag, &ctx);
  }
};

XnnpackBackend& instance() {
  static XnnpackBackend backend;
  return backend;
}

}  // namespace

Error register_xnnpack_backend(BackendRegistry& registry) { return registry.add(kXnnpackBackendName, &instance()); }

}  // namespace etb
