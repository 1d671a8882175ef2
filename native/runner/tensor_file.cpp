#include "runner/tensor_file.h"

#include <string.h>

#include <fstream>
#include <sstream>

#include "runner/json.h"
#include "runtime/half.h"

namespace etb {
namespace runner {
namespace {

double number_of(const Json& v) {
  if (v.kind == Json::Kind::Number) return v.number;
  if (v.kind == Json::Kind::Bool) return double(v.b);
  if (v.text == "nan") return __builtin_nan("");
  if (v.text == "inf") return __builtin_inf();
  if (v.text == "-inf") return -__builtin_inf();
  return 0;
}

// Stores x as one element of dtype at p; false for a dtype files cannot carry.
bool store(ScalarType dtype, double x, uint8_t* p) {
  switch (dtype) {
    case ScalarType::Float: { float f = float(x); memcpy(p, &f, 4); return true; }
    case ScalarType::Double: memcpy(p, &x, 8); return true;
    case ScalarType::Half: { uint16_t h = float_to_half(float(x)); memcpy(p, &h, 2); return true; }
    case ScalarType::BFloat16: { uint16_t h = float_to_bf16(float(x)); memcpy(p, &h, 2); return true; }
    case ScalarType::Int: { int32_t n = int32_t(x); memcpy(p, &n, 4); return true; }
    case ScalarType::Long: { int64_t n = int64_t(x); memcpy(p, &n, 8); return true; }
    case ScalarType::Short: { int16_t n = int16_t(x); memcpy(p, &n, 2); return true; }
    case ScalarType::Char: { int8_t n = int8_t(x); memcpy(p, &n, 1); return true; }
    case ScalarType::Byte: *p = uint8_t(x); return true;
    case ScalarType::Bool: *p = x != 0; return true;
    default: return false;
  }
}

}  // namespace

bool read_tensor_file(const std::string& path, const char* key, const char* what, std::vector<TensorData>* out,
                      std::string* error) {
  std::ifstream f(path);
  if (!f) {
    *error = std::string("cannot read ") + what + "s file " + path;
    return false;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  Json doc;
  if (!parse_json(ss.str(), &doc, error)) {
    *error = path + ": " + *error;
    return false;
  }
  const Json* list = doc.kind == Json::Kind::Object ? doc.get(key) : &doc;
  if (list == nullptr || list->kind != Json::Kind::Array) {
    *error = path + ": expected a list of {dtype, shape, data} tensors (or an object with it under \"" + key + "\")";
    return false;
  }
  for (size_t i = 0; i < list->items.size(); i++) {
    const Json& t = list->items[i];
    const Json* dtype = t.get("dtype");
    const Json* shape = t.get("shape");
    const Json* data = t.get("data");
    const std::string name = path + ": " + what + " " + std::to_string(i);
    TensorData td;
    if (!dtype || dtype->kind != Json::Kind::String || !scalar_type_from_name(dtype->text.c_str(), &td.dtype) ||
        !shape || shape->kind != Json::Kind::Array || !data || data->kind != Json::Kind::Array) {
      *error = name + " needs dtype (a PyTorch name), shape and data";
      return false;
    }
    size_t numel = 1;
    for (const Json& s : shape->items) {
      if (s.kind != Json::Kind::Number || s.number < 0 || s.number > 1e9) {
        *error = name + " has an invalid shape";
        return false;
      }
      td.shape.push_back(int32_t(s.number));
      numel *= size_t(s.number);
    }
    if (numel != data->items.size()) {
      *error = name + " has " + std::to_string(data->items.size()) + " values for " + std::to_string(numel) + " elements";
      return false;
    }
    td.bytes.resize(numel * element_size(td.dtype));
    for (size_t k = 0; k < numel; k++) {
      if (!store(td.dtype, number_of(data->items[k]), td.bytes.data() + k * element_size(td.dtype))) {
        *error = name + ": dtype " + dtype->text + " is not supported in tensor files";
        return false;
      }
    }
    out->push_back(std::move(td));
  }
  return true;
}

}  // namespace runner
}  // namespace etb
