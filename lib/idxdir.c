/* idxdir.c - index directory layout, writer lock and atomic publication. */
#define _GNU_SOURCE
#include "idxdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef RA_DEFAULT_DB
#define RA_DEFAULT_DB "/var/lib/rasearch/index"
#endif

struct ra_idxlock {
  int fd;
};

const char *ra_idxdir_choose(const char *opt) {
  if (opt && *opt) return opt;
  const char *env = getenv("RASEARCH_DB");
  if (env && *env) return env;
  return RA_DEFAULT_DB;
}

static ra_status mkdir_p(const char *dir, ra_error *err) {
  char tmp[RA_PATH_MAX];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof tmp)
    return ra_error_set(err, RA_ERR_INVALID, "index path '%s' is empty or too long", dir);
  memcpy(tmp, dir, n + 1);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
      return ra_error_set(err, RA_ERR_IO, "cannot create directory %s: %s", tmp,
                          strerror(errno));
    *p = '/';
  }
  if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
    return ra_error_set(err, RA_ERR_IO, "cannot create directory %s: %s", tmp,
                        strerror(errno));
  struct stat st;
  if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode))
    return ra_error_set(err, RA_ERR_IO, "index path %s is not a directory", tmp);
  return RA_OK;
}

ra_status ra_idxdir_lock(const char *dir, ra_idxlock **out, ra_error *err) {
  *out = NULL;
  ra_status st = mkdir_p(dir, err);
  if (st) return st;
  char path[RA_PATH_MAX];
  snprintf(path, sizeof path, "%s/lock", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    return ra_error_set(err, RA_ERR_IO, "cannot open lock file %s: %s", path,
                        strerror(errno));
  /* OFD locks belong to this open file description, so they vanish with the
   * process even after kill -9: no stale lock can outlive its holder. */
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
  if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
    int e = errno;
    char holder[256] = "";
    ssize_t r = pread(fd, holder, sizeof holder - 1, 0);
    holder[r > 0 ? r : 0] = '\0';
    /* First line only, printable bytes only: the file is not trusted. */
    holder[strcspn(holder, "\r\n")] = '\0';
    for (char *p = holder; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    close(fd);
    if (e == EAGAIN || e == EACCES)
      return ra_error_set(err, RA_ERR_LOCKED,
                          "index %s is being updated by another ra-index (%s); "
                          "try again when it has finished",
                          dir, holder[0] ? holder : "holder unknown");
    return ra_error_set(err, RA_ERR_IO, "cannot lock %s: %s", path, strerror(e));
  }
  char info[128];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  int n = snprintf(info, sizeof info, "pid %ld, started %04d-%02d-%02dT%02d:%02d:%02dZ\n",
                   (long)getpid(), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                   tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (ftruncate(fd, 0) != 0 || pwrite(fd, info, (size_t)n, 0) != n) {
    /* The lock is held; the holder note is only a courtesy. */
  }
  ra_idxlock *l = malloc(sizeof *l);
  if (!l) {
    close(fd);
    return ra_error_set(err, RA_ERR_NOMEM, "lock");
  }
  l->fd = fd;
  *out = l;
  return RA_OK;
}

void ra_idxdir_unlock(ra_idxlock *l) {
  if (!l) return;
  if (ftruncate(l->fd, 0) != 0) { /* courtesy only */ }
  close(l->fd);
  free(l);
}

ra_status ra_idxdir_current(const char *dir, char *name, size_t size,
                            ra_error *err) {
  name[0] = '\0';
  char path[RA_PATH_MAX];
  snprintf(path, sizeof path, "%s/XAPIANDB", dir);
  FILE *f = fopen(path, "re");
  if (!f) {
    if (errno == ENOENT) return RA_OK;
    return ra_error_set(err, RA_ERR_IO, "cannot read %s: %s", path, strerror(errno));
  }
  char line[512];
  while (fgets(line, sizeof line, f)) {
    char kind[32], target[400];
    if (sscanf(line, "%31s %399s", kind, target) == 2 &&
        strncmp(target, "gen-", 4) == 0) {
      snprintf(name, size, "%s", target);
      break;
    }
  }
  fclose(f);
  return RA_OK;
}

static long gen_number(const char *name) {
  if (strncmp(name, "gen-", 4) != 0) return -1;
  char *end;
  long v = strtol(name + 4, &end, 10);
  return (*end == '\0' && v >= 0) ? v : -1;
}

ra_status ra_idxdir_next(const char *dir, char *name, size_t name_size,
                         char *path, size_t path_size, ra_error *err) {
  DIR *d = opendir(dir);
  if (!d)
    return ra_error_set(err, RA_ERR_IO, "cannot read index directory %s: %s", dir,
                        strerror(errno));
  long max = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    long g = gen_number(e->d_name);
    if (g > max) max = g;
  }
  closedir(d);
  snprintf(name, name_size, "gen-%06ld", max + 1);
  snprintf(path, path_size, "%s/%s", dir, name);
  return ra_rmtree(path, err);
}

static ra_status fsync_path(const char *path, int flags, ra_error *err) {
  int fd = open(path, flags | O_CLOEXEC);
  if (fd < 0)
    return ra_error_set(err, RA_ERR_IO, "cannot open %s: %s", path, strerror(errno));
  int r = fsync(fd);
  int e = errno;
  close(fd);
  if (r != 0 && e != EINVAL)
    return ra_error_set(err, RA_ERR_IO, "fsync %s: %s", path, strerror(e));
  return RA_OK;
}

ra_status ra_idxdir_publish(const char *dir, const char *name, ra_error *err) {
  char tmp[RA_PATH_MAX], stub[RA_PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s/XAPIANDB.tmp", dir);
  snprintf(stub, sizeof stub, "%s/XAPIANDB", dir);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    return ra_error_set(err, RA_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  char line[128];
  int n = snprintf(line, sizeof line, "glass %s\n", name);
  if (write(fd, line, (size_t)n) != n || fsync(fd) != 0) {
    int e = errno;
    close(fd);
    unlink(tmp);
    return ra_error_set(err, RA_ERR_IO, "cannot write %s: %s", tmp, strerror(e));
  }
  if (close(fd) != 0) {
    int e = errno;
    unlink(tmp);
    return ra_error_set(err, RA_ERR_IO, "cannot write %s: %s", tmp, strerror(e));
  }
  /* The generation's own files must be durable before the stub names it. */
  char gen[RA_PATH_MAX];
  snprintf(gen, sizeof gen, "%s/%s", dir, name);
  ra_status st = fsync_path(gen, O_RDONLY | O_DIRECTORY, err);
  if (st) {
    unlink(tmp);
    return st;
  }
  if (rename(tmp, stub) != 0) {
    int e = errno;
    unlink(tmp);
    return ra_error_set(err, RA_ERR_IO, "cannot publish %s: %s", stub, strerror(e));
  }
  return fsync_path(dir, O_RDONLY | O_DIRECTORY, err);
}

static int rm_one(const char *path, const struct stat *sb, int flag,
                  struct FTW *ftw) {
  (void)sb;
  (void)ftw;
  int r = (flag == FTW_DP) ? rmdir(path) : unlink(path);
  return (r != 0 && errno != ENOENT) ? -1 : 0;
}

ra_status ra_rmtree(const char *path, ra_error *err) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (errno == ENOENT) return RA_OK;
    return ra_error_set(err, RA_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
  }
  if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
    return ra_error_set(err, RA_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
  return RA_OK;
}

ra_status ra_idxdir_gc(const char *dir, const char *keep, ra_error *err) {
  char cur[256];
  ra_status st = ra_idxdir_current(dir, cur, sizeof cur, err);
  if (st) return st;
  DIR *d = opendir(dir);
  if (!d)
    return ra_error_set(err, RA_ERR_IO, "cannot read index directory %s: %s", dir,
                        strerror(errno));
  struct dirent *e;
  ra_status first = RA_OK;
  while ((e = readdir(d)) != NULL) {
    if (gen_number(e->d_name) < 0) continue;
    if (strcmp(e->d_name, cur) == 0) continue;
    if (keep && strcmp(e->d_name, keep) == 0) continue;
    char path[RA_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    ra_status r = ra_rmtree(path, err);
    if (r && !first) first = r;
  }
  closedir(d);
  return first;
}
