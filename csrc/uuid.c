#include "uuid.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* xorshift128+: a few shifts and xors per id, where a getrandom() call per
 * request would cost a system call, and Lua's math.random with
 * string.format several snprintf calls. */
static __thread uint64_t state[2];
/* The process that seeded this thread's state: a forked child (an nginx
 * worker) would otherwise repeat its parent's ids. Not pthread_atfork, whose
 * handler would outlive this module's dlclose. */
static __thread pid_t seeded_by;

/* The current process id, kept in a page the kernel zeroes in a forked child
 * (MADV_WIPEONFORK): a getpid() system call per id cost a microsecond on a
 * VM, a tenth of a whole call. Where the kernel has no such page, getpid(). */
static pid_t *pid_page;
static pthread_once_t pid_page_once = PTHREAD_ONCE_INIT;

static void map_pid_page(void)
{
    void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return;
#ifdef MADV_WIPEONFORK
    if (madvise(p, (size_t)sysconf(_SC_PAGESIZE), MADV_WIPEONFORK) == 0) {
        pid_page = p;
        return;
    }
#endif
    munmap(p, (size_t)sysconf(_SC_PAGESIZE));
}

__attribute__((destructor)) static void unmap_pid_page(void)
{
    if (pid_page)
        munmap(pid_page, (size_t)sysconf(_SC_PAGESIZE));
}

static pid_t current_pid(void)
{
    pid_t pid;
    pthread_once(&pid_page_once, map_pid_page);
    if (pid_page == NULL)
        return getpid();
    /* zero: a fork since the page was last written; threads racing here
     * all store the same id */
    if ((pid = __atomic_load_n(pid_page, __ATOMIC_RELAXED)) == 0) {
        pid = getpid();
        __atomic_store_n(pid_page, pid, __ATOMIC_RELAXED);
    }
    return pid;
}

static void seed(pid_t pid)
{
    struct timespec ts;
    seeded_by = pid;
    if (getrandom(state, sizeof state, 0) == (ssize_t)sizeof state && (state[0] | state[1]) != 0)
        return;
    /* no entropy from the kernel (very early boot, seccomp): still distinct per thread and time */
    clock_gettime(CLOCK_REALTIME, &ts);
    state[0] = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)&state ^ (uint64_t)pid;
    state[1] = (uint64_t)ts.tv_sec * 0xBF58476D1CE4E5B9ull | 1u;
}

static uint64_t next(void)
{
    uint64_t s1 = state[0];
    const uint64_t s0 = state[1];
    state[0] = s0;
    s1 ^= s1 << 23;
    state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return state[1] + s0;
}

/* Where each byte's two hex digits go in "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
static const unsigned char AT[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};

void cc_uuid4(char out[37])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char b[16];
    uint64_t hi, lo;
    int i;
    pid_t pid = current_pid();
    if (seeded_by != pid || (state[0] | state[1]) == 0)
        seed(pid);
    hi = next();
    lo = next();
    for (i = 0; i < 8; i++) {
        b[i] = (unsigned char)(hi >> (8 * i));
        b[8 + i] = (unsigned char)(lo >> (8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* variant 10 */
    for (i = 0; i < 16; i++) { /* no branch per byte for the dashes */
        out[AT[i]] = digits[b[i] >> 4];
        out[AT[i] + 1] = digits[b[i] & 15];
    }
    out[8] = out[13] = out[18] = out[23] = '-';
    out[36] = '\0';
}
