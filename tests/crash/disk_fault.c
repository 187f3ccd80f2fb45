/* disk_fault.c: an LD_PRELOAD shim that makes a real `warren serve` see a failing disk.
 *
 * It wraps libc's write(2) and sync(2) family for the files under one directory (the data
 * directory) and, while a control file says so, makes matching calls fail with EIO or ENOSPC,
 * or write only part of what they were asked to (a short write). The server is the shipped
 * binary, unchanged: RocksDB's own POSIX layer meets the errors exactly as it would meet a
 * failing disk (its errno mapping, its loop over short writes, its latched writer errors).
 *
 * Environment (read once, at load):
 *   WARREN_FAULT_CONTROL  the control file. Absent file: every call passes through. Without
 *                         this variable the shim does nothing at all.
 *   WARREN_FAULT_DIR      only files (and the directory itself) under this directory; default
 *                         every file.
 *   WARREN_FAULT_LOG      each injected fault is appended here as one line:
 *                         "<CLOCK_MONOTONIC ns> <fault number> <call> <what> <path>".
 *
 * Control file: words "key=value" separated by blanks, read again whenever the file changes
 * (a new file, or a rewrite: write it elsewhere and rename it over, so it is never half read);
 * a change restarts the counts below.
 *   op=write|sync|any  which calls: write (write, pwrite, pwrite64, writev, pwritev), sync
 *                      (fsync, fdatasync, sync_file_range with flags), any (default)
 *   error=eio|enospc|short|short-enospc
 *                      eio / enospc: the call fails with that errno and does nothing (default
 *                      eio). short: a matching write writes half its bytes (at least 1) and
 *                      returns that count, which POSIX allows and callers must continue from.
 *                      short-enospc: the first matching write is short, every later one fails
 *                      with ENOSPC (a disk filling up in the middle of a write). The short
 *                      kinds touch writes only; syncs pass.
 *   files=GLOB         only files whose base name matches (fnmatch), e.g. "*.log"; default "*"
 *   after=N            the first N matching calls pass (default 0): "fail the 21st WAL sync"
 *   count=N            at most N faults, then every call passes again (default: no limit)
 *   lose=1             a failed sync also loses what it was to make durable: the bytes written
 *                      to the file through this descriptor since its last successful sync are
 *                      overwritten with zeros, as a kernel may drop the dirty pages of a failed
 *                      writeback and report success to the next fsync ("fsyncgate").
 *
 * Limits: descriptors are told apart by number and inode (dev, ino) up to 16384; writes of
 * higher descriptors are matched but not tracked for lose=1. fallocate, mmap'd writes and
 * io_uring are not wrapped (RocksDB's write path uses none of them for data it relies on).
 * A test artifact: built by CMake next to the binary (tests/crash/libwarren_diskfault.so),
 * used by tests/crash/test_disk_faults.py, never installed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum op_kind { OP_WRITE = 1, OP_SYNC = 2, OP_ANY = 3 };
enum fault_kind { F_EIO, F_ENOSPC, F_SHORT, F_SHORT_ENOSPC };

#define MAX_TRACKED 16384

/* What one descriptor refers to, and the range written through it since its last sync. */
struct tracked {
  int known;  /* 0: not resolved yet */
  int inside; /* under WARREN_FAULT_DIR */
  dev_t dev;
  ino_t ino;
  char base[NAME_MAX + 1];
  char path[PATH_MAX];
  off_t dirty_lo, dirty_hi; /* [lo, hi): unsynced bytes; lo == hi: none */
};

/* The control file as last read. */
struct control {
  int present;
  dev_t dev;
  ino_t ino;
  struct timespec mtime, ctime;
  off_t size;
  int op;
  int fault;
  char files[NAME_MAX + 1];
  long long after, count;
  int lose;
  long long matched;  /* matching calls seen since it was read */
  long long injected; /* faults injected since it was read */
};

static ssize_t (*real_write)(int, const void*, size_t);
static ssize_t (*real_pwrite)(int, const void*, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void*, size_t, off64_t);
static ssize_t (*real_writev)(int, const struct iovec*, int);
static ssize_t (*real_pwritev)(int, const struct iovec*, int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_sync_file_range)(int, off64_t, off64_t, unsigned int);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char* control_path;
static char dir_prefix[PATH_MAX];
static size_t dir_len;
static const char* log_path;
static struct tracked fds[MAX_TRACKED];
static struct control ctl;

static void* next_symbol(const char* name) {
  void* symbol = dlsym(RTLD_NEXT, name);
  if (symbol == NULL) {
    fprintf(stderr, "disk_fault: %s not found: %s\n", name, dlerror());
    abort();
  }
  return symbol;
}

