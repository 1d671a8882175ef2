#include "runner/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/xnnpack/xnnpack_backend.h"
#include "kernels/generated/register_kernels.h"
#include "runner/inputs.h"
#include "runner/sha256.h"
#include "runtime/platform.h"
#include "runtime/schema.h"

namespace etb {
namespace runner {
namespace {

constexpr size_t kInitialMethodPool = 1 << 20;
constexpr size_t kMaxMethodPool = size_t(1) << 30;
constexpr size_t kArenaAlignment = 64;

IoInfo describe(const EValue& v) {
  IoInfo info;
  info.kind = v.tag;
  if (v.is_tensor()) {
    const Tensor& t = v.tensor();
    info.dtype = t.dtype;
    info.shape.assign(t.sizes, t.sizes + t.dim);
    info.dim_order.assign(t.dim_order, t.dim_order + t.dim);
    info.planned = t.is_planned;
  }
  return info;
}

}  // namespace

struct Session::Tracer final : public EventTracer {
  std::vector<InstructionProfile> entries;
  // Steps inside delegates (on_delegate_event), kept apart: profile() puts them before their
  // instruction, whose time they are part of.
  std::vector<InstructionProfile> nodes;
  bool on = false;

  // Adds one call to the entry for (chain, index, node) in `v`, creating it on the first call.
  static void add(std::vector<InstructionProfile>& v, uint32_t chain, uint32_t index, int64_t node, bool delegate,
                  const char* name, uint32_t name_len, uint64_t ticks) {
    for (InstructionProfile& e : v) {
      if (e.chain == chain && e.instruction == index && e.node == node) {
        e.calls++;
        e.total_ticks += ticks;
        return;
      }
    }
    InstructionProfile p;
    p.chain = chain;
    p.instruction = index;
    p.node = node;
    p.name.assign(name, name_len);
    p.delegate = delegate;
    if (delegate && node < 0) p.backend = p.name;
    p.calls = 1;
    p.total_ticks = ticks;
    v.push_back(p);
  }
  void on_instruction(uint32_t chain, uint32_t index, InstructionKind kind, const char* name, uint32_t name_len,
                      uint64_t start, uint64_t end) override {
    add(entries, chain, index, -1, kind == InstructionKind::Delegate, name, name_len, end - start);
  }
  void on_delegate_event(uint32_t chain, uint32_t index, uint32_t node, const char* name, uint32_t name_len,
                         uint64_t start, uint64_t end) override {
    add(nodes, chain, index, node, true, name, name_len, end - start);
  }
  // Instructions in first-run order; a delegate's steps just before it, with the delegate's own
  // entry keeping only the time outside them, so entries still add up to the execute time.
  std::vector<InstructionProfile> flattened() const {
    std::vector<InstructionProfile> out;
    out.reserve(entries.size() + nodes.size());
    for (const InstructionProfile& e : entries) {
      InstructionProfile self = e;
      for (const InstructionProfile& n : nodes) {
        if (n.chain != e.chain || n.instruction != e.instruction) continue;
        out.push_back(n);
        out.back().backend = e.name;
        self.total_ticks -= n.total_ticks <= self.total_ticks ? n.total_ticks : self.total_ticks;
      }
      out.push_back(self);
    }
    return out;
  }
};

KernelRegistry& global_kernels() {
  static KernelRegistry* registry = [] {
    static KernelRegistry r;
    if (register_kernels(r) != Error::Ok) abort();  // our own generated table: a broken invariant
    return &r;
  }();
  return *registry;
}

BackendRegistry& global_backends() {
  static BackendRegistry* registry = [] {
    static BackendRegistry r;
    if (register_xnnpack_backend(r) != Error::Ok) abort();  // a fresh registry: a broken invariant
    // Vendor backends linked in with a StaticBackend (docs/backends.md, "Vendor path"). A clash
    // is a link-time mistake of the vendor's: say which and stop, nothing can run correctly.
    const char* clash = nullptr;
    if (add_static_backends(r, &clash) != Error::Ok) {
      fprintf(stderr, "etrun: cannot register backend '%s' (a duplicate name, or more than %d backends)\n",
              clash != nullptr ? clash : "?", ETB_MAX_BACKENDS);
      abort();
    }
    return &r;
  }();
  return *registry;
}

std::vector<std::string> available_backends() {
  std::vector<std::string> names;
  const BackendRegistry& r = global_backends();
  for (size_t i = 0; i < r.size(); i++) names.emplace_back(r.name_at(i));
  return names;
}

Session::~Session() {
  method_.reset();
  program_.reset();
  free(aligned_);
}

Error Session::open_file(const std::string& path, const SessionOptions& options, std::unique_ptr<Session>* out,
                         Diag* diag) {
  std::unique_ptr<Session> s(new Session());
  s->options_ = options;
  auto loader = MmapDataLoader::open(path.c_str(), diag);
  if (!loader.ok()) return loader.error();
  s->file_.reset(new MmapDataLoader(static_cast<MmapDataLoader&&>(*loader)));
  auto all = s->file_->load(0, s->file_->size(), diag);
  if (!all.ok()) return all.error();
  s->bytes_ = all->data;
  s->size_ = all->size;
  ETB_RETURN_IF_ERROR(s->open_program(diag));
  *out = std::move(s);
  return Error::Ok;
}

Error Session::open_bytes(std::vector<uint8_t> bytes, const SessionOptions& options, std::unique_ptr<Session>* out,
                          Diag* diag) {
  std::unique_ptr<Session> s(new Session());
  s->options_ = options;
  // A 64-byte aligned copy: the program and its segments need 16-byte alignment.
  s->aligned_ = static_cast<uint8_t*>(aligned_alloc(64, (bytes.size() + 63) / 64 * 64 + 64));
  if (s->aligned_ == nullptr) return fail(diag, Error::MemoryAllocationFailed, "cannot copy the program bytes");
  if (!bytes.empty()) memcpy(s->aligned_, bytes.data(), bytes.size());
  s->bytes_ = s->aligned_;
  s->size_ = bytes.size();
  ETB_RETURN_IF_ERROR(s->open_program(diag));
  *out = std::move(s);
  return Error::Ok;
}

Error Session::open_program(Diag* diag) {
  sha256_ = sha256_hex(bytes_, size_);
  kernels_ = &global_kernels();
  // The backends this session may use: all of this build's, or those named
  // (--backends); a name this build lacks simply never matches a delegate.
  const BackendRegistry& all = global_backends();
  for (size_t i = 0; i < all.size(); i++) {
    const char* name = all.name_at(i);
    bool wanted = options_.all_backends;
    for (const std::string& b : options_.backends) wanted = wanted || b == name;
    if (wanted && backends_.find(name, strlen(name)) == nullptr) {
      ETB_RETURN_IF_ERROR(backends_.add(name, all.find(name, strlen(name))));
    }
  }
  const uint8_t* program = bytes_;
  size_t program_size = size_;
  if (is_bundled_program(bytes_, size_)) {
    auto bundle = BundledProgram::parse(bytes_, size_, diag);
    if (!bundle.ok()) return bundle.error();
    bundle_.reset(new BundledProgram(*bundle));
    program = bundle_->program().data();
    program_size = bundle_->program().size();
  }
  loader_.reset(new BufferDataLoader(program, program_size));
  DataLoader* external = nullptr;
  if (!options_.data_path.empty()) {
    auto data = MmapDataLoader::open(options_.data_path.c_str(), diag);
    if (!data.ok()) return data.error();
    data_file_.reset(new MmapDataLoader(static_cast<MmapDataLoader&&>(*data)));
    external = data_file_.get();
  }
  auto p = Program::load(loader_.get(), external, diag);
  if (!p.ok()) return p.error();
  program_.reset(new Program(static_cast<Program&&>(*p)));
  return Error::Ok;
}

std::vector<std::string> Session::method_names() const {
  std::vector<std::string> names;
  auto n = program_->num_methods(nullptr);
  for (uint32_t i = 0; n.ok() && i < *n; i++) {
    auto name = program_->method_name(i, nullptr);
    if (name.ok()) names.emplace_back(name->data, name->size);
  }
  return names;
}

Result<std::string> Session::default_method(Diag* diag) const {
  std::vector<std::string> names = method_names();
  for (const std::string& n : names) {
    if (n == "forward") return n;
  }
  if (names.size() == 1) return names[0];
  return fail(diag, Error::InvalidArgument, "the program has %zu methods and none is 'forward': choose one with --method",
              names.size());
}

Error Session::load_method(const std::string& name, Diag* diag) {
  method_.reset();
  auto plan = program_->plan(name.c_str(), diag);
  if (!plan.ok()) return plan.error();
  auto sizes = plan->vector<int64_t>(schema::plan::kNonConstBufferSizes, "ExecutionPlan.non_const_buffer_sizes", true);
  if (!sizes.ok()) return sizes.error();
  arenas_storage_.clear();
  arenas_.clear();
  planned_sizes_.clear();
  // Planned memory beyond the limit is a resource limit (exit 7), not a bad program.
  uint64_t total = 0;
  for (uint32_t i = 1; i < sizes->size(); i++) {
    int64_t bytes = (*sizes)[i];
    if (bytes < 0) {
      return fail(diag, Error::InvalidProgram, "non_const_buffer_sizes[%u] = %lld is negative", i,
                  static_cast<long long>(bytes));
    }
    total += uint64_t(bytes);
    if (uint64_t(bytes) > options_.memory_limit || total > options_.memory_limit) {
      return fail(diag, Error::MemoryAllocationFailed,
                  "planned buffer %u needs %lld bytes, more than this runner's limit of %llu in all", i,
                  static_cast<long long>(bytes), static_cast<unsigned long long>(options_.memory_limit));
    }
    planned_sizes_.push_back(size_t(bytes));
    arenas_storage_.emplace_back(size_t(bytes) + kArenaAlignment);
  }
  for (auto& storage : arenas_storage_) {
    uintptr_t base = reinterpret_cast<uintptr_t>(storage.data());
    size_t pad = (kArenaAlignment - base % kArenaAlignment) % kArenaAlignment;
    arenas_.emplace_back(storage.data() + pad, storage.size() - kArenaAlignment);
  }
  planned_ = PlannedMemory(Span<Span<uint8_t>>(arenas_.data(), arenas_.size()));
  if (!temp_pool_) temp_pool_.reset(new uint8_t[options_.temp_pool_bytes]);
  temp_alloc_ = MemoryAllocator(temp_pool_.get(), options_.temp_pool_bytes);
  if (!tracer_) tracer_.reset(new Tracer());
  // The method allocator's need is only known after load: grow and retry.
  for (size_t pool = kInitialMethodPool;; pool *= 4) {
    method_pool_.reset(new uint8_t[pool]);
    method_alloc_ = MemoryAllocator(method_pool_.get(), pool);
    MethodConfig config;
    config.kernels = kernels_;
    config.kernel_set = options_.kernels;
    config.backends = &backends_;
    config.memory = MemoryManager{&method_alloc_, &planned_, &temp_alloc_};
    config.tracer = tracer_->on ? tracer_.get() : nullptr;
    config.threads = options_.threads;
    config.max_instructions = options_.max_instructions;
    Diag attempt;
    auto m = Method::load(*program_, name.c_str(), config, &attempt);
    if (m.ok()) {
      method_.reset(new Method(static_cast<Method&&>(*m)));
      break;
    }
    if (m.error() != Error::MemoryAllocationFailed || pool * 4 > kMaxMethodPool) {
      return fail(diag, m.error(), "%s", attempt.message);
    }
  }
  method_name_ = name;
  // Unplanned tensor outputs get memory here so kernels can write them.
  unplanned_buffers_.clear();
  for (size_t i = 0; i < method_->num_outputs(); i++) {
    const EValue& v = method_->output(i);
    if (!v.is_tensor() || v.tensor().is_planned || v.tensor().is_constant || v.tensor().data != nullptr) continue;
    total += v.tensor().nbytes();
    if (total > options_.memory_limit) {
      return fail(diag, Error::MemoryAllocationFailed,
                  "unplanned output %zu needs %zu bytes, beyond this runner's limit of %llu in all", i,
                  v.tensor().nbytes(), static_cast<unsigned long long>(options_.memory_limit));
    }
    unplanned_buffers_.emplace_back(v.tensor().nbytes() + 16);
    ETB_RETURN_IF_ERROR(method_->set_output_data_ptr(i, unplanned_buffers_.back().data(), v.tensor().nbytes(), diag));
  }
  return Error::Ok;
}

std::vector<IoInfo> Session::inputs() const {
  std::vector<IoInfo> out;
  for (size_t i = 0; method_ && i < method_->num_inputs(); i++) out.push_back(describe(method_->input(i)));
  return out;
}

std::vector<IoInfo> Session::outputs() const {
  std::vector<IoInfo> out;
  for (size_t i = 0; method_ && i < method_->num_outputs(); i++) out.push_back(describe(method_->output(i)));
  return out;
}

uint32_t Session::num_cases() const {
  if (!bundle_ || !method_) return 0;
  auto n = bundle_->num_cases(method_name_.c_str(), nullptr);
  return n.ok() ? *n : 0;
}

Error Session::set_bundled_inputs(uint32_t case_index, Diag* diag) {
  if (!bundle_) return fail(diag, Error::InvalidArgument, "the program is not bundled: it carries no test inputs");
  last_inputs_kind_ = LastInputs::Bundled;
  last_case_ = case_index;
  ETB_RETURN_IF_ERROR(bundle_->set_inputs(*method_, method_name_.c_str(), case_index, diag));
  // Unplanned inputs now alias the bundle, which open_file maps read-only;
  // programs may write their inputs, so they get a writable copy.
  unplanned_inputs_.resize(method_->num_inputs());
  for (size_t i = 0; i < method_->num_inputs(); i++) {
    const EValue& v = method_->input(i);
    if (!v.is_tensor() || v.tensor().is_planned || v.tensor().data == nullptr) continue;
    Tensor view = v.tensor();
    const uint8_t* bytes = static_cast<const uint8_t*>(view.data);
    unplanned_inputs_[i].assign(bytes, bytes + view.nbytes());
    view.data = unplanned_inputs_[i].data();
    EValue copy;
    copy.tag = Tag::Tensor;
    copy.u.t = &view;
    ETB_RETURN_IF_ERROR(method_->set_input(i, copy, diag));
  }
  return Error::Ok;
}

std::vector<OutputCheck> Session::check_bundled(uint32_t case_index, double rtol, double atol, Diag* diag,
                                                Error* err) {
  std::vector<OutputCheck> checks(method_->num_outputs());
  auto n = bundle_->check_outputs(*method_, method_name_.c_str(), case_index, rtol, atol, checks.data(), checks.size(),
                                  diag);
  *err = n.ok() ? Error::Ok : n.error();
  checks.resize(n.ok() ? *n : 0);
  return checks;
}

Error Session::set_random_inputs(uint64_t seed, Diag* diag) {
  SplitMix64 rng(seed);
  std::vector<TensorData> inputs;
  uint64_t total = 0;
  for (const IoInfo& info : this->inputs()) {
    TensorData t;
    t.dtype = info.dtype;
    t.shape = info.shape;
    if (info.kind == Tag::Tensor) {
      int64_t n = checked_numel(int32_t(t.shape.size()), t.shape.data());
      total += n < 0 ? options_.memory_limit + 1 : uint64_t(n) * element_size(t.dtype);
      if (total > options_.memory_limit) {
        return fail(diag, Error::MemoryAllocationFailed, "input %zu needs more than this runner's limit of %llu bytes",
                    inputs.size(), static_cast<unsigned long long>(options_.memory_limit));
      }
      fill_random(t, rng);
    }
    inputs.push_back(std::move(t));
  }
  return set_inputs(inputs, diag);
}

Error Session::set_inputs(const std::vector<TensorData>& inputs, Diag* diag) {
  if (inputs.size() != method_->num_inputs()) {
    return fail(diag, Error::InvalidArgument, "the method takes %zu inputs, %zu were given", method_->num_inputs(),
                inputs.size());
  }
  if (&inputs != &last_inputs_) last_inputs_ = inputs;
  last_inputs_kind_ = LastInputs::Data;
  unplanned_inputs_.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); i++) {
    const EValue& dst = method_->input(i);
    if (!dst.is_tensor()) continue;  // non-tensor inputs are fixed by the program
    const Tensor& t = dst.tensor();
    const TensorData& src = inputs[i];
    if (src.dtype != t.dtype) {
      return fail(diag, Error::InvalidArgument, "input %zu: expected %s, got %s", i, scalar_type_name(t.dtype),
                  scalar_type_name(src.dtype));
    }
    if (int32_t(src.shape.size()) != t.dim) {
      return fail(diag, Error::InvalidArgument, "input %zu: expected rank %d, got %zu", i, t.dim, src.shape.size());
    }
    int64_t n = checked_numel(int32_t(src.shape.size()), src.shape.data());
    if (n < 0 || size_t(n) * element_size(src.dtype) != src.bytes.size()) {
      return fail(diag, Error::InvalidArgument, "input %zu: %zu bytes do not match its shape", i, src.bytes.size());
    }
    std::vector<uint8_t> dim_order(t.dim_order, t.dim_order + t.dim);
    std::vector<uint8_t> memory = to_memory_order(src, dim_order);
    if (t.is_planned) {
      ETB_RETURN_IF_ERROR(method_->set_input_bytes(i, Span<const int32_t>(src.shape.data(), src.shape.size()),
                                                   memory.data(), memory.size(), diag));
      continue;
    }
    // Unplanned: the method aliases our buffer, which must stay alive.
    unplanned_inputs_[i] = std::move(memory);
    Tensor view = t;
    std::vector<int32_t> sizes = src.shape;
    view.sizes = sizes.data();
    view.data = unplanned_inputs_[i].data();
    EValue v;
    v.tag = Tag::Tensor;
    v.u.t = &view;
    ETB_RETURN_IF_ERROR(method_->set_input(i, v, diag));
  }
  return Error::Ok;
}

