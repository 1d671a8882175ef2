// A tiny GoogleTest-style harness with no heap and no exceptions, so the same
// *_test.cpp files can run on the host and on a microcontroller.
//
//   TEST(Tensor, ResizeStatic) { EXPECT_EQ(resize(...), Error::Ok); }
//
// The runner prints one line per failure and a closing "N passed, N failed".
#pragma once
#include <stdio.h>
#include <string.h>

namespace minitest {

struct Case {
  const char* suite;
  const char* name;
  void (*fn)();
  Case* next;
};

Case*& registry();
int& failures();
bool& current_failed();
int run_all();

struct Registrar {
  Case c;
  Registrar(const char* suite, const char* name, void (*fn)()) : c{suite, name, fn, nullptr} {
    Case** tail = &registry();
    while (*tail) tail = &(*tail)->next;
    *tail = &c;
  }
};

inline void report(const char* file, int line, const char* expr) {
  printf("  FAILED %s:%d: %s\n", file, line, expr);
  current_failed() = true;
}

}  // namespace minitest

#define TEST(suite, name)                                                             \
  static void minitest_##suite##_##name();                                            \
  static minitest::Registrar minitest_reg_##suite##_##name(#suite, #name, minitest_##suite##_##name); \
  static void minitest_##suite##_##name()

#define EXPECT_TRUE(x) \
  do { if (!(x)) minitest::report(__FILE__, __LINE__, #x); } while (0)
#define EXPECT_FALSE(x) EXPECT_TRUE(!(x))
#define EXPECT_EQ(a, b) \
  do { if (!((a) == (b))) minitest::report(__FILE__, __LINE__, #a " == " #b); } while (0)
#define EXPECT_NE(a, b) \
  do { if ((a) == (b)) minitest::report(__FILE__, __LINE__, #a " != " #b); } while (0)
#define ASSERT_TRUE(x) \
  do { if (!(x)) { minitest::report(__FILE__, __LINE__, #x); return; } } while (0)
#define ASSERT_EQ(a, b) \
  do { if (!((a) == (b))) { minitest::report(__FILE__, __LINE__, #a " == " #b); return; } } while (0)
#define EXPECT_STR_CONTAINS(haystack, needle) \
  do { if (strstr((haystack), (needle)) == nullptr) { minitest::report(__FILE__, __LINE__, #haystack " contains " #needle); fprintf(stderr, "    actual: %s\n", (haystack)); } } while (0)
