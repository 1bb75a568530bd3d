/* Files written so that a crash never leaves half of one behind. */
#ifndef CC_FILE_H
#define CC_FILE_H

#include <stddef.h>

#include "err.h"

/* Writes data to path atomically: a temporary file beside it, written and
 * fsync'ed, renamed over path, and the folder fsync'ed so the rename lasts. */
int cc_file_write_atomic(const char *path, const void *data, size_t len, cc_err_t *err);

/* Removes the temporary files a crash in cc_file_write_atomic left beside
 * path ("<path>.tmp.<pid>"); returns how many. */
int cc_file_remove_temporaries(const char *path);

#endif
