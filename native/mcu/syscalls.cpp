// The few newlib hooks the firmware links. There is no heap: _sbrk always
// fails, so any malloc (none is expected: the runtime core never calls it)
// returns null instead of silently taking RAM.
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

#include "mcu/semihost.h"

extern "C" {

void* _sbrk(ptrdiff_t) {
  errno = ENOMEM;
  return reinterpret_cast<void*>(-1);
}

__attribute__((noreturn)) void _exit(int code) { etb_sh_exit(code); }

int _write(int fd, const char* data, int size) {
  int handle = fd == 2 ? etb_sh_stderr() : etb_sh_stdout();
  return size - int(etb_sh_write(handle, data, size_t(size)));
}

int _read(int, char*, int) { return 0; }
int _close(int) { return -1; }
int _lseek(int, int, int) { return 0; }
int _isatty(int) { return 1; }
int _fstat(int, struct stat* st) {
  st->st_mode = S_IFCHR;
  return 0;
}
int _getpid(void) { return 1; }
int _kill(int, int) {
  errno = EINVAL;
  return -1;
}

}  // extern "C"
