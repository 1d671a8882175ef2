#include "runtime/bundled.h"

#include <math.h>
#include <string.h>

#include "runtime/half.h"
#include "runtime/schema.h"

namespace etb {
namespace {

double element(const void* p, ScalarType t, int64_t i);

struct TensorStorage {
  Tensor t;
  int32_t sizes[kMaxTensorRank];
  uint8_t dim_order[kMaxTensorRank];
  int64_t strides[kMaxTensorRank];
};

// Builds a tensor view of a bundled Tensor table (data stays in the bundle).
Error view_tensor(const fb::Table& bt, TensorStorage& s, Diag* diag, const char* what) {
  int8_t raw = bt.scalar<int8_t>(schema::btensor::kScalarType, 0);
  if (!is_valid_scalar_type(raw)) return fail(diag, Error::InvalidProgram, "%s: unknown scalar_type %d", what, raw);
  ETB_TRY(fb::Vector<int32_t> sizes, bt.vector<int32_t>(schema::btensor::kSizes, "bundled Tensor.sizes", true));
  ETB_TRY(fb::Vector<uint8_t> data, bt.vector<uint8_t>(schema::btensor::kData, "bundled Tensor.data", true));
  ETB_TRY(fb::Vector<uint8_t> order, bt.vector<uint8_t>(schema::btensor::kDimOrder, "bundled Tensor.dim_order", false));
  if (sizes.size() > uint32_t(kMaxTensorRank) || (order.size() != 0 && order.size() != sizes.size())) {
    return fail(diag, Error::InvalidProgram, "%s: rank %u with dim_order of %u entries", what, sizes.size(), order.size());
  }
  s.t.dtype = ScalarType(raw);
  s.t.dim = int32_t(sizes.size());
  s.t.sizes = s.sizes;
  s.t.dim_order = s.dim_order;
  s.t.strides = s.strides;
  for (uint32_t d = 0; d < sizes.size(); d++) {
    s.sizes[d] = sizes[d];
    s.dim_order[d] = order.size() ? order[d] : uint8_t(d);
  }
  int64_t n = checked_numel(s.t.dim, s.sizes);
  if (n < 0 || !is_valid_dim_order(s.t.dim, s.dim_order)) {
    return fail(diag, Error::InvalidProgram, "%s: invalid sizes or dim_order", what);
  }
  if (uint64_t(n) * element_size(s.t.dtype) != data.size()) {
    return fail(diag, Error::InvalidProgram, "%s: %u data bytes for %lld %s elements", what, data.size(),
                static_cast<long long>(n), scalar_type_name(s.t.dtype));
  }
  compute_strides(s.t.dim, s.sizes, s.dim_order, s.strides);
  s.t.data = const_cast<uint8_t*>(data.raw());
  s.t.capacity = data.size();
  return Error::Ok;
}

double element(const void* p, ScalarType t, int64_t i) {
  switch (t) {
    case ScalarType::Byte: return static_cast<const uint8_t*>(p)[i];
    case ScalarType::Char: return static_cast<const int8_t*>(p)[i];
    case ScalarType::Short: return static_cast<const int16_t*>(p)[i];
    case ScalarType::Int: return static_cast<const int32_t*>(p)[i];
    case ScalarType::Long: return double(static_cast<const int64_t*>(p)[i]);
    case ScalarType::Float: return static_cast<const float*>(p)[i];
    case ScalarType::Double: return static_cast<const double*>(p)[i];
    case ScalarType::Bool: return static_cast<const uint8_t*>(p)[i] != 0;
    case ScalarType::Half: return half_to_float(static_cast<const uint16_t*>(p)[i]);
    case ScalarType::BFloat16: return bf16_to_float(static_cast<const uint16_t*>(p)[i]);
    case ScalarType::UInt16: return static_cast<const uint16_t*>(p)[i];
    case ScalarType::UInt32: return static_cast<const uint32_t*>(p)[i];
    case ScalarType::UInt64: return double(static_cast<const uint64_t*>(p)[i]);
    default: return 0;
  }
}

}  // namespace

bool is_bundled_program(const uint8_t* data, size_t size) { return size >= 8 && memcmp(data + 4, "BP08", 4) == 0; }

Result<BundledProgram> BundledProgram::parse(const uint8_t* data, size_t size, Diag* diag) {
  if (!is_bundled_program(data, size)) {
    return fail(diag, Error::InvalidProgram, "not a bundled program: identifier at offset 4 is not BP08");
  }
  fb::Buffer buf{data, size, diag};
  ETB_TRY(fb::Table root, fb::Table::root(buf, schema::kBundledProgram, "BundledProgram"));
  ETB_TRY(fb::Vector<uint8_t> program, root.vector<uint8_t>(schema::bundled::kProgram, "BundledProgram.program", true));
  ETB_TRY(fb::TableVector suites, root.tables(schema::bundled::kSuites, schema::kBundledSuite,
                                              "BundledProgram.method_test_suites", false));
  (void)suites;
  BundledProgram b;
  b.data_ = data;
  b.size_ = size;
  b.program_ = Span<const uint8_t>(program.raw(), program.size());
  return b;
}

// The test cases of `method`; an empty vector with *found = false when the
// bundle has no suite for it.
Result<fb::TableVector> BundledProgram::cases_for(const char* method, bool* found, Diag* diag) const {
  *found = false;
  fb::Buffer buf{data_, size_, diag};
  ETB_TRY(fb::Table root, fb::Table::root(buf, schema::kBundledProgram, "BundledProgram"));
  ETB_TRY(fb::TableVector suites, root.tables(schema::bundled::kSuites, schema::kBundledSuite,
                                              "BundledProgram.method_test_suites", false));
  for (uint32_t i = 0; i < suites.size(); i++) {
    ETB_TRY(fb::Table suite, suites[i]);
    ETB_TRY(StringView name, suite.string(0, "BundledMethodTestSuite.method_name", true));
    if (!name.equals(method)) continue;
    *found = true;
    return suite.tables(1, schema::kBundledCase, "BundledMethodTestSuite.test_cases", false);
  }
  return fb::TableVector();
}

Result<uint32_t> BundledProgram::num_cases(const char* method, Diag* diag) const {
  bool found = false;
  ETB_TRY(fb::TableVector cases, cases_for(method, &found, diag));
  return cases.size();
}

Result<fb::Table> BundledProgram::test_case(const char* method, uint32_t case_index, Diag* diag) const {
  bool found = false;
  ETB_TRY(fb::TableVector cases, cases_for(method, &found, diag));
  if (!found) return fail(diag, Error::NotFound, "the bundle has no test suite for method '%s'", method);
  if (case_index >= cases.size()) {
    return fail(diag, Error::InvalidArgument, "test case %u does not exist (method '%s' has %u)", case_index, method,
                cases.size());
  }
  return cases[case_index];
}

Error BundledProgram::set_inputs(Method& m, const char* method, uint32_t case_index, Diag* diag) const {
  ETB_TRY(fb::Table tc, test_case(method, case_index, diag));
  ETB_TRY(fb::TableVector inputs, tc.tables(0, schema::kBundledValue, "BundledMethodTestCase.inputs", false));
  if (inputs.size() < m.num_inputs()) {
    return fail(diag, Error::InvalidProgram, "test case %u has %u inputs, the method needs %zu", case_index,
                inputs.size(), m.num_inputs());
  }
  for (uint32_t i = 0; i < m.num_inputs(); i++) {
    ETB_TRY(fb::Table value, inputs[i]);
    uint8_t type = value.scalar<uint8_t>(0, 0);
    fb::Layout layout = type == schema::bundled::kTensor ? schema::kBundledTensor
                        : type == schema::bundled::kBool ? schema::kBool
                                                         : schema::kInt;  // Int and Double are 8 bytes
    ETB_TRY(fb::Table v, value.table(1, layout, "bundled Value.val", true));
    EValue ev;
    TensorStorage storage;
    switch (type) {
      case schema::bundled::kTensor:
        ETB_RETURN_IF_ERROR(view_tensor(v, storage, diag, "bundled input"));
        ev.tag = Tag::Tensor;
        ev.u.t = &storage.t;
        break;
      case schema::bundled::kInt: ev.tag = Tag::Int; ev.u.i = v.scalar<int64_t>(0, 0); break;
      case schema::bundled::kBool: ev.tag = Tag::Bool; ev.u.b = v.scalar<uint8_t>(0, 0) != 0; break;
      case schema::bundled::kDouble: ev.tag = Tag::Double; ev.u.d = v.scalar<double>(0, 0); break;
      default: return fail(diag, Error::InvalidProgram, "bundled input %u has unknown kind %u", i, type);
    }
    ETB_RETURN_IF_ERROR(m.set_input(i, ev, diag));
  }
  return Error::Ok;
}

Result<size_t> BundledProgram::check_outputs(const Method& m, const char* method, uint32_t case_index, double rtol,
                                             double atol, OutputCheck* checks, size_t cap, Diag* diag) const {
  ETB_TRY(fb::Table tc, test_case(method, case_index, diag));
  ETB_TRY(fb::TableVector expected, tc.tables(1, schema::kBundledValue, "BundledMethodTestCase.expected_outputs", false));
  size_t n = expected.size() < m.num_outputs() ? expected.size() : m.num_outputs();
  if (n > cap) n = cap;
  for (uint32_t i = 0; i < n; i++) {
    ETB_TRY(fb::Table value, expected[i]);
    if (value.scalar<uint8_t>(0, 0) != schema::bundled::kTensor) {
      return fail(diag, Error::NotSupported, "expected output %u is not a tensor", i);
    }
    ETB_TRY(fb::Table v, value.table(1, schema::kBundledTensor, "bundled Value.val", true));
    TensorStorage want;
    ETB_RETURN_IF_ERROR(view_tensor(v, want, diag, "expected output"));
    const EValue& out = m.output(i);
    OutputCheck& c = checks[i];
    c = OutputCheck();
    if (!out.is_tensor()) {
      c.reason = "output is not a tensor";
      continue;
    }
    const Tensor& got = out.tensor();
    bool same_shape = got.dtype == want.t.dtype && got.dim == want.t.dim && got.same_dim_order(want.t);
    for (int32_t d = 0; same_shape && d < got.dim; d++) same_shape = got.sizes[d] == want.t.sizes[d];
    if (!same_shape) {
      c.reason = "dtype, shape or dim order differs from the expected output";
      continue;
    }
    c = compare_tensor(got, want.t.data, rtol, atol);
  }
  return n;
}

OutputCheck compare_tensor(const Tensor& actual, const void* expected, double rtol, double atol) {
  OutputCheck c;
  c.pass = true;
  int64_t n = actual.numel();
  if (n == 0) return c;
  if (actual.data == nullptr) {
    c.pass = false;
    c.reason = "output has no data";
    return c;
  }
  bool floating = actual.dtype == ScalarType::Float || actual.dtype == ScalarType::Double ||
                  actual.dtype == ScalarType::Half || actual.dtype == ScalarType::BFloat16;
  double dot = 0, na = 0, ne = 0;
  for (int64_t i = 0; i < n; i++) {
    double a = element(actual.data, actual.dtype, i);
    double e = element(expected, actual.dtype, i);
    if (floating) {
      bool both_nan = isnan(a) && isnan(e);
      bool same_inf = isinf(a) && isinf(e) && (a > 0) == (e > 0);
      if (both_nan || same_inf) continue;
      double diff = fabs(a - e);
      bool close = (rtol == 0 && atol == 0) ? a == e : (isfinite(diff) && diff <= atol + fabs(rtol * e));
      if (!close) c.pass = false;
      if (diff > c.max_abs_err || isnan(diff)) c.max_abs_err = diff;
      if (e != 0 && diff / fabs(e) > c.max_rel_err) c.max_rel_err = diff / fabs(e);
    } else {
      double diff = fabs(a - e);
      if (diff > c.max_abs_err) c.max_abs_err = diff;
      if (e != 0 && diff / fabs(e) > c.max_rel_err) c.max_rel_err = diff / fabs(e);
    }
    if (isfinite(a) && isfinite(e)) {
      dot += a * e;
      na += a * a;
      ne += e * e;
    }
  }
  if (!floating) {
    size_t bytes = actual.nbytes();
    c.pass = memcmp(actual.data, expected, bytes) == 0;
  }
  c.cosine = (na == 0 && ne == 0) ? 1.0 : (na == 0 || ne == 0) ? 0.0 : dot / (sqrt(na) * sqrt(ne));
  if (!c.pass) c.reason = "values differ beyond the tolerance";
  return c;
}

}  // namespace etb