/* dlsym returns an object pointer; POSIX guarantees it converts to the function's type. */
#define BIND(var, name)                    \
  do {                                     \
    void* symbol_ = next_symbol(name);     \
    memcpy(&(var), &symbol_, sizeof(var)); \
  } while (0)

__attribute__((constructor)) static void init(void) {
  BIND(real_write, "write");
  BIND(real_pwrite, "pwrite");
  BIND(real_pwrite64, "pwrite64");
  BIND(real_writev, "writev");
  BIND(real_pwritev, "pwritev");
  BIND(real_fsync, "fsync");
  BIND(real_fdatasync, "fdatasync");
  BIND(real_sync_file_range, "sync_file_range");
  control_path = getenv("WARREN_FAULT_CONTROL");
  log_path = getenv("WARREN_FAULT_LOG");
  const char* dir = getenv("WARREN_FAULT_DIR");
  if (dir != NULL && dir[0] != '\0') {
    /* Compare against the resolved directory, as /proc/self/fd shows it. */
    if (realpath(dir, dir_prefix) == NULL) snprintf(dir_prefix, sizeof dir_prefix, "%s", dir);
    dir_len = strlen(dir_prefix);
    while (dir_len > 1 && dir_prefix[dir_len - 1] == '/') dir_prefix[--dir_len] = '\0';
  }
}

static int same_time(const struct timespec* a, const struct timespec* b) {
  return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Parses the control file's words into ctl (lock held). */
static void parse_control(const char* text) {
  ctl.op = OP_ANY;
  ctl.fault = F_EIO;
  snprintf(ctl.files, sizeof ctl.files, "*");
  ctl.after = 0;
  ctl.count = -1;
  ctl.lose = 0;
  ctl.matched = 0;
  ctl.injected = 0;
  char copy[1024];
  snprintf(copy, sizeof copy, "%s", text);
  char* save = NULL;
  for (char* word = strtok_r(copy, " \t\r\n", &save); word != NULL;
       word = strtok_r(NULL, " \t\r\n", &save)) {
    char* value = strchr(word, '=');
    if (value == NULL) continue;
    *value++ = '\0';
    if (strcmp(word, "op") == 0) {
      ctl.op = strcmp(value, "write") == 0  ? OP_WRITE
               : strcmp(value, "sync") == 0 ? OP_SYNC
                                            : OP_ANY;
    } else if (strcmp(word, "error") == 0) {
      ctl.fault = strcmp(value, "enospc") == 0         ? F_ENOSPC
                  : strcmp(value, "short") == 0        ? F_SHORT
                  : strcmp(value, "short-enospc") == 0 ? F_SHORT_ENOSPC
                                                       : F_EIO;
    } else if (strcmp(word, "files") == 0) {
      snprintf(ctl.files, sizeof ctl.files, "%s", value);
    } else if (strcmp(word, "after") == 0) {
      ctl.after = atoll(value);
    } else if (strcmp(word, "count") == 0) {
      ctl.count = atoll(value);
    } else if (strcmp(word, "lose") == 0) {
      ctl.lose = atoi(value) != 0;
    }
  }
}

/* Brings ctl up to date with the control file (lock held). */
static void refresh_control(void) {
  struct stat st;
  if (stat(control_path, &st) != 0) {
    ctl.present = 0;
    return;
  }
  if (ctl.present && st.st_dev == ctl.dev && st.st_ino == ctl.ino && st.st_size == ctl.size &&
      same_time(&st.st_mtim, &ctl.mtime) && same_time(&st.st_ctim, &ctl.ctime)) {
    return;
  }
  char text[1024] = {0};
  int fd = open(control_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ctl.present = 0;
    return;
  }
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n < 0) n = 0;
  text[n] = '\0';
  parse_control(text);
  ctl.present = 1;
  ctl.dev = st.st_dev;
  ctl.ino = st.st_ino;
  ctl.size = st.st_size;
  ctl.mtime = st.st_mtim;
  ctl.ctime = st.st_ctim;
}

/* What `fd` (a file or directory, `st` its fstat) refers to (lock held); NULL when it is
 * outside the directory. */
static struct tracked* resolve(int fd, const struct stat* st_in, struct tracked* scratch) {
  const struct stat st = *st_in;
  struct tracked* t = fd >= 0 && fd < MAX_TRACKED ? &fds[fd] : scratch;
  if (t != scratch && t->known && t->dev == st.st_dev && t->ino == st.st_ino) {
    return t->inside ? t : NULL;
  }
  memset(t, 0, sizeof *t);
  t->known = 1;
  t->dev = st.st_dev;
  t->ino = st.st_ino;
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, t->path, sizeof t->path - 1);
  if (n <= 0) return NULL;
  t->path[n] = '\0';
  t->inside = dir_len == 0 || (strncmp(t->path, dir_prefix, dir_len) == 0 &&
                               (t->path[dir_len] == '/' || t->path[dir_len] == '\0'));
  const char* slash = strrchr(t->path, '/');
  snprintf(t->base, sizeof t->base, "%.*s", (int)(sizeof t->base - 1),
           slash != NULL ? slash + 1 : t->path);
  return t->inside ? t : NULL;
}

