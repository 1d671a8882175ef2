#include "mcu/semihost.h"

#include <string.h>

namespace {

// Operation numbers from the Arm semihosting specification.
enum : uint32_t {
  kSysOpen = 0x01,
  kSysClose = 0x02,
  kSysWrite = 0x05,
  kSysRead = 0x06,
  kSysFlen = 0x0C,
  kSysGetCmdline = 0x15,
  kSysExit = 0x18,
  kSysExitExtended = 0x20,
};
constexpr uint32_t kApplicationExit = 0x20026;  // ADP_Stopped_ApplicationExit

uintptr_t call(uint32_t op, const void* arg) {
  register uintptr_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

int g_stdout = -1;
int g_stderr = -1;

}  // namespace

extern "C" {

int etb_sh_open(const char* path, int mode) {
  uintptr_t block[3] = {uintptr_t(path), uintptr_t(mode), strlen(path)};
  return int(call(kSysOpen, block));
}

int etb_sh_close(int fd) {
  uintptr_t block[1] = {uintptr_t(fd)};
  return int(call(kSysClose, block));
}

size_t etb_sh_write(int fd, const void* data, size_t size) {
  uintptr_t block[3] = {uintptr_t(fd), uintptr_t(data), size};
  return call(kSysWrite, block);
}

size_t etb_sh_read(int fd, void* data, size_t size) {
  uintptr_t block[3] = {uintptr_t(fd), uintptr_t(data), size};
  return call(kSysRead, block);
}

long etb_sh_flen(int fd) {
  uintptr_t block[1] = {uintptr_t(fd)};
  return long(call(kSysFlen, block));
}

int etb_sh_cmdline(char* buf, size_t size) {
  uintptr_t block[2] = {uintptr_t(buf), size};
  return int(call(kSysGetCmdline, block));
}

int etb_sh_stdout(void) {
  if (g_stdout < 0) g_stdout = etb_sh_open(":tt", ETB_SH_MODE_WB);
  return g_stdout;
}

int etb_sh_stderr(void) {
  if (g_stderr < 0) g_stderr = etb_sh_open(":tt", ETB_SH_MODE_AB);
  return g_stderr;
}

void etb_sh_exit(int code) {
  // SYS_EXIT_EXTENDED carries the status; plain SYS_EXIT on 32-bit Arm only
  // says success or failure.
  uintptr_t block[2] = {kApplicationExit, uintptr_t(code)};
  call(kSysExitExtended, block);
  call(kSysExit, reinterpret_cast<const void*>(uintptr_t(kApplicationExit)));
  for (;;) {
  }
}

}  // extern "C"
