#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

/* fsync of the folder holding path, so that the rename itself is durable */
static void sync_parent(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int fd;
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir)
            return;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int cc_file_write_atomic(const char *path, const void *data, size_t len, cc_err_t *err)
{
    size_t n = strlen(path) + 32;
    char *tmp = cc_malloc(n);
    int fd, saved;
    if (tmp == NULL)
        return cc_err_set(err, CC_E_NOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        saved = errno;
        cc_free(tmp);
        return cc_err_set(err, CC_E_INTERNAL, "cannot write %s: %s", path, strerror(saved));
    }
    if (!write_all(fd, data, len) || fsync(fd) != 0) {
        saved = errno;
        close(fd);
        unlink(tmp);
        cc_free(tmp);
        return cc_err_set(err, CC_E_INTERNAL, "cannot write %s: %s", path, strerror(saved));
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        saved = errno;
        unlink(tmp);
        cc_free(tmp);
        return cc_err_set(err, CC_E_INTERNAL, "cannot replace %s: %s", path, strerror(saved));
    }
    cc_free(tmp);
    sync_parent(path);
    return CC_OK;
}

int cc_file_remove_temporaries(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    const char *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);
    DIR *d;
    struct dirent *e;
    int removed = 0;
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir)
            return 0;
        memcpy(dir, path, n);
        dir[n] = '\0';
        if (n == 0) /* a file in / */
            strcpy(dir, "/");
    } else {
        strcpy(dir, ".");
    }
    if ((d = opendir(dir)) == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char full[8192];
        if (strncmp(e->d_name, base, blen) != 0 || strncmp(e->d_name + blen, ".tmp.", 5) != 0)
            continue;
        if (snprintf(full, sizeof full, "%s/%s", dir, e->d_name) < (int)sizeof full && unlink(full) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}
