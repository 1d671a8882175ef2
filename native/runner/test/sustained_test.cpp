// Sustained mode's pieces that need no program: the windows samples fall into, and the
// conditions read from a fake /sys and /proc tree (this machine may have no thermal zones or
// cpufreq, phones and boards do).
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "runner/conditions.h"
#include "runner/json.h"
#include "runner/sustained.h"
#include "testing/minitest.h"

using namespace etb::runner;

namespace {

void put(const std::string& path, const char* text) {
  // mkdir -p of the parent, one level at a time.
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    mkdir(path.substr(0, slash).c_str(), 0755);
  }
  FILE* f = fopen(path.c_str(), "w");
  if (f == nullptr) return;
  fputs(text, f);
  fclose(f);
}

std::string fake_root() {
  char dir[] = "/tmp/etb-conditions-XXXXXX";
  return mkdtemp(dir) != nullptr ? dir : "";
}

}  // namespace

TEST(SustainedWindows, CloseAfterTheWindowAndNeverEmpty) {
  Windows w(1.0);
  // Samples end at 0.4, 0.8, 1.2 (closes [0, 1.2]), 1.6, 2.1 (0.9 s: still open), 2.3 (closes
  // [1.2, 2.3]), 2.5 (the last one closes its window early).
  EXPECT_FALSE(w.add(0.4, 4.0, false));
  EXPECT_FALSE(w.add(0.8, 2.0, false));
  EXPECT_TRUE(w.add(1.2, 3.0, false));
  EXPECT_FALSE(w.add(1.6, 10.0, false));
  EXPECT_FALSE(w.add(2.1, 20.0, false));
  EXPECT_TRUE(w.add(2.3, 30.0, false));
  EXPECT_TRUE(w.add(2.5, 7.0, true));
  ASSERT_EQ(w.list().size(), size_t(3));
  EXPECT_EQ(w.list()[0].t_s, 0.0);
  EXPECT_EQ(w.list()[0].end_s, 1.2);
  EXPECT_EQ(w.list()[0].n, size_t(3));
  EXPECT_EQ(w.list()[0].p50_ms, 3.0);  // nearest rank: 2nd of {2, 3, 4}
  EXPECT_EQ(w.list()[0].p90_ms, 4.0);
  EXPECT_EQ(w.list()[1].t_s, 1.2);
  EXPECT_EQ(w.list()[1].end_s, 2.3);
  EXPECT_EQ(w.list()[1].n, size_t(3));
  EXPECT_EQ(w.list()[1].p50_ms, 20.0);
  EXPECT_EQ(w.list()[1].p90_ms, 30.0);
  EXPECT_EQ(w.list()[2].t_s, 2.3);
  EXPECT_EQ(w.list()[2].n, size_t(1));
  EXPECT_EQ(w.list()[2].p50_ms, 7.0);
}

TEST(SustainedWindows, OpensWhereTheCallerSays) {
  Windows w(0.5);
  EXPECT_TRUE(w.add(0.6, 1.0, false));
  w.open_at(0.65);  // the conditions took 50 ms to read
  EXPECT_FALSE(w.add(1.1, 1.0, false));
  EXPECT_TRUE(w.add(1.2, 1.0, false));
  EXPECT_EQ(w.list()[1].t_s, 0.65);
  EXPECT_EQ(w.list()[1].n, size_t(2));
}

TEST(Conditions, ReadsZonesFrequenciesAndLoadFromTheTree) {
  std::string root = fake_root();
  ASSERT_TRUE(!root.empty());
  put(root + "/sys/class/thermal/thermal_zone0/temp", "45500\n");
  put(root + "/sys/class/thermal/thermal_zone0/type", "x86_pkg_temp\n");
  put(root + "/sys/class/thermal/thermal_zone10/temp", "38\n");  // a vendor zone in whole degrees
  put(root + "/sys/class/thermal/thermal_zone10/type", "battery\n");
  put(root + "/sys/class/thermal/thermal_zone2/type", "asleep\n");  // no temp: left out
  put(root + "/sys/class/thermal/cooling_device0/type", "fan\n");   // not a zone
  put(root + "/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1800000\n");
  put(root + "/sys/devices/system/cpu/cpu1/online", "0\n");  // offline: no cpufreq
  put(root + "/sys/devices/system/cpu/cpu2/cpufreq/scaling_cur_freq", "2400000\n");
  put(root + "/sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq", "1\n");  // not a CPU
  put(root + "/proc/loadavg", "0.52 0.41 0.30 2/345 6789\n");
  Conditions c = read_conditions(root);
  ASSERT_EQ(c.thermal.size(), size_t(2));
  EXPECT_EQ(c.thermal[0].zone, std::string("thermal_zone0"));
  EXPECT_EQ(c.thermal[0].type, std::string("x86_pkg_temp"));
  EXPECT_EQ(c.thermal[0].celsius, 45.5);
  EXPECT_EQ(c.thermal[1].zone, std::string("thermal_zone10"));  // numeric order, not 0, 10, 2 by name
  EXPECT_EQ(c.thermal[1].celsius, 38.0);
  ASSERT_EQ(c.cpu_freq.size(), size_t(2));
  EXPECT_EQ(c.cpu_freq[0].cpu, 0);
  EXPECT_EQ(c.cpu_freq[0].khz, int64_t(1800000));
  EXPECT_EQ(c.cpu_freq[1].cpu, 2);
  EXPECT_TRUE(c.has_loadavg);
  EXPECT_EQ(c.loadavg[0], 0.52);
  EXPECT_EQ(c.loadavg[2], 0.30);
  JsonWriter w;
  write_conditions(w, c);
  EXPECT_STR_CONTAINS(w.str().c_str(), "\"cpu_freq_khz\":[{\"cpu\":0,\"khz\":1800000},{\"cpu\":2,\"khz\":2400000}]");
  EXPECT_STR_CONTAINS(w.str().c_str(), "\"loadavg\":[0.52");
  std::string cmd = "rm -rf " + root;
  EXPECT_EQ(system(cmd.c_str()), 0);
}

TEST(Conditions, AnAbsentTreeGivesNullsNotErrors) {
  Conditions c = read_conditions("/nonexistent-etb-root");
  EXPECT_TRUE(c.thermal.empty());
  EXPECT_TRUE(c.cpu_freq.empty());
  EXPECT_FALSE(c.has_loadavg);
  JsonWriter w;
  write_conditions(w, c);
  EXPECT_EQ(w.str(), std::string("{\"thermal\":null,\"cpu_freq_khz\":null,\"loadavg\":null}"));
}

TEST(Conditions, GarbageInAFileIsLeftOut) {
  std::string root = fake_root();
  ASSERT_TRUE(!root.empty());
  put(root + "/sys/class/thermal/thermal_zone0/temp", "hot\n");
  put(root + "/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "\n");
  put(root + "/proc/loadavg", "x y z\n");
  Conditions c = read_conditions(root);
  EXPECT_TRUE(c.thermal.empty());
  EXPECT_TRUE(c.cpu_freq.empty());
  EXPECT_FALSE(c.has_loadavg);
  std::string cmd = "rm -rf " + root;
  EXPECT_EQ(system(cmd.c_str()), 0);
}
