/*
 * storage.h - where CV files live: a local directory or an S3-compatible
 * bucket (STORAGE=local|s3). This part holds the readiness check; the
 * file operations come with uploads.
 *
 * Thread safe: no state is kept between calls.
 */
#ifndef CV_STORAGE_H
#define CV_STORAGE_H

#include "config.h"
#include "cv_status.h"

/*
 * Can files be stored now? local: UPLOAD_DIR is a directory this process
 * may write into. s3: a signed HEAD of the bucket answers 200.
 * CV_ERR_UNAVAILABLE with the reason in err otherwise.
 */
enum cv_status cv_storage_check(const struct cv_config *cfg, struct cv_error *err) CV_WARN_UNUSED;

#endif
