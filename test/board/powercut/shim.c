/* LD_PRELOAD shim for the power-cut model test (test/board/powercut.test.ts),
 * in the spirit of CrashMonkey and ALICE: it logs every file operation on
 * paths under HL_SHIM_DIR, in order, to HL_SHIM_LOG (O_APPEND, one write()
 * per line), so a checker can rebuild the files as a power cut after any
 * operation would leave them. It can also make chosen operations fail
 * (HL_SHIM_FAIL), to test how each disk error is reported.
 *
 * Log lines "KIND NS ARGS", NS the CLOCK_MONOTONIC time in ns when the
 * operation was done (Node's process.hrtime clock: the program can log its
 * own lines on the same time line); paths absolute as the program gave
 * them, no spaces in them:
 *   C ns path          file created (open with O_CREAT of a missing file)
 *   W ns path off hex  bytes written at offset (write or pwrite)
 *   T ns path len      truncated or extended to len (ftruncate, O_TRUNC)
 *   S ns path          fsync or fdatasync (of a file, or of a folder)
 *   Y ns path start    syncfs: everything on the file system of path (begun at start ns)
 *   R ns from to       rename (rename, renameat, renameat2)
 *   L ns from to       hard link
 *   U ns path          unlink
 * HL_SHIM_FAIL: rules "op:substring:ERRNO[:nth]" separated by commas; op is
 * open, write, fsync or rename; the nth (default every) such operation on a
 * path containing substring fails with ERRNO (EACCES, ENOSPC, EIO, EMFILE).
 *
 * Built at test time with the system C compiler (cc, or g++ -x c), so it
 * needs nothing beyond what `npm install` needs. Linux/glibc only. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD 4096
#define MAX_RULES 8

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char *fd_path[MAX_FD];
static int log_fd = -1;
static const char *dir;
static size_t dir_len;
static int ready;

struct rule {
  char op[16], sub[128];
  int err, nth, seen;
};
static struct rule rules[MAX_RULES];
static int nrules;

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_ftruncate)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_syncfs)(int);
static int (*real_close)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned);
static int (*real_link)(const char *, const char *);
static int (*real_unlink)(const char *);

static int errno_of(const char *name) {
  if (!strcmp(name, "EACCES")) return EACCES;
  if (!strcmp(name, "ENOSPC")) return ENOSPC;
  if (!strcmp(name, "EMFILE")) return EMFILE;
  if (!strcmp(name, "EROFS")) return EROFS;
  return EIO;
}

static void init(void) {
  if (ready) return;
#define REAL(name) real_##name = dlsym(RTLD_NEXT, #name)
  REAL(write); REAL(pwrite); REAL(open); REAL(openat); REAL(ftruncate); REAL(fsync); REAL(fdatasync); REAL(syncfs);
  REAL(close); REAL(rename); REAL(renameat); REAL(renameat2); REAL(link); REAL(unlink);
#undef REAL
  dir = getenv("HL_SHIM_DIR");
  dir_len = dir ? strlen(dir) : 0;
  const char *log = getenv("HL_SHIM_LOG");
  if (log && dir_len) log_fd = real_open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const char *fail = getenv("HL_SHIM_FAIL");
  while (fail && *fail && nrules < MAX_RULES) {
    struct rule *r = &rules[nrules];
    char buf[256], errname[32] = "EIO";
    size_t n = strcspn(fail, ",");
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, fail, n);
    buf[n] = 0;
    r->nth = 0;
    if (sscanf(buf, "%15[^:]:%127[^:]:%31[^:]:%d", r->op, r->sub, errname, &r->nth) >= 3) {
      r->err = errno_of(errname);
      nrules++;
    }
    fail += n;
    if (*fail == ',') fail++;
  }
  ready = 1;
}

static int traced(const char *p) { return p && dir_len && strncmp(p, dir, dir_len) == 0; }

/* 0, or the errno an injected failure gives this operation. */
static int injected(const char *op, const char *path) {
  if (!path) return 0;
  for (int i = 0; i < nrules; i++) {
    struct rule *r = &rules[i];
    if (strcmp(r->op, op) != 0 || !strstr(path, r->sub)) continue;
    r->seen++;
    if (r->nth == 0 || r->seen == r->nth) return r->err;
  }
  return 0;
}

