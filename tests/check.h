/* A minimal test harness for the C core: each CHECK is one test. */
#ifndef CC_CHECK_H
#define CC_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond, name)                                                        \
    do {                                                                         \
        if (cond) {                                                              \
            check_passed++;                                                      \
        } else {                                                                 \
            check_failed++;                                                      \
            fprintf(stderr, "FAIL %s:%d: %s (%s)\n", __FILE__, __LINE__, name, #cond); \
        }                                                                        \
    } while (0)

#define CHECK_STR(got, want, name)                                               \
    do {                                                                         \
        const char *g_ = (got), *w_ = (want);                                    \
        if (g_ && w_ && strcmp(g_, w_) == 0) {                                   \
            check_passed++;                                                      \
        } else {                                                                 \
            check_failed++;                                                      \
            fprintf(stderr, "FAIL %s:%d: %s\n  got:  [%s]\n  want: [%s]\n", __FILE__, __LINE__, \
                    name, g_ ? g_ : "(null)", w_ ? w_ : "(null)");               \
        }                                                                        \
    } while (0)

/* Prints the closing line that .ci/run sums up; exit status 1 on any failure. */
#define CHECK_DONE(suite)                                                        \
    (printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed), check_failed != 0)

#endif
