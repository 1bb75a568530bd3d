/* Runs a program without a shell and captures its standard output: for
 * credential_process, whose line must never be read by /bin/sh. */
#ifndef CC_SPAWN_H
#define CC_SPAWN_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

typedef struct cc_spawn_result {
    int exited;  /* 1: exit_status is the program's exit code */
    int status;  /* exit code, or the signal that ended it */
} cc_spawn_result_t;

/* Runs argv[0] (looked up in PATH, as execvp would) with argv, stdin from /dev/null, stderr
 * passed through, stdout appended to out. The program is killed when it runs
 * longer than timeout_s or prints more than max_output bytes (CC_E_TIMEOUT,
 * CC_E_TOO_LARGE). CC_OK when it ran to its end, whatever its exit code. */
int cc_spawn_capture(char *const argv[], double timeout_s, size_t max_output, cc_buf_t *out,
                     cc_spawn_result_t *res, cc_err_t *err);

#endif
