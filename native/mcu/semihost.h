// Arm semihosting: the firmware's only channel to the host (files, console,
// command line, exit code). Each call traps with `bkpt 0xab`; QEMU run with
// `-semihosting-config enable=on,target=native` answers it on the host.
//
//   int fd = etb_sh_open("inputs.bin", ETB_SH_MODE_RB);
//   long n = etb_sh_flen(fd);
//   etb_sh_read(fd, buf, n);                   // 0 when everything was read
//   etb_sh_write(etb_sh_stderr(), "hi\n", 3);
//   etb_sh_exit(3);                            // never returns
//
// Without a debugger or emulator attached the bkpt faults, so this layer is
// only for boards run under QEMU or a semihosting-capable probe.
#pragma once
#include <stddef.h>
#include <stdint.h>

extern "C" {

// SYS_OPEN modes (ISO C fopen modes in the semihosting numbering).
enum { ETB_SH_MODE_RB = 1, ETB_SH_MODE_WB = 5, ETB_SH_MODE_AB = 9 };

// A handle, or -1 on failure. The name ":tt" opens the console.
int etb_sh_open(const char* path, int mode);
int etb_sh_close(int fd);
// Bytes NOT written / NOT read (0 = all), as the semihosting calls return.
size_t etb_sh_write(int fd, const void* data, size_t size);
size_t etb_sh_read(int fd, void* data, size_t size);
// File length in bytes, or -1.
long etb_sh_flen(int fd);
// The command line QEMU passes (`arg=` items joined by spaces); 0 on success.
int etb_sh_cmdline(char* buf, size_t size);
// Console handles, opened on first use.
int etb_sh_stdout(void);
int etb_sh_stderr(void);
// Ends the emulation with `code` as QEMU's exit status.
__attribute__((noreturn)) void etb_sh_exit(int code);

}  // extern "C"
