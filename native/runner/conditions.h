// The device's conditions as the kernel reports them on Linux and Android:
// thermal zones, the current frequency of each CPU, the load average. Read
// between timed blocks (the sustained mode's windows, runner/sustained.h).
// Every read is bounded (a few hundred bytes per file, at most kMaxZones
// zones and kMaxCpus CPUs) and fail-soft: what is absent or unreadable is
// left out, and a whole group that yields nothing is null in the JSON.
// Hosted builds only: the microcontroller firmware does not link runner_lib.
#pragma once
#include <stdint.h>

#include <string>
#include <vector>

namespace etb {
namespace runner {

class JsonWriter;

struct ThermalReading {
  std::string zone;  // thermal_zone0, ...
  std::string type;  // the zone's own name (x86_pkg_temp, cpu-0-0-usr, battery, ...); empty when unreadable
  double celsius = 0;
};

struct CpuFrequency {
  int cpu = 0;
  int64_t khz = 0;  // scaling_cur_freq
};

struct Conditions {
  std::vector<ThermalReading> thermal;
  std::vector<CpuFrequency> cpu_freq;  // CPUs whose frequency could be read (offline ones cannot)
  bool has_loadavg = false;
  double loadavg[3] = {0, 0, 0};  // 1, 5 and 15 minutes
};

constexpr int kMaxZones = 64;
constexpr int kMaxCpus = 1024;

// Reads the conditions under `root` ("" for the real /sys and /proc; tests pass a fake tree).
Conditions read_conditions(const std::string& root = "");
// {"thermal": [{zone, type, celsius}] | null, "cpu_freq_khz": [{cpu, khz}] | null, "loadavg": [1, 5, 15] | null}
void write_conditions(JsonWriter& w, const Conditions& c);

}  // namespace runner
}  // namespace etb
