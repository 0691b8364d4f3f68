# Small utilities: seq, expr, test/[, basename, dirname, env, date (fixed times, TZ=UTC), sleep,
# true/false, yes, factor, dc, realpath, mktemp, truncate, dd.
seq 3
seq 2 5
seq 10 -3 1
seq -s, 1 5
seq -w 8 11
expr 3 + 4
expr 10 / 3 \* 2
expr 17 % 5
expr 5 \> 3
expr length hello
expr substr abcdef 2 3
expr index abcdef d
expr abc123 : '[a-z]*'
expr 1 = 2; echo "expr false: $?"
expr 4 - 4; echo "expr zero: $?"
test 5 -gt 3 && echo "5 > 3"
[ 2 -le 1 ] || echo "not 2 <= 1"
[ abc = abc ] && [ abc != abd ] && echo "strings"
[ -z "" ] && [ -n x ] && echo "empty and non-empty"
[ ! -d /nonexistent ] && echo "negation"
[ 1 -eq 1 -a 2 -ne 3 ] && echo "and"
[ 1 -eq 2 -o x = x ] && echo "or"
[ -d / ] && [ -r /bin/busybox ] && [ -x /bin/busybox ] && echo "root dir, busybox executable"
[ 3 -lt ]; echo "bad test: $?"
basename /usr/local/bin/tool
basename /path/to/file.tar.gz .gz
basename dir/
dirname /usr/local/bin/tool
dirname file
dirname /
env -i A=1 B=two env | sort
env -i PATH="$PATH" sh -c 'echo "${FOO:-unset}"'
FOO=bar env | grep '^FOO='
env -u HOME sh -c 'echo "${HOME:-no home}"'
date -d @0
date -u -d @1234567890 '+%Y-%m-%d %H:%M:%S %a %b %j %s'
date -d '2024-02-29 13:45:00' '+%A %d %B %Y %I:%M %p'
date -d @86399 +%T
TZ=UTC date -d @0 -R
date +%s | awk '{ print ($1 > 1600000000) }'
start=$(date +%s); sleep 1; end=$(date +%s); echo "slept: $((end - start >= 1))"
sleep 0; echo "sleep 0: $?"
sleep 0.2 && echo "fractional sleep"
true; echo "true: $?"
false; echo "false: $?"
yes | head -3
yes abc | head -2
factor 360 97
echo '2 3 + 4 * p' | dc
mkdir -p r/s && realpath r/s/../s | sed "s|^$PWD/||"
f=$(mktemp "$PWD/tmp.XXXXXX") && test -f "$f" && echo "mktemp made a file"
d=$(mktemp -d "$PWD/dir.XXXXXX") && test -d "$d" && echo "mktemp -d made a dir"
truncate -s 10 t && stat -c %s t
truncate -s 3 t && stat -c %s t
dd if=/dev/zero of=z bs=512 count=3 2>/dev/null && stat -c %s z
dd if=/dev/zero bs=1k count=2 2>&1 >/dev/null | head -2
printf 'abcdef' | dd bs=1 skip=2 count=3 2>/dev/null; echo
