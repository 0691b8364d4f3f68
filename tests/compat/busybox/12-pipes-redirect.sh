# Pipelines and redirections: >, >>, <, 2>, 2>&1, >&-, here-strings, exec with fds, named pipes,
# /dev/null and /dev/zero, long pipelines, pipefail, pipeline exit statuses.
echo first > f; echo second >> f; cat f
cat < f | wc -l
ls nonexistent 2> err; echo "status $?"; cat err
ls nonexistent > both 2>&1; cat both
{ echo out; echo err >&2; } 2>/dev/null
{ echo out; echo err >&2; } >/dev/null 2>&1; echo "all silenced"
echo data | cat - f
seq 1000 | sort -rn | head -3 | tr '\n' ' '; echo
seq 100 | grep 7 | wc -l
seq 10000 | awk '{ s += $1 } END { print s }'
yes line | head -5000 | wc -l
head -c 100000 /dev/zero | wc -c
head -c 64 /dev/urandom | wc -c
cat /dev/null | wc -c
echo discard > /dev/null; echo "null: $?"
exec 3> fd3; echo "to fd 3" >&3; exec 3>&-; cat fd3
exec 4< f; read -r l1 <&4; read -r l2 <&4; exec 4<&-; echo "$l1/$l2"
echo "closed stdout" >&- 2>/dev/null; echo "after closed stdout: $?"
false | true; echo "last command counts: $?"
true | false; echo "false last: $?"
set -o pipefail; false | true; echo "pipefail: $?"; set +o pipefail
mkfifo fifo && ls -l fifo | cut -c1
(echo through fifo > fifo &) ; cat fifo
cat fifo & echo "written second" > fifo; wait
seq 3 | while read -r n; do echo "read $n"; done
x=0; seq 3 | while read -r n; do x=$n; done; echo "pipe ran in a subshell: x=$x"
printf 'b\na\nc\n' | sort | tee sorted | wc -l; cat sorted
echo abc | { read -r v; echo "group read $v"; }
(echo sub1; echo sub2) | sed 's/^/> /'
echo $(seq 3) | wc -w
set -C; : > noclobber; { echo x > noclobber; } 2>/dev/null || echo "noclobber refused"; set +C
echo >| noclobber forced && cat noclobber
dd if=/dev/zero bs=1k count=256 2>/dev/null | gzip -c | gunzip -c | wc -c
i=0; while [ $i -lt 20 ]; do echo $i; i=$((i + 1)); done | tail -1
echo via-stdin | cat /dev/stdin
echo x | { [ -p /dev/stdin ] && echo "stdin is a pipe"; }
echo fd-zero | cat /dev/fd/0
