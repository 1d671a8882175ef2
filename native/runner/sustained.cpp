#include "runner/sustained.h"

#include <algorithm>

#include "runner/json.h"
#include "runner/stats.h"
#include "runtime/platform.h"

namespace etb {
namespace runner {
namespace {

double seconds_since(uint64_t start) { return double(etb_platform_ticks() - start) / 1e9; }

}  // namespace

bool Windows::add(double end_s, double ms, bool last) {
  current_.push_back(ms);
  if (end_s - opened_ < window_s_ && !last) return false;
  SustainedWindow w;
  w.t_s = opened_;
  w.end_s = end_s;
  w.n = current_.size();
  std::sort(current_.begin(), current_.end());
  w.p50_ms = nearest_rank(current_, 50);
  w.p90_ms = nearest_rank(current_, 90);
  windows_.push_back(w);
  current_.clear();
  opened_ = end_s;
  return true;
}

Error run_sustained(Session& s, int batch, double seconds, double window_s, std::vector<double>* samples_ms,
                    SustainedReport* out, Diag* diag) {
  out->seconds = seconds;
  out->window_s = window_s;
  Windows windows(window_s);
  uint64_t start = etb_platform_ticks();
  for (bool done = false; !done;) {
    ETB_RETURN_IF_ERROR(s.restore_inputs(diag));
    uint64_t a = etb_platform_ticks();
    for (int k = 0; k < batch; k++) ETB_RETURN_IF_ERROR(s.execute(diag));
    uint64_t b = etb_platform_ticks();
    double ms = double(b - a) / 1e6 / batch;
    samples_ms->push_back(ms);
    double now = double(b - start) / 1e9;
    done = now >= seconds;
    if (windows.add(now, ms, done)) {
      // Read between samples, so the files' cost never lands inside a timed execute.
      windows.list().back().conditions = read_conditions();
      windows.open_at(seconds_since(start));
    }
  }
  out->windows = std::move(windows.list());
  return Error::Ok;
}

void write_sustained(JsonWriter& w, const SustainedReport& r) {
  w.begin_object().key("seconds").value(r.seconds).key("window_s").value(r.window_s).key("windows").begin_array();
  for (const SustainedWindow& x : r.windows) {
    w.begin_object().key("t_s").value(x.t_s).key("end_s").value(x.end_s).key("n").value(uint64_t(x.n));
    w.key("p50_ms").value(x.p50_ms).key("p90_ms").value(x.p90_ms).key("conditions");
    write_conditions(w, x.conditions);
    w.end_object();
  }
  w.end_array().end_object();
}

}  // namespace runner
}  // namespace etb
