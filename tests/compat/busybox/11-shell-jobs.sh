# Traps, signals, background jobs and wait, kill, exit statuses of signalled children.
trap 'echo "EXIT trap ran"' EXIT
trap 'echo "got USR1"' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo "got TERM"' TERM; kill -TERM $$; trap - TERM
trap 'echo "got INT"' INT; kill -INT $$
trap '' HUP; kill -HUP $$; echo "HUP ignored"
trap > traps; grep -c '^trap -- ' traps
sh -c 'trap "echo child exit trap" EXIT; exit 3'; echo "child status: $?"
sh -c 'trap "echo caught; exit 5" TERM; kill -TERM $$; sleep 5'; echo "trapped TERM status: $?"
sh -c 'kill -KILL $$'; echo "killed status: $?"
sh -c 'kill -TERM $$'; echo "terminated status: $?"
# wait's stderr goes to /dev/null: ash says "Terminated" there only if the job was not reaped
# before wait started, which is a race between the child's death and the next command.
sleep 10 & pid=$!
kill -0 $pid && echo "background job alive"
kill $pid; wait $pid 2>/dev/null; echo "wait after kill: $?"
kill -0 $pid 2>/dev/null; echo "gone: $?"
(sleep 0.3; echo "job 1 done") > out1 & 
(echo "job 2 done") > out2 &
wait; cat out1 out2
(exit 4) & p4=$!; (exit 9) & p9=$!
wait $p9; echo "second: $?"; wait $p4; echo "first: $?"
for i in 1 2 3; do (sleep 0.$i; echo "worker $i" >> workers) & done; wait; sort workers
sleep 5 & p=$!; kill -s ALRM $p; wait $p 2>/dev/null; echo "ALRM status: $?"
sleep 5 & p=$!; kill -9 $p; wait $p 2>/dev/null; echo "KILL status: $?"
kill -l 15
kill -l | wc -w | awk '{ print ($1 >= 31) }'
wait 12345 2>/dev/null; echo "wait for a stranger: $?"
( trap 'echo "subshell got USR2"; exit 0' USR2; sh -c 'kill -USR2 $PPID'; sleep 5 ) ; echo "subshell ended: $?"
sh -c 'sleep 5 & echo started; kill $!; wait $! 2>/dev/null; echo "inner wait: $?"'
timeout 1 sleep 5; echo "timeout status: $?"
timeout -s KILL 1 sleep 5; echo "timeout KILL status: $?"
sh -c 'sleep 1 & jobs -p > j; [ "$(cat j)" = "$!" ] && echo "jobs -p lists it"; wait'
exit 0
