// The `XnnpackBackend` delegate: runs XNNPACK-delegated subgraphs (payload
// format: docs/backends.md, shared xnnpack-delegate.md) with this runtime's
// own kernels. No XNNPACK library is involved.
//
//   etb::BackendRegistry backends;
//   etb::register_xnnpack_backend(backends);
#pragma once
#include "runtime/backend.h"

namespace etb {

// The name real programs use in BackendDelegate.id.
constexpr const char kXnnpackBackendName[] = "XnnpackBackend";

// Adds the process-wide XnnpackBackend instance to `registry`.
Error register_xnnpack_backend(BackendRegistry& registry);

}  // namespace etb
