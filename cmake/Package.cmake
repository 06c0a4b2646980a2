# The Debian package: `cpack -G DEB` in a build configured with -DCMAKE_INSTALL_PREFIX=/usr
# (.ci/package does it all, with Debian's hardening flags and lintian) gives
# coach_VERSION_ARCH.deb. Its Depends come from dpkg-shlibdeps (the libraries the programs
# and coach-offline.so link), plus the data eSpeak NG reads, which the speech worker's
# static eSpeak NG needs too. Nothing goes to /etc and no maintainer script runs, so
# `apt remove coach` leaves nothing behind; the user units are enabled by each user.
set(COACH_PACKAGE_MAINTAINER "coach maintainers <maintainers@users.noreply.h-seed-d5d08982.example>"
    CACHE STRING "The Maintainer of the Debian package: Name <address>")

# What Debian asks of every package: the copyright and the changelog, in its doc folder.
configure_file(packaging/changelog.in "${CMAKE_BINARY_DIR}/packaging/changelog" @ONLY)
add_custom_command(OUTPUT "${CMAKE_BINARY_DIR}/packaging/changelog.gz"
                   COMMAND "${COACH_GZIP}" -9n -c "${CMAKE_BINARY_DIR}/packaging/changelog"
                           >"${CMAKE_BINARY_DIR}/packaging/changelog.gz"
                   DEPENDS "${CMAKE_BINARY_DIR}/packaging/changelog")
add_custom_target(package_changelog ALL DEPENDS "${CMAKE_BINARY_DIR}/packaging/changelog.gz")
install(FILES packaging/copyright "${CMAKE_BINARY_DIR}/packaging/changelog.gz" README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME coach)
set(CPACK_PACKAGE_VENDOR "coach")
set(CPACK_PACKAGE_CONTACT "${COACH_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${COACH_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "voice-prompted audio coach for releasing a tight psoas")
# The extended description, after the synopsis above; CPack indents it and turns the empty
# line into Debian's " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "You lie on the floor, close your eyes and say or type: coach start rest. The
daemon, coachd, reads a routine, speaks each instruction with eSpeak NG, paces
the breath with soft tones, counts down holds and ends the session with a
chime. Sessions are controlled from a terminal or from home-automation
scripts through a UNIX socket, and can be rendered to sound files.

The shipped routines release a tight psoas (the deep hip flexor). coach keeps a
practice history and can remind people who sit all day to get up.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "espeak-ng-data")
# ALSA's default device reaches the sound server through these plugins (the portaudio
# output). flite is loaded only when a voice chooses it (src/engine/speech_flite.h), so
# dpkg-shlibdeps cannot see it; the listener needs pocketsphinx's US English model.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "libasound2-plugins | pipewire-alsa, libflite1, pocketsphinx-en-us")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
# The programs have their folders compiled in (build_config.h): a package of another prefix
# would look for its data where it is not. Checked when cpack runs.
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/PackageCheck.cmake")
include(CPack)
