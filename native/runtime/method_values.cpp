// Method load, part 1: the value table (runtime-model.md section 2, step 7).
#include <string.h>

#include "runtime/method_loader.h"

namespace etb {
namespace {

const char* kValuesWhat = "ExecutionPlan.values";

}  // namespace

Error MethodLoader::load_values() {
  auto values = plan.tables(schema::plan::kValues, schema::kEValue, kValuesWhat, true);
  if (!values.ok()) return values.error();
  uint32_t n = values->size();
  auto arr = array<EValue>(n, "the value table");
  if (!arr.ok()) return arr.error();
  m.values_ = *arr;
  m.num_values_ = n;
  for (uint32_t i = 0; i < n; i++) {
    auto ev = (*values)[i];
    if (!ev.ok()) return ev.error();
    EValue& v = m.values_[i];
    uint8_t type = ev->scalar<uint8_t>(schema::evalue::kValType, 0);
    fb::Layout layout = schema::kOneOffset;
    switch (type) {
      case schema::evalue::kNull: layout = schema::kEmpty; break;
      case schema::evalue::kInt: layout = schema::kInt; break;
      case schema::evalue::kBool: layout = schema::kBool; break;
      case schema::evalue::kDouble: layout = schema::kDouble; break;
      case schema::evalue::kTensor: layout = schema::kTensor; break;
      case schema::evalue::kString:
      case schema::evalue::kIntList:
      case schema::evalue::kDoubleList:
      case schema::evalue::kBoolList:
      case schema::evalue::kTensorList:
      case schema::evalue::kOptionalTensorList: break;
      default:
        return fail(diag, Error::InvalidProgram, "values[%u]: unknown value kind %u (table at 0x%zx)", i, type,
                    ev->offset());
    }
    auto val = ev->table(schema::evalue::kVal, layout, kValuesWhat, type != schema::evalue::kNull);
    if (!val.ok()) return val.error();
    const fb::Table& t = *val;
    switch (type) {
      case schema::evalue::kNull: v.tag = Tag::None; break;
      case schema::evalue::kInt: v.tag = Tag::Int; v.u.i = t.scalar<int64_t>(0, 0); break;
      case schema::evalue::kBool: v.tag = Tag::Bool; v.u.b = t.scalar<uint8_t>(0, 0) != 0; break;
      case schema::evalue::kDouble: v.tag = Tag::Double; v.u.d = t.scalar<double>(0, 0); break;
      case schema::evalue::kString: {
        auto s = t.string(0, "String.string_val", false);
        if (!s.ok()) return s.error();
        v.tag = Tag::String;
        v.u.s = *s;
        break;
      }
      case schema::evalue::kTensor: {
        Error e = load_tensor(i, t, v);
        if (e != Error::Ok) return e;
        break;
      }
      case schema::evalue::kIntList: {
        auto items = t.vector<int64_t>(0, "IntList.items", true);
        if (!items.ok()) return items.error();
        auto boxes = array<EValue*>(items->size(), "an int list");
        auto unboxed = array<int64_t>(items->size(), "an int list");
        if (!boxes.ok() || !unboxed.ok()) return Error::MemoryAllocationFailed;
        for (uint32_t k = 0; k < items->size(); k++) {
          int64_t idx = (*items)[k];
          if (idx < 0 || idx >= int64_t(n)) {
            return fail(diag, Error::InvalidProgram, "values[%u]: IntList item %u names value %lld of %u", i, k,
                        static_cast<long long>(idx), n);
          }
          (*boxes)[k] = &m.values_[idx];
        }
        v.tag = Tag::ListInt;
        v.u.int_list = BoxedIntList{*boxes, *unboxed, items->size()};
        break;
      }
      case schema::evalue::kDoubleList: {
        auto items = t.vector<double>(0, "DoubleList.items", true);
        if (!items.ok()) return items.error();
        auto copy = array<double>(items->size(), "a double list");
        if (!copy.ok()) return copy.error();
        for (uint32_t k = 0; k < items->size(); k++) (*copy)[k] = (*items)[k];
        v.tag = Tag::ListDouble;
        v.u.double_list = Span<const double>(*copy, items->size());
        break;
      }
      case schema::evalue::kBoolList: {
        auto items = t.vector<uint8_t>(0, "BoolList.items", true);
        if (!items.ok()) return items.error();
        auto copy = array<bool>(items->size(), "a bool list");
        if (!copy.ok()) return copy.error();
        for (uint32_t k = 0; k < items->size(); k++) (*copy)[k] = (*items)[k] != 0;
        v.tag = Tag::ListBool;
        v.u.bool_list = Span<const bool>(*copy, items->size());
        break;
      }
      default: {  // TensorList, OptionalTensorList
        auto items = t.vector<int32_t>(0, "TensorList.items", true);
        if (!items.ok()) return items.error();
        auto ptrs = array<EValue*>(items->size(), "a tensor list");
        if (!ptrs.ok()) return ptrs.error();
        bool optional = type == schema::evalue::kOptionalTensorList;
        EValue* none = nullptr;
        for (uint32_t k = 0; k < items->size(); k++) {
          int32_t idx = (*items)[k];
          // The exporter writes an absent optional tensor (e.g. the `None`s of
          // `cache[:, :, pos]`'s index list) as -1 rather than a Null value.
          if (optional && idx == -1) {
            if (none == nullptr) {
              auto slot = array<EValue>(1, "a None list item");
              if (!slot.ok()) return slot.error();
              none = *slot;  // zero-initialised: Tag::None
            }
            (*ptrs)[k] = none;
            continue;
          }
          if (idx < 0 || uint32_t(idx) >= n) {
            return fail(diag, Error::InvalidProgram, "values[%u]: list item %u names value %d of %u", i, k, idx, n);
          }
          (*ptrs)[k] = &m.values_[idx];
        }
        v.tag = type == schema::evalue::kTensorList ? Tag::ListTensor : Tag::ListOptionalTensor;
        v.u.list = ValueList{*ptrs, items->size()};
        break;
      }
    }
  }
  return check_value_lists();
}

// Lists may point forward, so their element kinds are checked once every
// value exists. A wrong kind here would let a kernel read one union member
// as another.
Error MethodLoader::check_value_lists() {
  for (uint32_t i = 0; i < m.num_values_; i++) {
    const EValue& v = m.values_[i];
    if (v.tag == Tag::ListInt) {
      for (uint32_t k = 0; k < v.u.int_list.size; k++) {
        if (v.u.int_list.items[k]->tag != Tag::Int) {
          return fail(diag, Error::InvalidProgram, "values[%u]: IntList item %u is a %s, not an Int", i, k,
                      tag_name(v.u.int_list.items[k]->tag));
        }
      }
    } else if (v.tag == Tag::ListTensor || v.tag == Tag::ListOptionalTensor) {
      bool optional = v.tag == Tag::ListOptionalTensor;
      for (uint32_t k = 0; k < v.u.list.size; k++) {
        Tag t = v.u.list.items[k]->tag;
        if (t != Tag::Tensor && !(optional && t == Tag::None)) {
          return fail(diag, Error::InvalidProgram, "values[%u]: %s item %u is a %s", i, tag_name(v.tag), k,
                      tag_name(t));
        }
      }
    }
  }
  return Error::Ok;
}

Error MethodLoader::load_tensor(uint32_t index, const fb::Table& t, EValue& out) {
  int8_t raw_type = t.scalar<int8_t>(schema::tensor::kScalarType, 0);
  if (!is_valid_scalar_type(raw_type)) {
    return fail(diag, Error::InvalidProgram, "values[%u]: tensor scalar_type %d is unknown (table at 0x%zx)", index,
                raw_type, t.offset());
  }
  if (t.scalar<int32_t>(schema::tensor::kStorageOffset, 0) != 0) {
    return fail(diag, Error::NotSupported, "values[%u]: tensor storage_offset must be 0", index);
  }
  uint8_t dynamism = t.scalar<uint8_t>(schema::tensor::kShapeDynamism, 0);
  if (dynamism == uint8_t(Dynamism::DynamicUnbound)) {
    return fail(diag, Error::NotSupported, "values[%u]: tensors with unbounded dynamic shape are not supported", index);
  }
  if (dynamism > uint8_t(Dynamism::DynamicUnbound)) {
    return fail(diag, Error::InvalidProgram, "values[%u]: shape_dynamism %u is unknown", index, dynamism);
  }
  auto sizes = t.vector<int32_t>(schema::tensor::kSizes, "Tensor.sizes", true);
  if (!sizes.ok()) return sizes.error();
  auto dim_order = t.vector<uint8_t>(schema::tensor::kDimOrder, "Tensor.dim_order", true);
  if (!dim_order.ok()) return dim_order.error();
  uint32_t dim = sizes->size();
  if (dim > uint32_t(kMaxTensorRank) || dim_order->size() != dim) {
    return fail(diag, Error::InvalidProgram, "values[%u]: tensor rank %u (dim_order length %u) is invalid", index, dim,
                dim_order->size());
  }
  auto tensor = array<Tensor>(1, "a tensor");
  auto sz = array<int32_t>(dim, "tensor sizes");
  auto order = array<uint8_t>(dim, "a tensor dim order");
  auto strides = array<int64_t>(dim, "tensor strides");
  if (!tensor.ok() || !sz.ok() || !order.ok() || !strides.ok()) return Error::MemoryAllocationFailed;
  Tensor& x = **tensor;
  x.dtype = ScalarType(raw_type);
  x.dim = int32_t(dim);
  x.sizes = *sz;
  x.dim_order = *order;
  x.strides = *strides;
  x.dynamism = Dynamism(dynamism);
  for (uint32_t d = 0; d < dim; d++) {
    x.sizes[d] = (*sizes)[d];
    x.dim_order[d] = (*dim_order)[d];
  }
  int64_t numel = checked_numel(x.dim, x.sizes);
  if (numel < 0 || uint64_t(numel) > (uint64_t(1) << 40) / element_size(x.dtype)) {
    return fail(diag, Error::InvalidProgram, "values[%u]: tensor sizes are negative or too large", index);
  }
  if (!is_valid_dim_order(x.dim, x.dim_order)) {
    return fail(diag, Error::InvalidProgram, "values[%u]: tensor dim_order is not a permutation of 0..%u", index,
                dim == 0 ? 0 : dim - 1);
  }
  compute_strides(x.dim, x.sizes, x.dim_order, x.strides);
  size_t nbytes = size_t(numel) * element_size(x.dtype);
  out.tag = Tag::Tensor;
  out.u.t = &x;

  uint32_t buffer_idx = t.scalar<uint32_t>(schema::tensor::kDataBufferIdx, 0);
  auto alloc_info = t.table(schema::tensor::kAllocationInfo, schema::kAllocationDetails, "Tensor.allocation_info", false);
  if (!alloc_info.ok()) return alloc_info.error();
  auto extra = t.table(schema::tensor::kExtraTensorInfo, schema::kExtraTensorInfo, "Tensor.extra_tensor_info", false);
  if (!extra.ok()) return extra.error();
  const uint8_t* initial = nullptr;
  bool external = !extra->is_null() && extra->scalar<uint8_t>(schema::extra::kLocation, 0) == schema::extra::kLocationExternal;
  if (external) {
    auto fqn = extra->string(schema::extra::kFullyQualifiedName, "ExtraTensorInfo.fully_qualified_name", true);
    if (!fqn.ok()) return fqn.error();
    auto bytes = program.named_data(*fqn, diag);
    if (!bytes.ok()) return bytes.error();
    if (bytes->size() < nbytes) {
      return fail(diag, Error::InvalidExternalData, "values[%u]: external tensor '%.*s' has %zu bytes, needs %zu", index,
                  int(fqn->size), fqn->data, bytes->size(), nbytes);
    }
    initial = bytes->data();
  } else if (buffer_idx != 0 && alloc_info->is_null()) {
    auto bytes = program.constant_data(buffer_idx, nbytes, diag);
    if (!bytes.ok()) return bytes.error();
    initial = *bytes;
  } else if (buffer_idx != 0) {
    auto bytes = program.mutable_data(buffer_idx, nbytes, diag);
    if (!bytes.ok()) return bytes.error();
    initial = *bytes;
  }
  if (alloc_info->is_null()) {
    // Constant (read-only program bytes) or unplanned (bound later).
    x.data = const_cast<uint8_t*>(initial);
    x.capacity = initial != nullptr ? nbytes : 0;
    x.is_constant = initial != nullptr;
    if (initial != nullptr && reinterpret_cast<uintptr_t>(initial) % (element_size(x.dtype) > 8 ? 8 : element_size(x.dtype)) != 0) {
      return fail(diag, Error::InvalidProgram, "values[%u]: constant data is not aligned for %s", index,
                  scalar_type_name(x.dtype));
    }
    return Error::Ok;
  }
  uint32_t memory_id = alloc_info->scalar<uint32_t>(schema::alloc::kMemoryId, 0);
  uint64_t offset = uint64_t(alloc_info->scalar<uint32_t>(schema::alloc::kOffsetLow, 0)) |
                    (uint64_t(alloc_info->scalar<uint32_t>(schema::alloc::kOffsetHigh, 0)) << 32);
  if (memory_id == 0) {
    return fail(diag, Error::InvalidProgram, "values[%u]: allocation_info.memory_id 0 is reserved", index);
  }
  if (config.memory.planned == nullptr) {
    return fail(diag, Error::InvalidArgument, "values[%u]: tensor is planned but no planned memory was given", index);
  }
  if (offset % (element_size(x.dtype) > 8 ? 8 : element_size(x.dtype)) != 0) {
    return fail(diag, Error::InvalidProgram, "values[%u]: planned offset %llu is not aligned for %s", index,
                static_cast<unsigned long long>(offset), scalar_type_name(x.dtype));
  }
  auto where = config.memory.planned->locate(memory_id - 1, offset, nbytes, diag);
  if (!where.ok()) return where.error();
  x.data = *where;
  x.capacity = nbytes;
  x.is_planned = true;
  if (initial != nullptr && nbytes != 0) memcpy(x.data, initial, nbytes);
  return Error::Ok;
}

}  // namespace etb
