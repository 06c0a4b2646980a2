# Shell completion (completions/), installed where each shell looks without any setup:
#   bash  DATADIR/bash-completion/completions/coach: bash-completion loads it on first use
#         (it searches XDG_DATA_DIRS, /usr/local/share and /usr/share by default)
#   zsh   Debian's zsh puts /usr/share/zsh/vendor-completions in fpath for packages, and
#         /usr/local/share/zsh/site-functions for local installs
#   fish  DATADIR/fish/vendor_completions.d (fish searches XDG_DATA_DIRS)
install(FILES completions/coach.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME coach)
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(COACH_ZSH_DIR ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
  set(COACH_ZSH_DIR ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
install(FILES completions/_coach DESTINATION ${COACH_ZSH_DIR})
install(FILES completions/coach.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
