#include "runner/conditions.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include "runner/json.h"

namespace etb {
namespace runner {
namespace {

// At most `cap` bytes of a small kernel file, trailing newline removed; false when it cannot be read.
bool read_small(const std::string& path, std::string* out, size_t cap = 256) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[512];
  if (cap > sizeof(buf)) cap = sizeof(buf);
  ssize_t n = read(fd, buf, cap);
  close(fd);
  if (n <= 0) return false;
  out->assign(buf, size_t(n));
  while (!out->empty() && (out->back() == '\n' || out->back() == '\r' || out->back() == ' ')) out->pop_back();
  return !out->empty();
}

bool read_integer(const std::string& path, int64_t* out) {
  std::string text;
  if (!read_small(path, &text, 64)) return false;
  char* end = nullptr;
  long long v = strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != 0) return false;
  *out = int64_t(v);
  return true;
}

// The numbers N of the entries named PREFIX<N> in `dir`, sorted, at most `limit`.
std::vector<int> numbered_entries(const std::string& dir, const char* prefix, int limit) {
  std::vector<int> found;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return found;
  size_t len = strlen(prefix);
  // Bounded too: a directory can list entries that are not ours (cpufreq, cpuidle, ...).
  for (int seen = 0; seen < 8 * limit; seen++) {
    struct dirent* e = readdir(d);
    if (e == nullptr) break;
    const char* name = e->d_name;
    if (strncmp(name, prefix, len) != 0 || name[len] < '0' || name[len] > '9') continue;
    char* end = nullptr;
    long n = strtol(name + len, &end, 10);
    if (*end != 0 || n < 0 || n > 1 << 20) continue;
    found.push_back(int(n));
    if (int(found.size()) >= limit) break;
  }
  closedir(d);
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

Conditions read_conditions(const std::string& root) {
  Conditions c;
  const std::string thermal = root + "/sys/class/thermal";
  for (int z : numbered_entries(thermal, "thermal_zone", kMaxZones)) {
    ThermalReading r;
    r.zone = "thermal_zone" + std::to_string(z);
    int64_t raw = 0;
    // A zone whose sensor is off or asleep fails the read (EINVAL, EAGAIN): leave it out.
    if (!read_integer(thermal + "/" + r.zone + "/temp", &raw)) continue;
    read_small(thermal + "/" + r.zone + "/type", &r.type, 64);
    // The kernel's unit is millidegrees Celsius; a few Android vendor zones report whole
    // degrees, which no real sensor would give as a value above 1000 in millidegrees.
    r.celsius = (raw > 1000 || raw < -1000) ? double(raw) / 1000.0 : double(raw);
    c.thermal.push_back(r);
  }
  const std::string cpus = root + "/sys/devices/system/cpu";
  for (int cpu : numbered_entries(cpus, "cpu", kMaxCpus)) {
    CpuFrequency f;
    f.cpu = cpu;
    if (read_integer(cpus + "/cpu" + std::to_string(cpu) + "/cpufreq/scaling_cur_freq", &f.khz)) c.cpu_freq.push_back(f);
  }
  std::string load;
  if (read_small(root + "/proc/loadavg", &load, 128)) {
    const char* p = load.c_str();
    bool ok = true;
    for (double& x : c.loadavg) {
      char* end = nullptr;
      x = strtod(p, &end);
      ok = ok && end != p;
      p = end;
    }
    c.has_loadavg = ok;
  }
  return c;
}

void write_conditions(JsonWriter& w, const Conditions& c) {
  w.begin_object();
  w.key("thermal");
  if (c.thermal.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (const ThermalReading& r : c.thermal) {
      w.begin_object().key("zone").value(r.zone).key("type").value(r.type).key("celsius").value(r.celsius).end_object();
    }
    w.end_array();
  }
  w.key("cpu_freq_khz");
  if (c.cpu_freq.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (const CpuFrequency& f : c.cpu_freq) w.begin_object().key("cpu").value(f.cpu).key("khz").value(f.khz).end_object();
    w.end_array();
  }
  w.key("loadavg");
  if (c.has_loadavg) {
    w.begin_array().value(c.loadavg[0]).value(c.loadavg[1]).value(c.loadavg[2]).end_array();
  } else {
    w.null();
  }
  w.end_object();
}

}  // namespace runner
}  // namespace etb
