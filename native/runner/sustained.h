// Sustained mode (etrun --sustained SECONDS): executes back to back for that
// long and summarises them per window of --window seconds (default 1), with
// the device's conditions read as each window closes, so a run of minutes
// shows latency against time next to temperatures and clocks (throttling).
//
//   SustainedReport rep;
//   Error e = run_sustained(session, batch, 60, 1, &samples_ms, &rep, &diag);
#pragma once
#include <stddef.h>

#include <vector>

#include "runner/conditions.h"
#include "runner/session.h"

namespace etb {
namespace runner {

struct SustainedWindow {
  double t_s = 0;    // window start, seconds since the sustained run began
  double end_s = 0;  // when it closed (its last sample ended)
  size_t n = 0;      // samples in it (each a batch of executes)
  double p50_ms = 0, p90_ms = 0;
  Conditions conditions;  // read when the window closed, outside any timed execute
};

struct SustainedReport {
  double seconds = 0;
  double window_s = 1;
  std::vector<SustainedWindow> windows;
};

// Groups timed samples into windows as they arrive. A window closes with the first sample
// that ends at least window_s after it opened; the next opens where the caller says (after
// the conditions are read), so none is empty and their times increase.
class Windows {
 public:
  explicit Windows(double window_s) : window_s_(window_s) {}
  // Adds a sample that ended at end_s (seconds since the start); true when it closed a window
  // (then list().back() is that window). `last` closes the window whatever its length.
  bool add(double end_s, double ms, bool last);
  // Where the next window begins (default: the end of the one just closed).
  void open_at(double t_s) { opened_ = t_s; }
  std::vector<SustainedWindow>& list() { return windows_; }

 private:
  double window_s_;
  double opened_ = 0;
  std::vector<double> current_;
  std::vector<SustainedWindow> windows_;
};

// Times samples of `batch` executes (inputs restored before each, as the ordinary loop does)
// until `seconds` have passed; appends per-execute milliseconds to *samples_ms.
Error run_sustained(Session& s, int batch, double seconds, double window_s, std::vector<double>* samples_ms,
                    SustainedReport* out, Diag* diag);

// {seconds, window_s, windows: [{t_s, end_s, n, p50_ms, p90_ms, conditions}]}
void write_sustained(JsonWriter& w, const SustainedReport& r);

}  // namespace runner
}  // namespace etb
