#include "testing/minitest.h"

namespace minitest {

Case*& registry() {
  static Case* head = nullptr;
  return head;
}
int& failures() {
  static int n = 0;
  return n;
}
bool& current_failed() {
  static bool f = false;
  return f;
}

int run_all() {
  int passed = 0, failed = 0;
  for (Case* c = registry(); c; c = c->next) {
    current_failed() = false;
    c->fn();
    if (current_failed()) {
      printf("FAIL %s.%s\n", c->suite, c->name);
      failed++;
    } else {
      passed++;
    }
  }
  printf("native: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace minitest

int main() { return minitest::run_all(); }
