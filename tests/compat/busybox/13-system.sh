# The system as programs see it: ps, kill, free, uptime, uname -a, hostname, dmesg, mount, df,
# id, nproc, top, /proc (reduced to the fields whose meaning is checked, not their values).
uname -s -m
uname -a | awk '{ print $1, $(NF - 1), $NF }'
uname -r | grep -c '^[0-9][0-9]*\.[0-9]'
[ "$(hostname)" = "$(uname -n)" ] && echo "hostname is the node name"
ps | awk 'NR == 1 { $1 = $1; print }'
ps -o pid,ppid,comm | awk 'NR == 1 { print $1, $2, $3 }'
sleep 10 & bg=$!
# Until the child has become sleep and sleeps (at most 10 s): no fixed delay.
n=0; until ps -o pid,stat,comm | awk -v p=$bg '$1 == p && $2 ~ /^S/ && $3 == "sleep" { f = 1 } END { exit !f }' || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
ps -o pid,ppid,comm | awk -v p=$bg -v s=$$ '$1 == p { print $3, ($2 == s ? "child of this shell" : "orphan?") }'
ps -o pid,args | awk -v p=$bg '$1 == p { $1 = ""; print }'
ps -o pid,stat | awk -v p=$bg '$1 == p { print substr($2, 1, 1) }'
ps | awk -v p=$$ '$1 == p { n++ } END { print n + 0 }'
kill -0 $$ && echo "kill -0 self"
kill -TERM $bg; wait $bg 2>/dev/null; echo "killed sleep: $?"
ps -o pid | awk -v p=$bg '$1 == p' | wc -l
kill 999999 2>&1; echo "kill stranger: $?"
free | awk 'NR == 1 { print $1, $2, $3, $4, $5, $6 }'
free | awk '{ print $1 }'
free | awk 'NR == 2 { print ($2 > 0), ($2 >= $3), ($2 >= $4), ($7 <= $2) }'
free -m | awk 'NR == 2 { print ($2 > 0) }'
uptime | grep -c ' up .*load average: '
uptime | sed 's/.*load average: //' | awk -F', ' '{ print NF }'
awk '{ print NF, ($1 > 0), ($1 >= 0 && $2 >= 0) }' /proc/uptime
awk '{ print NF }' /proc/loadavg
dmesg > log; echo "dmesg: $?"
wc -l < log | awk '{ print ($1 > 0) }'
head -1 log | grep -c '^\[ *[0-9][0-9]*\.[0-9]*\] '
mount | awk '$3 == "/proc" { print $1, $5 }'
mount | awk '$3 == "/dev" { print $5 }'
awk '$2 == "/proc" { print $1, $3 }' /proc/mounts
df / | awk 'NR == 1 { print $1, $2, $3, $4, $5, $6, $7 } NR == 2 { print $NF, ($2 > 0) }'
id -u | grep -c '^[0-9][0-9]*$'
[ "$(id -u)" = "$(awk '/^Uid:/ { print $2 }' /proc/self/status)" ] && echo "id -u is the status Uid"
nproc | awk '{ print ($1 >= 1) }'
grep -c '^processor' /proc/cpuinfo | awk -v n=$(nproc) '{ print ($1 == n) }'
top -b -n 1 | awk 'NR == 1 { print $1 } NR == 2 { print $1 }'
awk '{ print $2, $3 }' /proc/self/stat
readlink /proc/self/exe | sed 's|.*/||'
tr '\0' '\n' < /proc/$$/cmdline | head -1
ls /proc/self/fd | sort -n | head -3 | tr '\n' ' '; echo
readlink /proc/self/fd/0 < /dev/null
cat /proc/self/environ | tr '\0' '\n' | grep -c '^PATH='
grep -c '^MemTotal: *[0-9][0-9]* kB$' /proc/meminfo
awk '{ print $1, $2 }' /proc/version
[ -d /proc/$$ ] && echo "/proc/\$\$ exists"
cat /proc/self/status | awk -F'\t' '$1 == "Name:" { print $2 } $1 == "PPid:" { print ($2 == ppid) }' ppid=$$
