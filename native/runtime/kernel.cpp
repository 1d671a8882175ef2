#include "runtime/kernel.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

namespace etb {

Error KernelContext::fail(Error error, const char* fmt, ...) {
  if (diag_ != nullptr && !diag_->has_message) {
    int n = snprintf(diag_->message, Diag::kCapacity, "%s: ", op_name_);
    if (n < 0) n = 0;
    if (size_t(n) < Diag::kCapacity) {
      va_list args;
      va_start(args, fmt);
      vsnprintf(diag_->message + n, Diag::kCapacity - size_t(n), fmt, args);
      va_end(args);
    }
    diag_->has_message = true;
  }
  return error;
}

const char* kernel_set_name(KernelSet set) {
  switch (set) {
    case KernelSet::Prim: return "prim";
    case KernelSet::Portable: return "portable";
    case KernelSet::Quantized: return "quantized";
    case KernelSet::Optimized: return "optimized";
    case KernelSet::Fused: return "fused";
  }
  return "unknown";
}

Error KernelRegistry::add(const KernelEntry& entry) {
  for (size_t i = 0; i < count_; i++) {
    if (entries_[i].set == entry.set && strcmp(entries_[i].name, entry.name) == 0) {
      return Error::RegistrationAlreadyRegistered;
    }
  }
  if (count_ == ETB_MAX_KERNELS) return Error::RegistrationExceedingMaxKernels;
  entries_[count_++] = entry;
  return Error::Ok;
}

const KernelEntry* KernelRegistry::find(const char* name, size_t name_len, KernelSet preferred) const {
  const KernelEntry* fallback = nullptr;
  for (size_t i = 0; i < count_; i++) {
    const KernelEntry& e = entries_[i];
    if (e.set == KernelSet::Fused || strlen(e.name) != name_len || memcmp(e.name, name, name_len) != 0) continue;
    if (e.set == preferred || e.set == KernelSet::Prim || e.set == KernelSet::Quantized) return &e;
    if (e.set == KernelSet::Portable) fallback = &e;
  }
  return fallback;
}

const KernelEntry* KernelRegistry::find_in_set(const char* name, KernelSet set) const {
  for (size_t i = 0; i < count_; i++) {
    if (entries_[i].set == set && strcmp(entries_[i].name, name) == 0) return &entries_[i];
  }
  return nullptr;
}

}  // namespace etb