static void emit(const char *line, size_t n) {
  if (log_fd >= 0) real_write(log_fd, line, n);
}

static unsigned long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void log_line(char kind, const char *fmt, ...) {
  char line[8192];
  int k = snprintf(line, sizeof line, "%c %llu ", kind, now_ns());
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line + k, sizeof line - 1 - (size_t)k, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  n += k;
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  emit(line, (size_t)n);
}

static void log_write(const char *path, off_t off, const void *buf, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t cap = strlen(path) + 64 + 2 * n;
  char *line = malloc(cap);
  if (!line) return;
  int k = snprintf(line, cap, "W %llu %s %lld ", now_ns(), path, (long long)off);
  const unsigned char *b = buf;
  for (size_t i = 0; i < n; i++) {
    line[k++] = hex[b[i] >> 4];
    line[k++] = hex[b[i] & 15];
  }
  line[k++] = '\n';
  emit(line, (size_t)k);
  free(line);
}

static const char *path_of(int fd) { return fd >= 0 && fd < MAX_FD ? fd_path[fd] : NULL; }

static int after_open(int fd, const char *path, int flags, int existed) {
  if (fd < 0 || fd >= MAX_FD || !traced(path)) return fd;
  free(fd_path[fd]);
  fd_path[fd] = strdup(path);
  if ((flags & O_CREAT) && !existed) log_line('C', "%s", path);
  if ((flags & O_TRUNC) && existed) log_line('T', "%s 0", path);
  return fd;
}

/* Takes the log lock; an injected failure releases it and fails the call. */
#define ENTER(op, path)                \
  pthread_mutex_lock(&mu);             \
  do {                                 \
    int e_ = injected(op, path);       \
    if (e_) {                          \
      pthread_mutex_unlock(&mu);       \
      errno = e_;                      \
      return -1;                       \
    }                                  \
  } while (0)

/* An fd closed behind our back (libuv closes with a raw close syscall, so
 * close() below never sees it) may come back from an open of another file:
 * forget the old path, or that file's writes would be logged as the old one's. */
static void forget_stale(int fd) {
  if (fd < 0 || fd >= MAX_FD || !fd_path[fd]) return;
  pthread_mutex_lock(&mu);
  free(fd_path[fd]);
  fd_path[fd] = NULL;
  pthread_mutex_unlock(&mu);
}

static int do_open(int dirfd, const char *path, int flags, mode_t mode, int at) {
  init();
  if (!traced(path)) {
    int fd = at ? real_openat(dirfd, path, flags, mode) : real_open(path, flags, mode);
    int saved = errno;
    forget_stale(fd);
    errno = saved;
    return fd;
  }
  ENTER("open", path);
  struct stat st;
  int existed = stat(path, &st) == 0;
  int fd = at ? real_openat(dirfd, path, flags, mode) : real_open(path, flags, mode);
  int saved = errno;
  after_open(fd, path, flags, existed);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return fd;
}

/* The mode argument of open/openat, present only with O_CREAT or O_TMPFILE. */
#define MODE_ARG(flags)                          \
  mode_t mode = 0;                               \
  if ((flags) & (O_CREAT | O_TMPFILE)) {         \
    va_list ap;                                  \
    va_start(ap, flags);                         \
    mode = va_arg(ap, mode_t);                   \
    va_end(ap);                                  \
  }

int open(const char *path, int flags, ...) {
  MODE_ARG(flags)
  return do_open(AT_FDCWD, path, flags, mode, 0);
}
int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...) {
  MODE_ARG(flags)
  return do_open(dirfd, path, flags, mode, 1);
}
int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

