// Facts about the machine a measurement ran on (the JSON's runtime.isa and
// device fields).
#pragma once
#include <stdint.h>

#include <string>
#include <vector>

namespace etb {
namespace runner {

struct DeviceInfo {
  std::string unit_id;  // empty when unknown
  std::string os;
  std::string arch;
  std::string cpu_model;
  int cores = 0;
};

DeviceInfo device_info();
std::vector<std::string> isa_features();
// Peak resident set size of this process in bytes; 0 when unknown.
uint64_t peak_rss_bytes();

}  // namespace runner
}  // namespace etb
