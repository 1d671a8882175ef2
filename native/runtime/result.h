// Result<T>: a value or an Error, without exceptions or heap.
//
//   etb::Result<int> r = parse(...);
//   if (!r.ok()) return r.error();
//   int v = *r;
//
// ETB_TRY(lhs, expr) declares/assigns `lhs` from a Result or returns its error.
#pragma once
#include <new>
#include <utility>

#include "runtime/error.h"

namespace etb {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : error_(Error::Ok) { new (&storage_) T(value); }
  Result(T&& value) : error_(Error::Ok) { new (&storage_) T(std::move(value)); }
  // An error Result; `error` must not be Error::Ok.
  Result(Error error) : error_(error == Error::Ok ? Error::Internal : error) {}
  Result(Result&& other) : error_(other.error_) {
    if (ok()) new (&storage_) T(std::move(other.get()));
  }
  Result(const Result& other) : error_(other.error_) {
    if (ok()) new (&storage_) T(other.get());
  }
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (ok()) get().~T();
  }

  bool ok() const { return error_ == Error::Ok; }
  Error error() const { return error_; }
  T& get() { return *reinterpret_cast<T*>(&storage_); }
  const T& get() const { return *reinterpret_cast<const T*>(&storage_); }
  T& operator*() { return get(); }
  const T& operator*() const { return get(); }
  T* operator->() { return &get(); }
  const T* operator->() const { return &get(); }

 private:
  Error error_;
  alignas(T) unsigned char storage_[sizeof(T)];
};

}  // namespace etb

#define ETB_CONCAT_INNER_(a, b) a##b
#define ETB_CONCAT_(a, b) ETB_CONCAT_INNER_(a, b)
#define ETB_TRY(lhs, expr) ETB_TRY_IMPL_(ETB_CONCAT_(etb_result_, __LINE__), lhs, expr)
#define ETB_TRY_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                  \
  if (!tmp.ok()) return tmp.error();  \
  lhs = std::move(tmp.get())
