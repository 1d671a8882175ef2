#include "runner/report.h"

#include <string.h>

#include "kernels/ops_table.h"
#include "runner/device_info.h"
#include "runner/json.h"
#include "runtime/half.h"

#ifndef ETB_VERSION
#define ETB_VERSION "0.1.0"
#endif
#ifndef ETB_GIT
#define ETB_GIT "unknown"
#endif
#ifndef ETB_BUILD
#define ETB_BUILD "release"
#endif

namespace etb {
namespace runner {
namespace {

template <typename T>
T at(const std::vector<uint8_t>& b, size_t i) {
  T v;
  memcpy(&v, b.data() + i * sizeof(T), sizeof(T));
  return v;
}

void write_runtime(JsonWriter& w) {
  w.key("runtime").begin_object();
  w.key("version").value(ETB_VERSION);
  w.key("git").value(ETB_GIT);
  w.key("isa").begin_array();
  for (const std::string& f : isa_features()) w.value(f);
  w.end_array();
  w.key("build").value(ETB_BUILD);
  w.end_object();
}

}  // namespace

const char* runtime_version() { return ETB_VERSION; }
const char* runtime_git() { return ETB_GIT; }

void write_tensor(JsonWriter& w, const TensorData& t) {
  w.begin_object();
  w.key("dtype").value(scalar_type_name(t.dtype));
  w.key("shape").begin_array();
  for (int32_t s : t.shape) w.value(int64_t(s));
  w.end_array();
  w.key("data").begin_array();
  size_t n = element_size(t.dtype) ? t.bytes.size() / element_size(t.dtype) : 0;
  for (size_t i = 0; i < n; i++) {
    switch (t.dtype) {
      case ScalarType::Float: w.value(double(at<float>(t.bytes, i))); break;
      case ScalarType::Double: w.value(at<double>(t.bytes, i)); break;
      case ScalarType::Half: w.value(double(half_to_float(at<uint16_t>(t.bytes, i)))); break;
      case ScalarType::BFloat16: w.value(double(bf16_to_float(at<uint16_t>(t.bytes, i)))); break;
      case ScalarType::Bool: w.value(at<uint8_t>(t.bytes, i) != 0); break;
      case ScalarType::Char: w.value(int64_t(at<int8_t>(t.bytes, i))); break;
      case ScalarType::Short: w.value(int64_t(at<int16_t>(t.bytes, i))); break;
      case ScalarType::Int: w.value(int64_t(at<int32_t>(t.bytes, i))); break;
      case ScalarType::Long: w.value(at<int64_t>(t.bytes, i)); break;
      case ScalarType::UInt16: w.value(uint64_t(at<uint16_t>(t.bytes, i))); break;
      case ScalarType::UInt32: w.value(uint64_t(at<uint32_t>(t.bytes, i))); break;
      case ScalarType::UInt64: w.value(at<uint64_t>(t.bytes, i)); break;
      default: w.value(uint64_t(t.bytes[i * element_size(t.dtype)])); break;
    }
  }
  w.end_array();
  w.end_object();
}

std::string report_json(const Report& r) {
  const Options& o = *r.options;
  JsonWriter w;
  w.begin_object();
  w.key("schema_version").value(1);
  write_runtime(w);
  DeviceInfo d = device_info();
  w.key("device").begin_object();
  if (d.unit_id.empty()) w.key("unit_id").null(); else w.key("unit_id").value(d.unit_id);
  w.key("os").value(d.os).key("arch").value(d.arch).key("cpu_model").value(d.cpu_model).key("cores").value(d.cores);
  w.end_object();
  w.key("program").begin_object();
  w.key("path").value(r.program_path);
  if (r.sha256.empty()) w.key("sha256").null(); else w.key("sha256").value(r.sha256);
  if (r.method.empty()) w.key("method").null(); else w.key("method").value(r.method);
  w.end_object();
  w.key("config").begin_object();
  w.key("kernels").value(o.kernels);
  w.key("backends").begin_array();
  for (const std::string& b : o.backends) w.value(b);
  w.end_array();
  w.key("threads").value(o.threads).key("warmup").value(o.warmup).key("iterations").value(o.iterations);
  w.key("min_seconds").value(o.min_seconds).key("inputs").value(r.inputs).key("case");
  if (r.inputs == "bundled") w.value(o.case_index); else w.null();
  // Always written (0 on ordinary runs), so a deliberately slowed result is visibly marked.
  w.key("inject_slowdown_pct").value(o.inject_slowdown_pct);
  w.end_object();
  w.key("load_ms").value(r.load_ms).key("init_ms").value(r.init_ms);
  w.key("latency_ms");
  if (r.measured) {
    LatencyStats s = summarize(r.samples_ms);
    w.begin_object().key("samples").begin_array();
    for (double x : r.samples_ms) w.value(x);
    w.end_array();
    w.key("batch").value(r.batch).key("min").value(s.min).key("p50").value(s.p50).key("p90").value(s.p90);
    w.key("p99").value(s.p99).key("mean").value(s.mean).key("stddev").value(s.stddev).end_object();
  } else {
    w.null();
  }
  w.key("memory").begin_object().key("planned_bytes").begin_array();
  for (size_t b : r.planned_bytes) w.value(uint64_t(b));
  w.end_array();
  w.key("method_allocator_bytes").value(uint64_t(r.method_allocator_bytes));
  w.key("temp_allocator_peak_bytes").value(uint64_t(r.temp_allocator_peak_bytes));
  uint64_t rss = peak_rss_bytes();
  if (rss) w.key("peak_rss_bytes").value(rss); else w.key("peak_rss_bytes").null();
  w.end_object();
  w.key("correctness");
  if (r.has_correctness) {
    w.begin_array();
    for (const CorrectnessEntry& c : r.correctness) {
      w.begin_object().key("output").value(uint64_t(c.output)).key("pass").value(c.pass);
      w.key("max_abs_err").value(c.max_abs_err).key("max_rel_err").value(c.max_rel_err).key("cosine").value(c.cosine);
      w.key("rtol").value(o.rtol).key("atol").value(o.atol).end_object();
    }
    w.end_array();
  } else {
    w.null();
  }
  w.key("outputs");
  if (r.print_outputs) {
    w.begin_array();
    for (const TensorData& t : r.outputs) write_tensor(w, t);
    w.end_array();
  } else {
    w.null();
  }
  w.key("op_profile");
  uint64_t delegate_ns = 0, total_ns = 0;
  if (r.has_profile) {
    w.begin_array();
    for (const InstructionProfile& p : r.profile) {
      w.begin_object().key("chain").value(uint64_t(p.chain)).key("instruction").value(uint64_t(p.instruction));
      w.key("name").value(p.name).key("kind").value(p.delegate ? "delegate" : "kernel");
      if (p.delegate) w.key("backend").value(p.backend); else w.key("backend").null();
      w.key("calls").value(p.calls).key("total_ns").value(p.total_ticks).end_object();
      total_ns += p.total_ticks;
      if (p.delegate) delegate_ns += p.total_ticks;
    }
    w.end_array();
  } else {
    w.null();
  }
  w.key("delegate_fraction");
  if (r.has_profile && total_ns > 0) w.value(double(delegate_ns) / double(total_ns)); else w.null();
  w.key("cycles").null().key("trials").null().key("conditions").null().key("generation");
  if (r.generation != nullptr) write_generation(w, *r.generation); else w.null();
  // An extension of version 1 (docs/cli.md): consumers that do not know it ignore it.
  w.key("sustained");
  if (r.sustained != nullptr) write_sustained(w, *r.sustained); else w.null();
  w.key("error");
  if (r.error_code != 0) {
    w.begin_object().key("code").value(r.error_code).key("name").value(r.error_name);
    w.key("message").value(r.error_message).end_object();
  } else {
    w.null();
  }
  w.end_object();
  return w.str() + "\n";
}

std::string capabilities_json() {
  JsonWriter w;
  w.begin_object();
  w.key("schema_version").value(1);
  write_runtime(w);
  static const char* kSets[] = {"prim", "portable", "quantized", "optimized"};
  w.key("kernel_sets").begin_array();
  for (const char* set : kSets) {
    w.begin_object().key("name").value(set).key("operators").begin_array();
    for (size_t i = 0; i < kNumOps; i++) {
      std::string sets = std::string(",") + kOps[i].sets + ",";
      if (sets.find(std::string(",") + set + ",") == std::string::npos) continue;
      w.begin_object().key("name").value(kOps[i].name).key("schema").value(kOps[i].schema);
      w.key("dtypes").begin_array();
      std::string dtypes = kOps[i].dtypes;
      size_t start = 0;
      while (start < dtypes.size()) {
        size_t comma = dtypes.find(',', start);
        if (comma == std::string::npos) comma = dtypes.size();
        w.value(dtypes.substr(start, comma - start));
        start = comma + 1;
      }
      w.end_array().end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();
  w.key("backends").begin_array();
  for (const std::string& b : available_backends()) w.value(b);
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

}  // namespace runner
}  // namespace etb
