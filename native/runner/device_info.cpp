#include "runner/device_info.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace etb {
namespace runner {
namespace {

std::string read_first_line(const char* path) {
  FILE* f = fopen(path, "r");
  if (f == nullptr) return "";
  char buf[256] = {0};
  if (fgets(buf, sizeof(buf), f) == nullptr) buf[0] = 0;
  fclose(f);
  size_t n = strlen(buf);
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = 0;
  return buf;
}

std::string cpu_model() {
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (f == nullptr) return "";
  char line[512];
  std::string model;
  while (fgets(line, sizeof(line), f) != nullptr) {
    if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Hardware", 8) == 0) {
      const char* colon = strchr(line, ':');
      if (colon != nullptr) {
        model = colon + 1;
        while (!model.empty() && (model[0] == ' ' || model[0] == '\t')) model.erase(0, 1);
        while (!model.empty() && (model.back() == '\n' || model.back() == ' ')) model.pop_back();
        break;
      }
    }
  }
  fclose(f);
  return model;
}

}  // namespace

DeviceInfo device_info() {
  DeviceInfo d;
  d.unit_id = read_first_line("/etc/machine-id");
  struct utsname u;
  if (uname(&u) == 0) {
    d.os = u.sysname;
    for (char& c : d.os) c = char(c >= 'A' && c <= 'Z' ? c + 32 : c);
    d.arch = u.machine;
  }
  d.cpu_model = cpu_model();
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  d.cores = n > 0 ? int(n) : 0;
  return d;
}

std::vector<std::string> isa_features() {
  std::vector<std::string> f;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) f.push_back("sse4.2");
  if (__builtin_cpu_supports("avx")) f.push_back("avx");
  if (__builtin_cpu_supports("avx2")) f.push_back("avx2");
  if (__builtin_cpu_supports("fma")) f.push_back("fma");
  if (__builtin_cpu_supports("avx512f")) f.push_back("avx512f");
  if (__builtin_cpu_supports("avx512bw")) f.push_back("avx512bw");
  if (__builtin_cpu_supports("avx512vnni")) f.push_back("avx512vnni");
#elif defined(__aarch64__)
  f.push_back("neon");
#endif
  return f;
}

uint64_t peak_rss_bytes() {
  struct rusage r;
  if (getrusage(RUSAGE_SELF, &r) != 0) return 0;
  return uint64_t(r.ru_maxrss) * 1024;
}

}  // namespace runner
}  // namespace etb
