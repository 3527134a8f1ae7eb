/*
 * json_fields.c (fcgi/) - typed JSON field readers (see json_fields.h).
 */
#include "json_fields.h"

bool json_field_string(json_object *obj, const char *name, bool required, size_t max_bytes,
                       const char **out, size_t *len, struct cv_error *err)
{
    json_object *v = NULL;

    *out = NULL;
    *len = 0;
    if (!json_object_object_get_ex(obj, name, &v) || v == NULL) {
        if (!required)
            return true;
        cv_error_add_field(err, name, "is required");
        return false;
    }
    if (!json_object_is_type(v, json_type_string)) {
        cv_error_add_field(err, name, "must be a string");
        return false;
    }
    *len = (size_t)json_object_get_string_len(v);
    if (*len > max_bytes) {
        cv_error_add_field(err, name, "is too long");
        return false;
    }
    *out = json_object_get_string(v);
    return true;
}
