/*
 * cv_json.c - json-c helpers (see cv_json.h).
 */
#include "cv_json.h"

bool cv_json_add(json_object *obj, const char *key, json_object *val)
{
    if (val == NULL)
        return false;
    if (json_object_object_add(obj, key, val) != 0) {
        json_object_put(val);
        return false;
    }
    return true;
}
