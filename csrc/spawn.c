#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the child's stdout until EOF, the deadline or the cap. */
static int drain(int fd, double deadline, size_t max_output, cc_buf_t *out, cc_err_t *err)
{
    char chunk[4096];
    for (;;) {
        struct pollfd p;
        double left = deadline - now_s();
        int rc;
        ssize_t n;
        if (left <= 0)
            return cc_err_set(err, CC_E_TIMEOUT, "ran longer than its timeout");
        p.fd = fd;
        p.events = POLLIN;
        rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return cc_err_set(err, CC_E_INTERNAL, "poll: %s", strerror(errno));
        if (rc == 0)
            continue;
        n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cc_err_set(err, CC_E_INTERNAL, "read: %s", strerror(errno));
        if (n == 0)
            return CC_OK;
        if (out->len + (size_t)n > max_output)
            return cc_err_set(err, CC_E_TOO_LARGE, "printed more than %zu bytes", max_output);
        cc_buf_append(out, chunk, (size_t)n);
        if (!cc_buf_ok(out))
            return cc_err_set(err, CC_E_NOMEM, "out of memory reading its output");
    }
}

/* The program argv[0] names, as execvp would find it: a name with a '/' as
 * it is, else the first executable file of that name on PATH. Found before
 * spawning so that "not found" is an error of its own everywhere (a child
 * that cannot exec reports only exit status 127 where spawn is a fork). */
static int find_program(const char *name, char *out, size_t size)
{
    const char *path = getenv("PATH"), *p;
    if (strchr(name, '/'))
        return snprintf(out, size, "%s", name) < (int)size && access(out, X_OK) == 0;
    if (path == NULL || *name == '\0')
        path = "/usr/local/bin:/usr/bin:/bin";
    for (p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        int w = n ? snprintf(out, size, "%.*s/%s", (int)n, p, name) : snprintf(out, size, "%s", name);
        if (w > 0 && (size_t)w < size && access(out, X_OK) == 0)
            return 1;
        if (end == NULL)
            return 0;
        p = end;
    }
}

int cc_spawn_capture(char *const argv[], double timeout_s, size_t max_output, cc_buf_t *out,
                     cc_spawn_result_t *res, cc_err_t *err)
{
    char program[4096];
    int fds[2], rc, wstatus;
    pid_t pid;
    posix_spawn_file_actions_t fa;
    memset(res, 0, sizeof *res);
    if (argv[0] == NULL)
        return cc_err_set(err, CC_E_PARAM, "no program to run");
    if (!find_program(argv[0], program, sizeof program))
        return cc_err_set(err, CC_E_CREDENTIALS, "could not be started: %s", strerror(errno ? errno : ENOENT));
    if (pipe2(fds, O_CLOEXEC) != 0)
        return cc_err_set(err, CC_E_INTERNAL, "pipe: %s", strerror(errno));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1); /* dup2 clears close-on-exec */
    rc = posix_spawn(&pid, program, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return cc_err_set(err, CC_E_CREDENTIALS, "could not be started: %s", strerror(rc));
    }
    rc = drain(fds[0], now_s() + timeout_s, max_output, out, err);
    close(fds[0]);
    if (rc != CC_OK)
        kill(pid, SIGKILL);
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (rc != CC_OK)
        return rc;
    res->exited = WIFEXITED(wstatus);
    res->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : -1;
    return CC_OK;
}
