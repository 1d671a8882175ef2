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

}  // namespace etb