ssize_t write(int fd, const void *buf, size_t n) {
  init();
  const char *p = path_of(fd);
  if (!p) return real_write(fd, buf, n);
  ENTER("write", p);
  off_t off = lseek(fd, 0, SEEK_CUR);
  ssize_t w = real_write(fd, buf, n);
  int saved = errno;
  if (w > 0) log_write(p, off, buf, (size_t)w);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return w;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  init();
  const char *p = path_of(fd);
  if (!p) return real_pwrite(fd, buf, n, off);
  ENTER("write", p);
  ssize_t w = real_pwrite(fd, buf, n, off);
  int saved = errno;
  if (w > 0) log_write(p, off, buf, (size_t)w);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return w;
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) __attribute__((alias("pwrite")));

int ftruncate(int fd, off_t len) {
  init();
  const char *p = path_of(fd);
  if (!p) return real_ftruncate(fd, len);
  pthread_mutex_lock(&mu);
  int rc = real_ftruncate(fd, len);
  int saved = errno;
  if (rc == 0) log_line('T', "%s %lld", p, (long long)len);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return rc;
}
int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

static int do_sync(int fd, int data_only) {
  init();
  const char *p = path_of(fd);
  if (!p) return data_only ? real_fdatasync(fd) : real_fsync(fd);
  ENTER("fsync", p);
  int rc = data_only ? real_fdatasync(fd) : real_fsync(fd);
  int saved = errno;
  if (rc == 0) log_line('S', "%s", p);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return rc;
}
int fsync(int fd) { return do_sync(fd, 0); }
int syncfs(int fd) {
  init();
  const char *p = path_of(fd);
  if (!p) return real_syncfs(fd);
  ENTER("fsync", p);
  unsigned long long t0 = now_ns();
  int rc = real_syncfs(fd);
  int saved = errno;
  if (rc == 0) log_line('Y', "%s %llu", p, t0);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return rc;
}
int fdatasync(int fd) { return do_sync(fd, 1); }

int close(int fd) {
  init();
  if (fd >= 0 && fd < MAX_FD && fd_path[fd]) {
    pthread_mutex_lock(&mu);
    free(fd_path[fd]);
    fd_path[fd] = NULL;
    pthread_mutex_unlock(&mu);
  }
  return real_close(fd);
}

static int do_rename(int ofd, const char *from, int nfd, const char *to, unsigned flags, int kind) {
  init();
  if (!traced(from) && !traced(to)) {
    if (kind == 0) return real_rename(from, to);
    if (kind == 1) return real_renameat(ofd, from, nfd, to);
    return real_renameat2(ofd, from, nfd, to, flags);
  }
  ENTER("rename", from);
  int rc = kind == 0 ? real_rename(from, to) : kind == 1 ? real_renameat(ofd, from, nfd, to) : real_renameat2(ofd, from, nfd, to, flags);
  int saved = errno;
  if (rc == 0) log_line('R', "%s %s", from, to);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return rc;
}
int rename(const char *from, const char *to) { return do_rename(AT_FDCWD, from, AT_FDCWD, to, 0, 0); }
int renameat(int ofd, const char *from, int nfd, const char *to) { return do_rename(ofd, from, nfd, to, 0, 1); }
int renameat2(int ofd, const char *from, int nfd, const char *to, unsigned flags) {
  return do_rename(ofd, from, nfd, to, flags, 2);
}

int link(const char *from, const char *to) {
  init();
  if (!traced(to)) return real_link(from, to);
  pthread_mutex_lock(&mu);
  int rc = real_link(from, to);
  int saved = errno;
  if (rc == 0) log_line('L', "%s %s", from, to);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return rc;
}

int unlink(const char *path) {
  init();
  if (!traced(path)) return real_unlink(path);
  pthread_mutex_lock(&mu);
  int rc = real_unlink(path);
  int saved = errno;
  if (rc == 0) log_line('U', "%s", path);
  pthread_mutex_unlock(&mu);
  errno = saved;
  return rc;
}