static void note(const char* call, const char* what, const struct tracked* t) {
  if (log_path == NULL) return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  char line[PATH_MAX + 128];
  int n = snprintf(line, sizeof line, "%lld %lld %s %s %s\n",
                   (long long)now.tv_sec * 1000000000LL + now.tv_nsec, ctl.injected, call, what,
                   t->path);
  int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (n > (int)sizeof line) n = (int)sizeof line;
  ssize_t ignored = real_write(fd, line, (size_t)n);
  (void)ignored;
  close(fd);
}

/* The decision for one call (lock held): 0 pass, -1 fail with *err, >0 write only that many. */
static ssize_t decide(int op, const char* call, struct tracked* t, size_t len, int* err) {
  if (control_path == NULL) return 0;
  refresh_control();
  if (!ctl.present || !(ctl.op & op) || fnmatch(ctl.files, t->base, 0) != 0) return 0;
  const int shorts = ctl.fault == F_SHORT || ctl.fault == F_SHORT_ENOSPC;
  if (op == OP_SYNC && shorts) return 0;
  if (shorts && len <= 1) return 0; /* nothing is shorter than one byte */
  if (ctl.matched++ < ctl.after) return 0;
  if (ctl.count >= 0 && ctl.injected >= ctl.count) return 0;
  ++ctl.injected;
  if (ctl.fault == F_SHORT || (ctl.fault == F_SHORT_ENOSPC && ctl.injected == 1)) {
    note(call, "short", t);
    return (ssize_t)(len / 2);
  }
  *err = ctl.fault == F_EIO ? EIO : ENOSPC;
  note(call, *err == EIO ? "EIO" : "ENOSPC", t);
  return -1;
}

/* Overwrites the unsynced range of `t` with zeros (lock held): the lost writeback. */
static void lose_unsynced(int fd, struct tracked* t) {
  static const char zeros[4096];
  for (off_t at = t->dirty_lo; at < t->dirty_hi;) {
    size_t n =
        (size_t)(t->dirty_hi - at) < sizeof zeros ? (size_t)(t->dirty_hi - at) : sizeof zeros;
    ssize_t done = real_pwrite(fd, zeros, n, at);
    if (done <= 0) break;
    at += done;
  }
  char what[64];
  snprintf(what, sizeof what, "lost[%lld,%lld)", (long long)t->dirty_lo, (long long)t->dirty_hi);
  note("writeback", what, t);
  t->dirty_lo = t->dirty_hi = 0;
}

static void mark_dirty(struct tracked* t, off_t at, ssize_t done) {
  if (done <= 0 || at < 0) return;
  if (t->dirty_lo == t->dirty_hi) {
    t->dirty_lo = at;
    t->dirty_hi = at + done;
    return;
  }
  if (at < t->dirty_lo) t->dirty_lo = at;
  if (at + done > t->dirty_hi) t->dirty_hi = at + done;
}

/* Whether `fd` may concern the shim; fills `st`. Decided before taking the lock and without
 * it for anything but files and directories: Asio writes to a pipe from a signal handler, which
 * must never wait for a lock the interrupted thread holds. */
static int candidate(int fd, struct stat* st) {
  if (control_path == NULL) return 0;
  const int saved = errno;
  const int ok = fstat(fd, st) == 0 && (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode));
  errno = saved;
  return ok;
}

/* One write call: `offset` < 0 means the descriptor's position. `len` is what it asks for;
 * do_write performs the real call with at most `limit` bytes. */
typedef ssize_t (*writer)(int fd, const void* a, size_t limit, off_t offset, int count);

static ssize_t wrapped_write(const char* call, int fd, const void* a, size_t len, off_t offset,
                             int count, writer do_write) {
  struct stat st;
  if (!candidate(fd, &st)) return do_write(fd, a, len, offset, count);
  const int saved = errno;
  pthread_mutex_lock(&lock);
  struct tracked scratch;
  struct tracked* t = resolve(fd, &st, &scratch);
  size_t limit = len;
  off_t at = offset;
  if (t != NULL) {
    int err = 0;
    ssize_t verdict = decide(OP_WRITE, call, t, len, &err);
    if (verdict < 0) {
      pthread_mutex_unlock(&lock);
      errno = err;
      return -1;
    }
    if (verdict > 0) limit = (size_t)verdict;
    if (at < 0) at = lseek(fd, 0, SEEK_CUR);
  }
  pthread_mutex_unlock(&lock);
  errno = saved;
  ssize_t done = do_write(fd, a, limit, offset, count);
  if (t != NULL && t != &scratch && done > 0) {
    const int after = errno;
    pthread_mutex_lock(&lock);
    mark_dirty(t, at, done);
    pthread_mutex_unlock(&lock);
    errno = after;
  }
  return done;
}

