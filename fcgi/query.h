/*
 * query.h (fcgi/) - read one parameter of a URL query string
 * ("page=2&limit=20"), percent-decoded. Pure and thread safe.
 */
#ifndef CV_FCGI_QUERY_H
#define CV_FCGI_QUERY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Copy the decoded value of the first `name` parameter into out (size
 * bytes with the NUL). Returns false when the parameter is absent; a
 * value too long for out, or with a bad %-escape or a NUL, is returned
 * truncated to "" with *malformed set.
 */
bool query_get(const char *qs, const char *name, char *out, size_t size, bool *malformed);

#endif
