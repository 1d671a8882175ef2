#include "runner/generate.h"

#include <string.h>

#include <algorithm>

#include "runner/exit_codes.h"
#include "runner/inputs.h"
#include "runner/json.h"
#include "runner/mutable_buffers.h"
#include "runner/stats.h"
#include "runtime/platform.h"

namespace etb {
namespace runner {
namespace {

// What the method's signature says about how to drive it.
struct LmShape {
  ScalarType token_dtype = ScalarType::Long, pos_dtype = ScalarType::Long;
  int64_t max_tokens = 0;  // the tokens input's bound on T
  bool start_pos = false;  // input_pos is [1] (the first position) rather than [T]
  int64_t vocab = 0;
};

bool is_index_dtype(ScalarType t) { return t == ScalarType::Long || t == ScalarType::Int; }

std::string shape_text(const IoInfo& io) {
  std::string s = io.kind == Tag::Tensor ? std::string(scalar_type_name(io.dtype)) + " [" : "a non-tensor";
  if (io.kind != Tag::Tensor) return s;
  for (size_t i = 0; i < io.shape.size(); i++) s += (i ? ", " : "") + std::to_string(io.shape[i]);
  return s + "]";
}

// Empty when the method looks like forward(tokens [1, T], input_pos [T] | [1]) -> logits [..., V].
std::string describe_lm(const Session& s, LmShape* lm) {
  std::vector<IoInfo> in = s.inputs(), out = s.outputs();
  const std::string head = "--generate needs a language model's method (tokens [1, T], input_pos [T]) -> logits; '" +
                           s.method_name() + "' ";
  if (in.size() != 2) return head + "takes " + std::to_string(in.size()) + " input(s), not 2";
  const IoInfo& tokens = in[0];
  const IoInfo& pos = in[1];
  if (tokens.kind != Tag::Tensor || !is_index_dtype(tokens.dtype) || tokens.shape.size() != 2 || tokens.shape[0] != 1) {
    return head + "has input 0 " + shape_text(tokens) + ", not int64 or int32 tokens [1, T]";
  }
  if (pos.kind != Tag::Tensor || !is_index_dtype(pos.dtype) || pos.shape.size() != 1 ||
      (pos.shape[0] != tokens.shape[1] && pos.shape[0] != 1)) {
    return head + "has input 1 " + shape_text(pos) + ", not int64 or int32 positions [T] (or a start position [1])";
  }
  if (out.empty() || out[0].kind != Tag::Tensor || out[0].shape.empty() ||
      (out[0].dtype != ScalarType::Float && out[0].dtype != ScalarType::Double)) {
    return head + "returns " + (out.empty() ? std::string("nothing") : shape_text(out[0])) +
           ", not float32 or float64 logits";
  }
  lm->token_dtype = tokens.dtype;
  lm->pos_dtype = pos.dtype;
  lm->max_tokens = tokens.shape[1];
  lm->start_pos = pos.shape[0] == 1 && tokens.shape[1] != 1;
  lm->vocab = out[0].shape.back();
  if (lm->vocab < 1 || lm->max_tokens < 1) return head + "has an empty tokens input or vocabulary";
  return "";
}

TensorData index_tensor(ScalarType dtype, std::vector<int32_t> shape, const std::vector<int64_t>& values) {
  TensorData t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * element_size(dtype));
  for (size_t i = 0; i < values.size(); i++) {
    if (dtype == ScalarType::Long) {
      memcpy(t.bytes.data() + i * 8, &values[i], 8);
    } else {
      int32_t v = int32_t(values[i]);
      memcpy(t.bytes.data() + i * 4, &v, 4);
    }
  }
  return t;
}

// The inputs of one call: `ids` at positions first .. first + ids.size() - 1.
std::vector<TensorData> call_inputs(const LmShape& lm, const std::vector<int64_t>& ids, int64_t first) {
  std::vector<int64_t> positions;
  if (lm.start_pos) {
    positions.push_back(first);
  } else {
    for (size_t i = 0; i < ids.size(); i++) positions.push_back(first + int64_t(i));
  }
  return {index_tensor(lm.token_dtype, {1, int32_t(ids.size())}, ids),
          index_tensor(lm.pos_dtype, {int32_t(positions.size())}, positions)};
}

// Argmax over the first `vocab` logits of the last row (`width` wide) of output 0: the logits
// of the last position, without the padding some exports add to the vocabulary; -1 when the
// output holds no whole row.
int64_t last_row_argmax(const Session& s, int64_t width, int64_t vocab) {
  std::vector<TensorData> outs = s.outputs_data();
  if (outs.empty()) return -1;
  const TensorData& y = outs[0];
  size_t esize = element_size(y.dtype);
  size_t n = esize ? y.bytes.size() / esize : 0;
  if (n < size_t(width) || n % size_t(width) != 0) return -1;
  size_t base = n - size_t(width);
  auto at = [&](size_t i) {
    if (y.dtype == ScalarType::Double) {
      double d;
      memcpy(&d, y.bytes.data() + i * 8, 8);
      return d;
    }
    float f;
    memcpy(&f, y.bytes.data() + i * 4, 4);
    return double(f);
  };
  int64_t best = 0;
  double best_v = at(base);
  // The first maximum wins ties, as torch.argmax does.
  for (int64_t i = 1; i < vocab; i++) {
    double v = at(base + size_t(i));
    if (v > best_v) {
      best_v = v;
      best = i;
    }
  }
  return best;
}

GenerateFailure runtime_failure(Error e, bool at_execute, const Diag& diag, const std::string& when) {
  GenerateFailure f;
  f.code = exit_code_for(e, at_execute);
  f.name = error_name(e);
  f.message = when + ": " + (diag.has_message ? std::string(diag.message) : f.name);
  return f;
}

GenerateFailure usage(const std::string& message) {
  GenerateFailure f;
  f.code = kExitUsage;
  f.name = "InvalidArgument";
  f.message = message;
  return f;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return nearest_rank(xs, 50);
}

void write_distribution(JsonWriter& w, const std::vector<double>& xs) {
  LatencyStats st = summarize(xs);
  w.begin_object().key("samples").begin_array();
  for (double x : xs) w.value(x);
  w.end_array();
  w.key("min").value(st.min).key("p50").value(st.p50).key("p90").value(st.p90).key("p99").value(st.p99);
  w.key("mean").value(st.mean).key("stddev");
  if (xs.size() > 1) w.value(st.stddev); else w.null();
  w.end_object();
}

}  // namespace

std::vector<int64_t> seeded_prompt(uint64_t seed, int count, int64_t vocab_size) {
  SplitMix64 rng(seed);
  std::vector<int64_t> ids;
  for (int i = 0; i < count; i++) ids.push_back(int64_t((rng.next() >> 32) % uint64_t(vocab_size)));
  return ids;
}

int64_t metadata_int(const Session& s, const std::string& path, const SessionOptions& options, const char* method) {
  bool present = false;
  for (const std::string& name : s.method_names()) present = present || name == method;
  if (!present) return 0;  // without opening the file again (which hashes all of it)
  Diag diag;
  std::unique_ptr<Session> meta;
  if (Session::open_file(path, options, &meta, &diag) != Error::Ok) return 0;
  if (meta->load_method(method, &diag) != Error::Ok || meta->execute(&diag) != Error::Ok) return 0;
  std::vector<TensorData> outs = meta->outputs_data();
  if (outs.size() != 1 || outs[0].dtype != ScalarType::Long || outs[0].bytes.size() != 8 || !outs[0].shape.empty()) return 0;
  int64_t v = 0;
  memcpy(&v, outs[0].bytes.data(), 8);
  return v > 0 ? v : 0;
}

GenerateFailure run_generation(Session& s, const GenerateConfig& c, GenerationReport* out) {
  LmShape lm;
  std::string why = describe_lm(s, &lm);
  if (!why.empty()) return usage(why);
  out->prompt_tokens = c.prompt_tokens;
  out->generated_tokens = c.generated_tokens;
  // ExecuTorch's LLM export bounds T at max_seq_len - 1 and says max_seq_len in a method.
  const int64_t bound = c.max_seq_len > 0 ? c.max_seq_len : lm.max_tokens;
  const char* bound_from = c.max_seq_len > 0 ? "get_max_seq_len()" : "the tokens input's bound";
  const int64_t vocab = c.vocab_size > 0 && c.vocab_size <= lm.vocab ? c.vocab_size : lm.vocab;
  out->vocab_size = vocab;
  out->max_seq_len = bound;
  if (c.prompt_tokens > lm.max_tokens) {
    return usage("a prompt of " + std::to_string(c.prompt_tokens) + " tokens does not fit one prefill call: '" +
                 s.method_name() + "' takes at most " + std::to_string(lm.max_tokens) + " tokens");
  }
  if (int64_t(c.prompt_tokens) + c.generated_tokens > bound) {
    return usage("P + G = " + std::to_string(c.prompt_tokens + c.generated_tokens) +
                 " tokens exceed the cache's bound of " + std::to_string(bound) + " positions (" + bound_from + ")");
  }
  out->prompt = c.prompt.empty() ? seeded_prompt(c.seed, c.prompt_tokens, vocab) : c.prompt;
  for (int64_t id : out->prompt) {
    if (id >= vocab) {
      return usage("prompt token " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(vocab) +
                   (c.vocab_size > 0 ? " (get_vocab_size())" : " (the logits' last dimension)"));
    }
  }
  Diag diag;
  MutableBuffers kv;
  Error e = find_mutable_buffers(s, &kv, &diag);
  if (e != Error::Ok) return runtime_failure(e, false, diag, "reading the mutable buffers");
  out->kv_cache_bytes = kv.total_bytes;

  double started_ms = 0;
  for (int rep = 0;; rep++) {
    bool timed = rep >= c.warmup;
    if (timed && rep == c.warmup) started_ms = double(etb_platform_ticks()) / 1e6;
    int done = rep - c.warmup;
    double elapsed_s = (double(etb_platform_ticks()) / 1e6 - started_ms) / 1000;
    if (timed && done >= c.iterations && elapsed_s >= c.min_seconds) break;
    // Every repetition starts from the caches' state at load, as a fresh conversation would.
    if ((e = reset_mutable_buffers(s, kv, &diag)) != Error::Ok) return runtime_failure(e, false, diag, "resetting the KV cache");
    std::vector<int64_t> tokens;
    double decode_ms = 0;
    std::vector<TensorData> inputs = call_inputs(lm, out->prompt, 0);
    for (int k = 0; k < c.generated_tokens; k++) {
      if ((e = s.set_inputs(inputs, &diag)) != Error::Ok) return runtime_failure(e, false, diag, "setting the inputs");
      uint64_t a = etb_platform_ticks();
      if ((e = s.execute(&diag)) != Error::Ok) {
        return runtime_failure(e, true, diag, k == 0 ? "prefill" : "decode step " + std::to_string(k));
      }
      double ms = double(etb_platform_ticks() - a) / 1e6;
      int64_t next = last_row_argmax(s, lm.vocab, vocab);
      if (next < 0) {
        GenerateFailure f;
        f.code = kExitBadProgram;
        f.name = "InvalidProgram";
        f.message = "output 0 holds no whole row of " + std::to_string(lm.vocab) + " logits";
        return f;
      }
      tokens.push_back(next);
      if (timed && k == 0) out->ttft_ms.push_back(ms);
      if (timed && k > 0) {
        out->decode_ms.push_back(ms);
        decode_ms += ms;
      }
      inputs = call_inputs(lm, {next}, int64_t(c.prompt_tokens) + k);
    }
    if (!timed) continue;
    if (c.generated_tokens > 1) out->decode_total_ms.push_back(decode_ms);
    if (out->tokens.empty()) out->tokens = tokens;
    else if (tokens != out->tokens) out->repeatable = false;
  }
  return GenerateFailure();
}

void write_generation(JsonWriter& w, const GenerationReport& g) {
  w.begin_object();
  w.key("prompt_tokens").value(g.prompt_tokens).key("generated_tokens").value(g.generated_tokens);
  w.key("ttft_ms");
  write_distribution(w, g.ttft_ms);
  // Rates from the median times (the same as the median rate for an odd count, and never at
  // odds with ttft_ms.p50 for an even one).
  w.key("prefill_tokens_per_s").value(g.prompt_tokens / (median(g.ttft_ms) / 1000));
  w.key("decode_tokens_per_s");
  if (g.decode_total_ms.empty()) w.null(); else w.value((g.generated_tokens - 1) / (median(g.decode_total_ms) / 1000));
  w.key("kv_cache_bytes").value(g.kv_cache_bytes);
  w.key("vocab_size").value(g.vocab_size).key("max_seq_len").value(g.max_seq_len);
  w.key("prompt").begin_array();
  for (int64_t id : g.prompt) w.value(id);
  w.end_array();
  w.key("tokens").begin_array();
  for (int64_t id : g.tokens) w.value(id);
  w.end_array();
  w.key("repeatable").value(g.repeatable);
  w.end_object();
}

}  // namespace runner
}  // namespace etb
