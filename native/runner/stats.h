// Latency statistics as the runner contract defines them: nearest-rank
// percentiles, sample standard deviation (n - 1).
#pragma once
#include <vector>

namespace etb {
namespace runner {

struct LatencyStats {
  double min = 0, p50 = 0, p90 = 0, p99 = 0, mean = 0, stddev = 0;
};

// The p-th percentile: the sample at 1-based position ceil(p/100 * n).
double nearest_rank(const std::vector<double>& sorted, double p);
LatencyStats summarize(std::vector<double> samples);

}  // namespace runner
}  // namespace etb