Error Session::execute(Diag* diag) {
  if (options_.inject_slowdown_pct <= 0) return method_->execute(diag);
  // A busy-wait, not a sleep: it keeps the core as busy as real work would, and it scales with
  // this execute's own time so a 5 % knob is 5 % whatever the program or machine.
  uint64_t start = etb_platform_ticks();
  Error e = method_->execute(diag);
  uint64_t took = etb_platform_ticks() - start;
  uint64_t until = etb_platform_ticks() + uint64_t(double(took) * options_.inject_slowdown_pct / 100.0);
  while (etb_platform_ticks() < until) {
  }
  return e;
}

Error Session::restore_inputs(Diag* diag) {
  switch (last_inputs_kind_) {
    case LastInputs::Bundled: return set_bundled_inputs(last_case_, diag);
    case LastInputs::Data: return set_inputs(last_inputs_, diag);
    case LastInputs::None: break;
  }
  return Error::Ok;
}

std::vector<TensorData> Session::outputs_data() const {
  std::vector<TensorData> out;
  for (size_t i = 0; i < method_->num_outputs(); i++) {
    const EValue& v = method_->output(i);
    TensorData t;
    if (v.is_tensor()) {
      const Tensor& x = v.tensor();
      t.dtype = x.dtype;
      t.shape.assign(x.sizes, x.sizes + x.dim);
      std::vector<uint8_t> order(x.dim_order, x.dim_order + x.dim);
      if (x.data != nullptr) t.bytes = from_memory_order(static_cast<const uint8_t*>(x.data), x.dtype, t.shape, order);
    } else if (v.is_int()) {
      t.dtype = ScalarType::Long;
      t.bytes.resize(8);
      memcpy(t.bytes.data(), &v.u.i, 8);
    } else if (v.is_double()) {
      t.dtype = ScalarType::Double;
      t.bytes.resize(8);
      memcpy(t.bytes.data(), &v.u.d, 8);
    } else if (v.is_bool()) {
      t.dtype = ScalarType::Bool;
      t.bytes.assign(1, v.u.b ? 1 : 0);
    }
    out.push_back(std::move(t));
  }
  return out;
}

void Session::enable_profiling(bool on) {
  if (!tracer_) tracer_.reset(new Tracer());
  tracer_->on = on;
  if (method_) method_->set_tracer(on ? tracer_.get() : nullptr);
}

void Session::reset_profile() {
  if (tracer_) {
    tracer_->entries.clear();
    tracer_->nodes.clear();
  }
}

std::vector<InstructionProfile> Session::profile() const {
  return tracer_ ? tracer_->flattened() : std::vector<InstructionProfile>();
}

}  // namespace runner
}  // namespace etb