/* One sync call; `durable`: success makes everything written so far durable (fsync,
 * fdatasync; not sync_file_range, which only starts or waits for writeback of a range). */
static int wrapped_sync(const char* call, int fd, int durable, int (*do_sync)(int fd, void* arg),
                        void* arg) {
  struct stat st;
  if (!candidate(fd, &st)) return do_sync(fd, arg);
  const int saved = errno;
  pthread_mutex_lock(&lock);
  struct tracked scratch;
  struct tracked* t = resolve(fd, &st, &scratch);
  if (t != NULL) {
    int err = 0;
    if (decide(OP_SYNC, call, t, 0, &err) < 0) {
      if (ctl.lose && t != &scratch) lose_unsynced(fd, t);
      pthread_mutex_unlock(&lock);
      errno = err;
      return -1;
    }
  }
  pthread_mutex_unlock(&lock);
  errno = saved;
  int result = do_sync(fd, arg);
  if (result == 0 && durable && t != NULL && t != &scratch) {
    pthread_mutex_lock(&lock);
    t->dirty_lo = t->dirty_hi = 0;
    pthread_mutex_unlock(&lock);
    errno = saved;
  }
  return result;
}

static ssize_t do_plain(int fd, const void* a, size_t limit, off_t offset, int count) {
  (void)offset;
  (void)count;
  return real_write(fd, a, limit);
}
static ssize_t do_positioned(int fd, const void* a, size_t limit, off_t offset, int count) {
  (void)count;
  return real_pwrite(fd, a, limit, offset);
}
/* Vectored writes: whole when not cut short, else a plain write of the first buffer's part. */
static size_t total_of(const struct iovec* iov, int count) {
  size_t total = 0;
  for (int i = 0; i < count; ++i) total += iov[i].iov_len;
  return total;
}
static ssize_t do_vector(int fd, const void* a, size_t limit, off_t offset, int count) {
  const struct iovec* iov = a;
  if (limit == total_of(iov, count)) {
    return offset < 0 ? real_writev(fd, iov, count) : real_pwritev(fd, iov, count, offset);
  }
  size_t first = limit < iov[0].iov_len ? limit : iov[0].iov_len;
  if (first == 0) first = 1;
  return offset < 0 ? real_write(fd, iov[0].iov_base, first)
                    : real_pwrite(fd, iov[0].iov_base, first, offset);
}

ssize_t write(int fd, const void* buf, size_t len) {
  return wrapped_write("write", fd, buf, len, -1, 0, do_plain);
}
ssize_t pwrite(int fd, const void* buf, size_t len, off_t offset) {
  return wrapped_write("pwrite", fd, buf, len, offset, 0, do_positioned);
}
ssize_t pwrite64(int fd, const void* buf, size_t len, off64_t offset) {
  return wrapped_write("pwrite64", fd, buf, len, (off_t)offset, 0, do_positioned);
}
ssize_t writev(int fd, const struct iovec* iov, int count) {
  if (count <= 0) return real_writev(fd, iov, count);
  return wrapped_write("writev", fd, iov, total_of(iov, count), -1, count, do_vector);
}
ssize_t pwritev(int fd, const struct iovec* iov, int count, off_t offset) {
  if (count <= 0) return real_pwritev(fd, iov, count, offset);
  return wrapped_write("pwritev", fd, iov, total_of(iov, count), offset, count, do_vector);
}

static int do_fsync(int fd, void* arg) {
  (void)arg;
  return real_fsync(fd);
}
static int do_fdatasync(int fd, void* arg) {
  (void)arg;
  return real_fdatasync(fd);
}
struct range_args {
  off64_t offset, nbytes;
  unsigned int flags;
};
static int do_range(int fd, void* arg) {
  const struct range_args* r = arg;
  return real_sync_file_range(fd, r->offset, r->nbytes, r->flags);
}

int fsync(int fd) {
  return wrapped_sync("fsync", fd, 1, do_fsync, NULL);
}
int fdatasync(int fd) {
  return wrapped_sync("fdatasync", fd, 1, do_fdatasync, NULL);
}
/* With no flags it does nothing (RocksDB calls it so to learn whether it is supported, and
 * asserts that it cannot fail otherwise than ENOSYS): never a fault. */
int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags) {
  if (flags == 0) return real_sync_file_range(fd, offset, nbytes, flags);
  struct range_args r = {offset, nbytes, flags};
  return wrapped_sync("sync_file_range", fd, 0, do_range, &r);
}
