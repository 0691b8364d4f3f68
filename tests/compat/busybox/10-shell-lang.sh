# The shell language: variables and expansions, quoting, functions (local, return, recursion),
# loops, case, arithmetic, subshells, command substitution, here-documents, set/shift, eval, read.
name=world; echo "hello $name" 'hello $name' "${name}s"
unset missing; echo "[${missing:-default}] [${missing-unset}] [${name:+set}] [${#name}]"
path=/a/b/c.tar.gz
echo "${path#*/}" "${path##*/}" "${path%.*}" "${path%%.*}"
s=abcabc; echo "${s/b/B}" "${s//b/B}" "${s:1:3}"
: ${assigned:=now}; echo "$assigned"
greet() { echo "hi $1 ($# args)"; }
greet there extra
sum() { local total=0; for n in "$@"; do total=$((total + n)); done; echo $total; }
sum 1 2 3 4; echo "total after: ${total:-not leaked}"
fib() { if [ "$1" -lt 2 ]; then echo "$1"; else echo $(( $(fib $(($1 - 1))) + $(fib $(($1 - 2))) )); fi; }
fib 10
check() { return "$1"; }
check 3; echo "returned $?"
for i in 1 2 3; do printf '%s ' "$i"; done; echo
for f in b a c; do echo "item $f"; done | sort
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 2 ] && continue; [ $i -eq 4 ] && break; echo "while $i"; done
n=3; until [ $n -eq 0 ]; do echo "until $n"; n=$((n - 1)); done
for w in apple 42 Zed x.c ''; do case $w in [0-9]*) echo "number";; *.c) echo "C file";; [A-Z]*) echo "capital";; '') echo "empty";; *) echo "other: $w";; esac; done
case yes in y|yes) echo "alternatives";; esac
echo $((3 + 4 * 2)) $(( (3 + 4) * 2 )) $((17 / 5)) $((17 % 5)) $((2 << 4)) $((0xff & 0x0f)) $((-5 + 2))
x=5; : $((x += 10)); echo $x $((x > 10)) $((x == 15 ? 100 : 200)) $((x++)) $x
echo $(( 1 != 2 && 3 >= 3 || 0 ))
v=outer; (v=inner; echo "in subshell: $v"); echo "after subshell: $v"
(exit 7); echo "subshell status: $?"
{ echo grouped; echo commands; } | wc -l
now=$(echo nested $(echo inner)); echo "$now"
old=`echo backticks`; echo $old
lines=$(printf 'a\nb\n\n\n'); echo "[$lines]"
cat <<END
expanded: $name $((1 + 1))
END
cat <<'END'
literal: $name $((1 + 1))
END
cat <<-END
	tabs stripped
	END
set -- one "two words" three; echo $#; echo "$2"; shift; echo "$1"
for a in "$@"; do echo "[$a]"; done
for a in $*; do echo "<$a>"; done
IFS=: read -r first second rest <<END
a:b:c:d
END
echo "$first|$second|$rest"
while read -r line; do echo "got $line"; done <<END
l1
l2
END
cmd='echo evaluated $name'; eval "$cmd"
var_name=dynamic; eval "$var_name=value"; echo "$dynamic"
echo 'single' "double" $'dollar\tsingle'
echo "quote \"inside\" and \$ and \\"
printf '%s\n' *.none
echo ${undefined_var}end
false || echo "or-list"; true && echo "and-list"
! false && echo "negated"
echo "status of pipeline: $(false | true; echo $?)"
type echo cd | sed 's/ is .*/ found/'
command -v ls >/dev/null && echo "command -v"
alias ll='echo aliased'; eval ll
readonly RO=1; (RO=2) 2>/dev/null || echo "readonly kept"
set -u; (echo "$nope") 2>/dev/null || echo "set -u caught"; set +u
(set -e; false; echo "not reached"); echo "set -e stopped the subshell: $?"
getopts_test() { while getopts 'ab:' o; do echo "opt $o ${OPTARG:-}"; done; }; getopts_test -a -b val
echo $(( $(echo 6) * 7 ))
