// A small JSON writer and reader for the runner's documents. The writer
// emits doubles with 17 significant digits (round-trips float32 and
// float64) and NaN/infinities as the strings "nan", "inf", "-inf".
#pragma once
#include <stdint.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace etb {
namespace runner {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const char* k);
  JsonWriter& value(const std::string& s);
  JsonWriter& value(const char* s);
  JsonWriter& value(double d);
  JsonWriter& value(int64_t i);
  JsonWriter& value(uint64_t u);
  JsonWriter& value(int i) { return value(int64_t(i)); }
  JsonWriter& value(bool b);
  JsonWriter& null();
  const std::string& str() const { return out_; }

 private:
  void separate();
  void write_string(const char* s);
  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

// A parsed JSON value (reader for --inputs FILE).
struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool b = false;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::map<std::string, Json> fields;
  const Json* get(const std::string& k) const {
    auto it = fields.find(k);
    return it == fields.end() ? nullptr : &it->second;
  }
};

// Parses `text`; on failure returns false and describes the error (with its offset).
bool parse_json(const std::string& text, Json* out, std::string* error);

}  // namespace runner
}  // namespace etb
