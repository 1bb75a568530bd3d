/* What the binding files share. The only headers that include lua.h. */
#ifndef CC_LBIND_H
#define CC_LBIND_H

#include "compat.h"
#include "err.h"
#include "shape.h"
#include "value.h"

/* A scratch box: an arena and request buffers owned by a userdata, so a Lua
 * error raised while they hold memory frees them through __gc. */
typedef struct cc_box {
    cc_arena_t arena;
    cc_request_parts_t parts;
} cc_box_t;

/* Pushes a new box onto the stack. */
cc_box_t *cc_lua_newbox(lua_State *L);
/* Frees what a box holds now (the box stays usable). */
void cc_lua_box_release(cc_box_t *b);

/* Reads the Lua value at idx into a value tree in the arena (strings point
 * into Lua strings, which the value at idx keeps alive), walking only what
 * shape describes (NULL: any JSON-like value), with cycles, depth and size
 * bounded. CC_OK, or CC_E_NOMEM; never raises. */
int cc_lua_to_value(lua_State *L, int idx, const cc_shape_t *shape, cc_arena_t *a, cc_value_t *out);
/* Pushes a value tree as Lua values. May raise (memory). */
void cc_lua_push_value(lua_State *L, const cc_value_t *v);

/* Pushes nil and an error table {code=, message=}; returns 2. */
int cc_lua_fail(lua_State *L, const char *code, const char *message);

void cc_lua_signer_open(lua_State *L);
void cc_lua_http_open(lua_State *L);

#endif
