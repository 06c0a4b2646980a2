# fish completion for coach(1): commands, options, routine names and the lengths each
# routine allows (asked of coach itself: `coach list --names` and `--lengths ROUTINE`, which
# read the same folders coachd does), and files for `render -o` and `check`.

# The positional arguments after the command, options and their values left out.
function __coach_args
    set -l tokens (commandline -opc)
    set -e tokens[1..2]
    set -l args
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
        else if contains -- $t -o --output --lengths
            set skip 1
        else if not string match -q -- '-*' $t
            set -a args $t
        end
    end
    for a in $args
        echo $a
    end
end

function __coach_wants_routine
    __fish_seen_subcommand_from start show render; or return 1
    test (count (__coach_args)) -eq 0
end

function __coach_wants_length
    __fish_seen_subcommand_from start show render; or return 1
    test (count (__coach_args)) -eq 1
end

function __coach_lengths
    set -l coach (commandline -opc)[1]
    $coach list --lengths (__coach_args)[1] 2>/dev/null
end

function __coach_routines
    set -l coach (commandline -opc)[1]
    $coach list --names 2>/dev/null
end

set -l commands check help history list listen pause ping reload remind render resume say show skip start status stop volume watch
complete -c coach -f
complete -c coach -n "not __fish_seen_subcommand_from $commands" -l help -s h -d 'show the commands'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -l version -d 'show the version'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a check -d 'check routine files'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a help -d 'the commands, in short'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a history -d 'the sessions practised'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a list -d 'the routines and their lengths'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a pause -d 'pause the session'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a ping -d 'is coachd there?'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a reload -d 'reread settings and routines'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a remind -d 'the reminder to move, if due'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a render -d 'write a session to a sound file'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a resume -d 'carry on where it paused'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a say -d 'speak a line now'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a show -d "print the session's timeline"
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a skip -d 'go to the next step'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a start -d 'start a session'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a status -d 'what is playing'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a stop -d 'end the session'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a listen -d 'listen for spoken commands: on, off'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a volume -d 'set, change or show the volume'
complete -c coach -n "not __fish_seen_subcommand_from $commands" -a watch -d 'follow the session'

complete -c coach -n __coach_wants_routine -a '(__coach_routines)' -d routine
complete -c coach -n __coach_wants_length -k -a '(__coach_lengths)' -d length
complete -c coach -n '__fish_seen_subcommand_from start say' -l no-start -d 'do not start coachd'
complete -c coach -n '__fish_seen_subcommand_from render' -s o -l output -r -F -d 'the sound file to write'
complete -c coach -n '__fish_seen_subcommand_from list' -l names -d 'only the names'
complete -c coach -n '__fish_seen_subcommand_from list' -l lengths -x -a '(__coach_routines)' -d 'the lengths a routine allows'
complete -c coach -n '__fish_seen_subcommand_from check' -a '(__fish_complete_suffix .ini)'
complete -c coach -n '__fish_seen_subcommand_from history' -l json -d 'everything, as JSON'
complete -c coach -n '__fish_seen_subcommand_from volume' -a 'up down 0 10 20 30 40 50 60 70 80 90 100'
complete -c coach -n '__fish_seen_subcommand_from listen' -a 'on off'
