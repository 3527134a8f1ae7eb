/*
 * cv_json.h (src/) - small json-c helpers shared by every layer that
 * builds JSON documents. Thread safe (no state of their own).
 */
#ifndef CV_JSON_H
#define CV_JSON_H

#include <stdbool.h>

#include <json-c/json.h>

/* Add key -> val to obj, taking val on every path: true when added;
 * false when val is NULL (a constructor that ran out of memory) or the
 * add failed, val then released. Lets a builder chain its adds with &&
 * and release only obj on failure. */
bool cv_json_add(json_object *obj, const char *key, json_object *val);

#endif
