# The man pages: coach(1), coachd(8), coach-routine(5), coach.ini(5). Written in scdoc
# (man/*.scd, a maintained tool Debian ships), configured with this build's install paths so
# the pages name the real folders, turned into roff at build time and installed compressed
# with gzip -9n, as Debian policy asks. tests/cli/test_man.sh renders each with warnings as
# errors.
find_program(COACH_SCDOC scdoc)
find_program(COACH_GZIP gzip)
if(NOT COACH_SCDOC OR NOT COACH_GZIP)
  message(FATAL_ERROR "the man pages need scdoc and gzip (Debian: apt-get install scdoc)")
endif()

set(COACH_UNITDIR "${CMAKE_INSTALL_PREFIX}/${COACH_USER_UNIT_DIR}")
set(COACH_MAN_PAGES coach.1 coachd.8 coach-routine.5 coach.ini.5)
set(COACH_MAN_OUTPUTS)
foreach(page ${COACH_MAN_PAGES})
  set(src "${CMAKE_BINARY_DIR}/man/${page}.scd")
  set(roff "${CMAKE_BINARY_DIR}/man/${page}")
  configure_file(man/${page}.scd "${src}" @ONLY)
  add_custom_command(OUTPUT "${roff}" "${roff}.gz"
                     COMMAND sh -c "\"$0\" <\"$1\" >\"$2\" && \"$3\" -9n -c \"$2\" >\"$2.gz\""
                             "${COACH_SCDOC}" "${src}" "${roff}" "${COACH_GZIP}"
                     DEPENDS "${src}" VERBATIM)
  list(APPEND COACH_MAN_OUTPUTS "${roff}" "${roff}.gz")
  string(REGEX MATCH "[0-9]$" section "${page}")
  install(FILES "${roff}.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man${section}")
endforeach()
add_custom_target(man ALL DEPENDS ${COACH_MAN_OUTPUTS})
