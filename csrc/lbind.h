/* What the binding files share. The only headers that include lua.h. */
#ifndef CC_LBIND_H
#define CC_LBIND_H

#include "compat.h"
#include "err.h"
#include "shape.h"
#include "sigv4.h"
#include "value.h"

/* A scratch box: an arena and request buffers owned by a userdata, so a Lua
 * error raised while they hold memory leaks nothing: __gc frees them.
 *
 * Each Lua state keeps one box in its registry for the calls it makes, so
 * a call allocates no userdata and its buffers stay warm. A call finds it
 * taken when a finalizer run inside another call makes a call: it then gets
 * a box of its own, as every call once did. A call that raised (a memory
 * error) leaves it taken too; the next call on that thread from a C frame
 * no deeper than the one that took it empties and takes it, since a call
 * still running is always above the calls made within it (owner,
 * owner_frame); a coroutine killed by the error never calls again, and
 * its box stays taken (5.4's __close would not run either: a coroutine
 * that dies of an error closes nothing). Where frames cannot be compared,
 * 5.4 releases the box through __close as a call returns or raises (a
 * metamethod call on every call, 4% of a describe), and older versions
 * leave it taken. */
typedef struct cc_box {
    cc_arena_t arena;
    cc_request_parts_t parts;
    int shared; /* the state's box: released by emptying it */
    int taken;
    lua_State *owner;       /* the thread of the call that took it */
    const void *owner_frame; /* and that call's C frame */
} cc_box_t;

/* Pushes a box for this call onto the stack: the state's, or a new one.
 * A C function takes one box at most, and releases it before it returns: a
 * second one asked for from the same frame would find the state's box
 * taken from that frame, and take it back as if its call were gone. */
cc_box_t *cc_lua_newbox(lua_State *L);
/* Done with what a box holds (the box stays usable): the state's box is
 * emptied for the next call, another one freed. */
void cc_lua_box_release(cc_box_t *b);

/* Reads the Lua value at idx into a value tree in the arena (strings point
 * into Lua strings, which the value at idx keeps alive), walking only what
 * shape describes (NULL: any JSON-like value), with cycles, depth and size
 * bounded (depth by m, the model shape is of; NULL: the embedded one).
 * CC_OK, or CC_E_NOMEM; never raises. */
int cc_lua_to_value(lua_State *L, int idx, const cc_model_t *m, const cc_shape_t *shape, cc_arena_t *a,
                    cc_value_t *out);
/* Whether the number at idx is whole as the running Lua has them: its
 * integer subtype (5.3 and later), or (5.1, LuaJIT, where every number is a
 * float) an integral value within 2^53 of zero, where each is exact. */
int cc_lua_whole(lua_State *L, int idx);
/* Pushes a value tree as Lua values. May raise (memory). */
void cc_lua_push_value(lua_State *L, const cc_value_t *v);

/* A sink that builds Lua values on the stack of L (see sink.h); its calls
 * may raise a memory error. */
void cc_lua_sink(lua_State *L, cc_sink_t *sink);
/* Pushes the value at idx written as JSON: by a shape, or (shape NULL) as
 * plain JSON; or nil and an error. Returns the number of results. */
int cc_lua_push_encoded(lua_State *L, int idx, const cc_model_t *m, const cc_shape_t *shape);

/* t[key] = value for the table on top of the stack (nil when value is NULL). */
void cc_lua_set_string(lua_State *L, const char *key, const char *value);
/* Pushes nil and an error table {code=, message=}; returns 2. */
int cc_lua_fail(lua_State *L, const char *code, const char *message);

/* The signer userdata at idx (raises when it is none, or closed) and the
 * buffer it owns for an Authorization value, empty. */
cc_signer_t *cc_lua_check_signer(lua_State *L, int idx, cc_buf_t **authz);
/* The signer userdata at idx (raises when it is none, or closed), as a
 * pointer for cc_lua_signer_of while something keeps the userdata alive. */
void *cc_lua_signer_box(lua_State *L, int idx);
/* cc_lua_check_signer for a signer held by its cc_lua_signer_box pointer. */
cc_signer_t *cc_lua_signer_of(lua_State *L, void *box, cc_buf_t **authz);

/* Each opens its part into the module table on top of the stack. */
void cc_lua_bind_open(lua_State *L);
void cc_lua_model_open(lua_State *L);
void cc_lua_util_open(lua_State *L);
void cc_lua_signer_open(lua_State *L);
void cc_lua_http_open(lua_State *L);

#endif
