#include "runner/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

namespace etb {
namespace runner {

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() { separate(); out_ += '{'; first_.push_back(true); return *this; }
JsonWriter& JsonWriter::end_object() { out_ += '}'; first_.pop_back(); return *this; }
JsonWriter& JsonWriter::begin_array() { separate(); out_ += '['; first_.push_back(true); return *this; }
JsonWriter& JsonWriter::end_array() { out_ += ']'; first_.pop_back(); return *this; }

JsonWriter& JsonWriter::key(const char* k) {
  separate();
  write_string(k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(const std::string& s) { return value(s.c_str()); }

JsonWriter& JsonWriter::value(const char* s) {
  separate();
  write_string(s);
  return *this;
}

void JsonWriter::write_string(const char* s) {
  out_ += '"';
  for (const char* p = s; *p; p++) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\') {
      out_ += '\\';
      out_ += char(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out_ += buf;
    } else {
      out_ += char(c);
    }
  }
  out_ += '"';
}

JsonWriter& JsonWriter::value(double d) {
  if (isnan(d)) return value("nan");
  if (isinf(d)) return value(d > 0 ? "inf" : "-inf");
  separate();
  char buf[32];
  snprintf(buf, sizeof(buf), "%.17g", d);
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::value(int64_t i) {
  separate();
  out_ += std::to_string(i);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t u) {
  separate();
  out_ += std::to_string(u);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

namespace {

struct Parser {
  const std::string& s;
  size_t i = 0;
  std::string error;
  int depth = 0;

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) i++;
  }
  bool fail(const char* what) {
    if (error.empty()) error = std::string(what) + " at offset " + std::to_string(i);
    return false;
  }
  bool literal(const char* word) {
    size_t n = 0;
    while (word[n]) n++;
    if (s.compare(i, n, word) != 0) return fail("unexpected token");
    i += n;
    return true;
  }
  bool string(std::string* out) {
    i++;  // opening quote
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') {
        if (++i >= s.size()) return fail("unterminated escape");
        char c = s[i];
        if (c == 'n') *out += '\n';
        else if (c == 't') *out += '\t';
        else if (c == 'u') {
          if (i + 4 >= s.size()) return fail("bad unicode escape");
          *out += char(strtol(s.substr(i + 1, 4).c_str(), nullptr, 16) & 0x7f);
          i += 4;
        } else *out += c;
        i++;
      } else {
        *out += s[i++];
      }
    }
    if (i >= s.size()) return fail("unterminated string");
    i++;
    return true;
  }
  bool value(Json* v) {
    if (++depth > 64) return fail("nesting deeper than 64");
    ws();
    if (i >= s.size()) return fail("unexpected end");
    char c = s[i];
    bool ok = true;
    if (c == '{') {
      v->kind = Json::Kind::Object;
      i++;
      ws();
      if (i < s.size() && s[i] == '}') {
        i++;
      } else {
        while (ok) {
          ws();
          if (i >= s.size() || s[i] != '"') return fail("expected a key");
          std::string k;
          if (!string(&k)) return false;
          ws();
          if (i >= s.size() || s[i++] != ':') return fail("expected ':'");
          if (!value(&v->fields[k])) return false;
          ws();
          if (i < s.size() && s[i] == ',') { i++; continue; }
          if (i < s.size() && s[i] == '}') { i++; break; }
          return fail("expected ',' or '}'");
        }
      }
    } else if (c == '[') {
      v->kind = Json::Kind::Array;
      i++;
      ws();
      if (i < s.size() && s[i] == ']') {
        i++;
      } else {
        while (ok) {
          v->items.emplace_back();
          if (!value(&v->items.back())) return false;
          ws();
          if (i < s.size() && s[i] == ',') { i++; continue; }
          if (i < s.size() && s[i] == ']') { i++; break; }
          return fail("expected ',' or ']'");
        }
      }
    } else if (c == '"') {
      v->kind = Json::Kind::String;
      ok = string(&v->text);
    } else if (c == 't' || c == 'f') {
      v->kind = Json::Kind::Bool;
      v->b = c == 't';
      ok = literal(c == 't' ? "true" : "false");
    } else if (c == 'n') {
      ok = literal("null");
    } else {
      char* end = nullptr;
      v->kind = Json::Kind::Number;
      v->number = strtod(s.c_str() + i, &end);
      if (end == s.c_str() + i) return fail("unexpected character");
      i = size_t(end - s.c_str());
    }
    depth--;
    return ok;
  }
};

}  // namespace

bool parse_json(const std::string& text, Json* out, std::string* error) {
  Parser p{text, 0, std::string(), 0};
  if (!p.value(out)) {
    *error = p.error;
    return false;
  }
  p.ws();
  if (p.i != text.size()) {
    *error = "trailing characters at offset " + std::to_string(p.i);
    return false;
  }
  return true;
}

}  // namespace runner
}  // namespace etb
