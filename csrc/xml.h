/* XML (the STS answers) read with libexpat into the neutral value tree. */
#ifndef CC_XML_H
#define CC_XML_H

#include <stddef.h>

#include "err.h"
#include "value.h"

/* Parses XML text: the document becomes a table {RootName = content}, an
 * element with child elements a table of them by name (a repeated name keeps
 * the last), an element with text only its trimmed text. Attributes are not
 * kept. Tree in the arena. CC_E_PARSE for XML that is not well formed. */
int cc_xml_decode(const char *text, size_t len, cc_arena_t *a, cc_value_t *out, cc_err_t *err);

#endif
