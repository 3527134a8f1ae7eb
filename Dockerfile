# Dockerfile - cv-api and cv-worker from the project's own Debian package,
# on Debian 12. Build stage: the release build and `cpack`; runtime stage:
# `apt-get install ./cv-analyzer_*.deb` (the same package a server gets).
# One image, two commands (see compose.yaml). Built and run with podman by
# hand, not in CI: see deploy/README.md, "Containers, CI".
FROM debian:bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        build-essential cmake pkg-config git ca-certificates dpkg-dev file \
        libfcgi-dev libmongoc-dev libbson-dev libcurl4-openssl-dev libjson-c-dev libjwt-dev \
        libhiredis-dev libsodium-dev libpoppler-glib-dev libzip-dev libxml2-dev libsystemd-dev \
        libseccomp-dev libcrypt-dev libcmocka-dev
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
    && cmake --build build -j"$(nproc)" \
    && (cd build && cpack -G DEB)

FROM debian:bookworm
COPY --from=build /src/build/cv-analyzer_*.deb /tmp/
# The package's postinst creates the user and directories; the env file it
# generates is removed: a container takes its configuration from the
# environment (compose.yaml), which wins over any file.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends /tmp/cv-analyzer_*.deb libfcgi-bin \
    && rm -rf /var/lib/apt/lists/* /tmp/cv-analyzer_*.deb /etc/cv-analyzer/cv-analyzer.env
USER cv-analyzer
ENV CV_ENV_FILE=/dev/null
# cv-api binds API_LISTEN (e.g. 0.0.0.0:9000) for nginx in another container.
EXPOSE 9000
CMD ["cv-api"]
