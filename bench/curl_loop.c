/* The floor for loopback calls: a bare libcurl loop of keep-alive GETs to
 * one URL, no signing, no parsing. bench/loopback.lua compares the client's
 * requests/s with this program's, against the same server in the same run.
 * Given header lines, it sends them on every request (one list, made once):
 * what libcurl alone costs for the client's headers.
 *
 * usage: curl_loop URL CALLS [HEADER_LINE...]   (prints requests per second) */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    CURL *h;
    struct curl_slist *lines = NULL;
    long i, calls;
    int a;
    double t;
    if (argc < 3) {
        fprintf(stderr, "usage: curl_loop URL CALLS [HEADER_LINE...]\n");
        return 2;
    }
    calls = atol(argv[2]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, argv[1]);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    for (a = 3; a < argc; a++)
        if ((lines = curl_slist_append(lines, argv[a])) == NULL)
            return 1;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, lines);
    curl_easy_perform(h); /* connect once, as the client's warm-up does */
    t = now();
    for (i = 0; i < calls; i++)
        if (curl_easy_perform(h) != CURLE_OK) {
            fprintf(stderr, "curl_loop: call %ld failed\n", i);
            return 1;
        }
    printf("%.0f\n", (double)calls / (now() - t));
    curl_easy_cleanup(h);
    curl_slist_free_all(lines);
    curl_global_cleanup();
    return 0;
}
