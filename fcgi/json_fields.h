/*
 * json_fields.h (fcgi/) - read typed fields out of a parsed JSON body,
 * collecting one details.fields entry per bad field, so a handler can
 * validate everything before answering once.
 *
 * Returned strings point into the json-c object and live as long as it.
 */
#ifndef CV_FCGI_JSON_FIELDS_H
#define CV_FCGI_JSON_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "cv_status.h"

/*
 * The string field `name` of obj. Missing or null: "is required" when
 * required (else *out = NULL, *len = 0 and true). Not a string: "must be a
 * string". Longer than max_bytes: "is too long". Each problem is added to
 * err as a field error and false is returned.
 */
bool json_field_string(json_object *obj, const char *name, bool required, size_t max_bytes,
                       const char **out, size_t *len, struct cv_error *err);

#endif
