# bash completion for coach(1): commands, options, routine names and the lengths each
# routine allows (asked of coach itself: `coach list --names` and `--lengths ROUTINE`, which
# read the same folders coachd does), and files for `render -o` and `check`.
# Installed as bash-completion's completions/coach, loaded when coach is first completed.

_coach_routines()
{
    local coach=$1 cur=$2
    if [[ $cur == */* || $cur == .* || $cur == ~* ]]; then
        _filedir ini # a routine given as the path of its file
        return
    fi
    COMPREPLY=($(compgen -W "$("$coach" list --names 2>/dev/null)" -- "$cur"))
}

_coach()
{
    local cur prev words cword
    _init_completion || return

    local coach=${words[0]}
    local commands="check help history list listen pause ping reload remind render resume say show
        skip start status stop volume watch"
    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi

    local cmd=${words[1]} i
    # The positional arguments before the word being completed (options left out).
    local -a args=()
    for ((i = 2; i < cword; i++)); do
        case ${words[i]} in
            -o | --output | --lengths) ((i++)) ;;
            -*) ;;
            *) args+=("${words[i]}") ;;
        esac
    done

    case $cmd in
        start | show | render)
            if [[ $cmd == render && ($prev == -o || $prev == --output) ]]; then
                _filedir '@(wav|flac|ogg)'
                return
            fi
            if [[ $cur == -* ]]; then
                case $cmd in
                    start) COMPREPLY=($(compgen -W "--no-start" -- "$cur")) ;;
                    render) COMPREPLY=($(compgen -W "-o --output" -- "$cur")) ;;
                esac
                return
            fi
            case ${#args[@]} in
                0) _coach_routines "$coach" "$cur" ;;
                1) COMPREPLY=($(compgen -W "$("$coach" list --lengths "${args[0]}" 2>/dev/null)" \
                    -- "$cur")) ;;
            esac
            ;;
        list)
            if [[ $prev == --lengths ]]; then
                _coach_routines "$coach" "$cur"
            elif ((cword == 2)); then
                COMPREPLY=($(compgen -W "--names --lengths" -- "$cur"))
            fi
            ;;
        check)
            _filedir ini
            ;;
        history)
            ((cword == 2)) && COMPREPLY=($(compgen -W "--json" -- "$cur"))
            ;;
        say)
            [[ $cur == -* ]] && COMPREPLY=($(compgen -W "--no-start" -- "$cur"))
            ;;
        listen)
            ((cword == 2)) && COMPREPLY=($(compgen -W "on off" -- "$cur"))
            ;;
        volume)
            ((cword == 2)) && COMPREPLY=($(compgen -W "up down 0 10 20 30 40 50 60 70 80 90 100" -- "$cur"))
            ;;
    esac
} &&
    complete -F _coach coach
