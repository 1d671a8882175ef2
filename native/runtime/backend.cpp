#include "runtime/backend.h"

#include <string.h>

namespace etb {

Error BackendRegistry::add(const char* name, Backend* backend) {
  if (find(name, strlen(name)) != nullptr) return Error::RegistrationAlreadyRegistered;
  if (count_ == ETB_MAX_BACKENDS) return Error::RegistrationExceedingMaxKernels;
  names_[count_] = name;
  backends_[count_] = backend;
  count_++;
  return Error::Ok;
}

Backend* BackendRegistry::find(const char* name, size_t name_len) const {
  for (size_t i = 0; i < count_; i++) {
    if (strlen(names_[i]) == name_len && memcmp(names_[i], name, name_len) == 0) return backends_[i];
  }
  return nullptr;
}

namespace {

struct StaticTable {
  const char* names[ETB_MAX_BACKENDS];
  Backend* backends[ETB_MAX_BACKENDS];
  size_t count;
  bool overflow;
};

// Zero-initialised before any constructor runs (static storage, no constructor of its own), so
// a StaticBackend in any translation unit can record into it whatever the initialisation order.
StaticTable g_static;

}  // namespace

StaticBackend::StaticBackend(const char* name, Backend* backend) {
  if (g_static.count == ETB_MAX_BACKENDS) {
    g_static.overflow = true;
    return;
  }
  g_static.names[g_static.count] = name;
  g_static.backends[g_static.count] = backend;
  g_static.count++;
}

Error add_static_backends(BackendRegistry& r, const char** failed_name) {
  if (failed_name != nullptr) *failed_name = nullptr;
  if (g_static.overflow) return Error::RegistrationExceedingMaxKernels;
  for (size_t i = 0; i < g_static.count; i++) {
    Error e = r.add(g_static.names[i], g_static.backends[i]);
    if (e != Error::Ok) {
      if (failed_name != nullptr) *failed_name = g_static.names[i];
      return e;
    }
  }
  return Error::Ok;
}

}  // namespace etb
