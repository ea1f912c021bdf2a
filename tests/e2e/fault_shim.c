// Storage faults for the end-to-end tests, loaded into the monitor with LD_PRELOAD.
//
// While the file named by FAULT_SHIM_CONTROL exists, file operations on paths under
// FAULT_SHIM_DIR behave the way the file system named in the control file does:
//   read-only  opening for writing, renaming and unlinking fail with EROFS;
//   full       the first write to an empty file stores half of its bytes, every other write
//              fails with ENOSPC; creating, renaming and unlinking still work;
//   slow       nothing fails, but the first write to an empty file stores half of its bytes
//              and then pauses a quarter of a second: a file being written stays half
//              written long enough for a test to kill the writer at that moment.
// Each injected failure appends "<call> <path>" to FAULT_SHIM_LOG, so a test can count the
// monitor's attempts. Tests run as root, where permission bits do not stop writes, and may
// not be allowed to mount a small or read-only file system; this works everywhere.
//
// Only open, write, rename and unlink are wrapped: the calls through which the monitor saves
// its state. The shim's own file access uses raw system calls, so it never comes back here.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum fault { no_fault, read_only, full, slow, unreadable };

static enum fault active_fault(void) {
  const char* control = getenv("FAULT_SHIM_CONTROL");
  if (control == NULL)
    return no_fault;
  const int fd = (int)syscall(SYS_openat, AT_FDCWD, control, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return no_fault;
  char text[32] = {0};
  const long length = syscall(SYS_read, fd, text, sizeof text - 1);
  syscall(SYS_close, fd);
  if (length <= 0)
    return no_fault;
  if (strncmp(text, "read-only", strlen("read-only")) == 0)
    return read_only;
  if (strncmp(text, "full", strlen("full")) == 0)
    return full;
  if (strncmp(text, "slow", strlen("slow")) == 0)
    return slow;
  if (strncmp(text, "unreadable", strlen("unreadable")) == 0)
    return unreadable;
  return no_fault;
}

static bool is_under_faulty_dir(const char* path) {
  const char* dir = getenv("FAULT_SHIM_DIR");
  if (dir == NULL || path == NULL)
    return false;
  const size_t length = strlen(dir);
  return strncmp(path, dir, length) == 0 && (path[length] == '/' || path[length] == '\0');
}

// `path` made absolute; false when it cannot be.
static bool absolute_path(const char* path, char* out, size_t size) {
  if (path[0] == '/')
    return snprintf(out, size, "%s", path) < (int)size;
  char base[PATH_MAX];
  if (getcwd(base, sizeof base) == NULL)
    return false;
  return snprintf(out, size, "%s/%s", base, path) < (int)size;
}

static bool fd_path(int fd, char* out, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t length = readlink(link, out, size - 1);
  if (length < 0)
    return false;
  out[length] = '\0';
  return true;
}

static void record(const char* call, const char* path) {
  const char* log = getenv("FAULT_SHIM_LOG");
  if (log == NULL)
    return;
  char line[PATH_MAX + 64];
  const int wanted = snprintf(line, sizeof line, "%s %s\n", call, path);
  const size_t length = wanted < (int)sizeof line ? (size_t)wanted : sizeof line - 1;
  const int fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                              0644);
  if (fd < 0)
    return;
  syscall(SYS_write, fd, line, length);
  syscall(SYS_close, fd);
}

// Fails the call with `error` when `fault` is on and the path is under the directory.
static bool inject(enum fault fault, const char* path, const char* call, int error) {
  char absolute[PATH_MAX];
  if (path == NULL || !absolute_path(path, absolute, sizeof absolute)
      || !is_under_faulty_dir(absolute) || active_fault() != fault)
    return false;
  record(call, absolute);
  errno = error;
  return true;
}

// Looked up on first use: the next definition in the search order, normally libc's.
#define REAL(name, type)                                                                           \
  static type real_##name;                                                                         \
  type name##_target = __atomic_load_n(&real_##name, __ATOMIC_ACQUIRE);                            \
  if (name##_target == NULL) {                                                                     \
    name##_target = (type)dlsym(RTLD_NEXT, #name);                                                 \
    __atomic_store_n(&real_##name, name##_target, __ATOMIC_RELEASE);                               \
  }

int open(const char* path, int flags, ...) {
  mode_t mode = 0;
  if ((flags & (O_CREAT | O_TMPFILE)) != 0) {
    va_list arguments;
    va_start(arguments, flags);
    mode = (mode_t)va_arg(arguments, int);
    va_end(arguments);
  }
  if ((flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0
      && inject(read_only, path, "open", EROFS))
    return -1;
  if ((flags & (O_WRONLY | O_RDWR)) == 0 && inject(unreadable, path, "open", EACCES))
    return -1;
  typedef int (*open_type)(const char*, int, ...);
  REAL(open, open_type)
  return open_target(path, flags, mode);
}

ssize_t write(int fd, const void* bytes, size_t count) {
  typedef ssize_t (*write_type)(int, const void*, size_t);
  REAL(write, write_type)
  char path[PATH_MAX];
  if (count == 0 || !fd_path(fd, path, sizeof path) || !is_under_faulty_dir(path))
    return write_target(fd, bytes, count);
  const enum fault fault = active_fault();
  if (fault != full && fault != slow)
    return write_target(fd, bytes, count);
  struct stat status;
  if (count > 1 && fstat(fd, &status) == 0 && status.st_size == 0) {
    const ssize_t written = write_target(fd, bytes, count / 2);
    if (fault == slow) {
      const struct timespec quarter_second = {0, 250 * 1000 * 1000};
      nanosleep(&quarter_second, NULL);
    }
    return written;
  }
  if (fault == slow)
    return write_target(fd, bytes, count);
  record("write", path);
  errno = ENOSPC;
  return -1;
}

int rename(const char* from, const char* to) {
  if (inject(read_only, from, "rename", EROFS) || inject(read_only, to, "rename", EROFS))
    return -1;
  typedef int (*rename_type)(const char*, const char*);
  REAL(rename, rename_type)
  return rename_target(from, to);
}

int unlink(const char* path) {
  if (inject(read_only, path, "unlink", EROFS))
    return -1;
  typedef int (*unlink_type)(const char*);
  REAL(unlink, unlink_type)
  return unlink_target(path);
}
