# package.cmake - the Debian package of cv-analyzer, built by CPack
# (`cpack -G DEB` in a release build directory; tests/e2e/test_package.py).
#
# One package, cv-analyzer, with its debug symbols split into
# cv-analyzer-dbgsym (.ddeb; binaries stripped, linked by build id).
# Depends: only the shared libraries, found by dpkg-shlibdeps; nginx and
# Redis are Recommends, so a worker-only host need not install nginx.
# The env file is not in the package: postinst writes it once.

set(CV_DEB_DIR ${CMAKE_CURRENT_LIST_DIR})
set(CV_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/cv-analyzer)
set(CV_PKG_BUILD ${CMAKE_BINARY_DIR}/package)
file(MAKE_DIRECTORY ${CV_PKG_BUILD})

# Compressed as Debian policy wants: gzip -9n (no name, no time stamp).
function(cv_gzip src dest)
  execute_process(COMMAND gzip -9nc ${src} OUTPUT_FILE ${dest} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${src} failed")
  endif()
endfunction()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CV_DEB_DIR}/changelog ${CMAKE_SOURCE_DIR}/man/cv-api.8
             ${CMAKE_SOURCE_DIR}/man/cv-worker.8 ${CMAKE_SOURCE_DIR}/man/cv-admin.8
             ${CMAKE_SOURCE_DIR}/man/cv-analyzer.env.5)
cv_gzip(${CV_DEB_DIR}/changelog ${CV_PKG_BUILD}/changelog.Debian.gz)
foreach(page cv-api.8 cv-worker.8 cv-admin.8 cv-analyzer.env.5)
  cv_gzip(${CMAKE_SOURCE_DIR}/man/${page} ${CV_PKG_BUILD}/${page}.gz)
endforeach()

install(FILES ${CV_DEB_DIR}/copyright ${CV_PKG_BUILD}/changelog.Debian.gz
        DESTINATION ${CV_DOC_DIR})
install(FILES ${CV_PKG_BUILD}/cv-api.8.gz ${CV_PKG_BUILD}/cv-worker.8.gz
        ${CV_PKG_BUILD}/cv-admin.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${CV_PKG_BUILD}/cv-analyzer.env.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cv-analyzer)
set(CPACK_PACKAGE_VENDOR "CV Analyzer")
set(CPACK_PACKAGE_CONTACT "CV Analyzer maintainers <maintainers@cv-analyzer.example.com>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://cv-analyzer.example.com/")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# systemd-sysusers, systemd-tmpfiles and deb-systemd-helper run in the
# maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, init-system-helpers (>= 1.54)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx, redis-server")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "certbot")
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
set(CPACK_POST_BUILD_SCRIPTS ${CV_DEB_DIR}/fix-dbgsym.cmake)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CV_DEB_DIR}/postinst ${CV_DEB_DIR}/prerm ${CV_DEB_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "AI CV analysis service: FastCGI API and worker
CV Analyzer analyses CVs (PDF, DOCX or text) for a web front end: a
score, strengths, weaknesses, keyword matches against a job offer and a
rewrite, with an OpenAI-compatible model or an offline analyzer, and
subscriptions through Stripe.
.
This package provides cv-api, a pool of FastCGI responders behind nginx
(socket-activated, reloaded without dropping requests), and cv-worker,
which runs the analyses from a Redis stream. Data lives in MongoDB, files
on disk or in S3. It installs sandboxed systemd units, the nginx site
templates and a renderer for them, and writes
/etc/cv-analyzer/cv-analyzer.env with a fresh secret at first install.")
include(CPack)
