/* Random version-4 UUIDs for request ids (amz-sdk-invocation-id). */
#ifndef CC_UUID_H
#define CC_UUID_H

/* Writes a UUID v4 as 36 lower-case characters and a NUL. Thread-safe: each
 * thread draws from its own generator, seeded once from the kernel. Not for
 * secrets: an id that tells retries of one call apart from other calls. */
void cc_uuid4(char out[37]);

#endif
