# Whole scripts as people write them: a script file run by path with arguments, word frequencies,
# a CSV report, a retry loop with a counter file, a function library sourced with ".", a script
# that cleans up with a trap, a parallel job pool, and #! lines that name other interpreters
# than sh (the kernel runs them; a shell falling back to running the file itself would not).
cat > wordcount.sh <<'END'
#!/bin/sh
# usage: wordcount.sh FILE N - the N most frequent words
tr -cs 'A-Za-z' '\n' < "$1" | tr 'A-Z' 'a-z' | grep -v '^$' | sort | uniq -c | sort -k1,1nr -k2 | head -n "$2"
END
chmod +x wordcount.sh
cat > text <<'END'
The cat sat on the mat. The dog sat on the log.
A cat and a dog: the end.
END
./wordcount.sh text 3
sh wordcount.sh text 1 | awk '{ print $2 "=" $1 }'
cat > report.csv <<'END'
name,dept,salary
ann,eng,120
bob,ops,90
cid,eng,100
dee,ops,95
eve,hr,70
END
tail -n +2 report.csv | awk -F, '{ sum[$2] += $3; n[$2]++ } END { for (d in sum) printf "%s %d %.1f\n", d, n[d], sum[d] / n[d] }' | sort
tail -n +2 report.csv | sort -t, -k3,3nr | head -2 | cut -d, -f1
awk -F, 'NR > 1 && $3 >= 95 { print $1 }' report.csv | paste -sd' '
echo 0 > attempts
try() { n=$(cat attempts); n=$((n + 1)); echo $n > attempts; [ $n -ge 3 ]; }
until try; do echo "attempt $(cat attempts) failed"; done; echo "succeeded after $(cat attempts)"
cat > lib.sh <<'END'
LIB_LOADED=yes
upper() { echo "$*" | tr a-z A-Z; }
join_by() { sep=$1; shift; out=$1; shift; for x in "$@"; do out="$out$sep$x"; done; echo "$out"; }
END
. ./lib.sh; echo "$LIB_LOADED"; upper sourced function; join_by - a b c
cat > cleanup.sh <<'END'
tmp=./scratch.$$
mkdir "$tmp"
trap 'rm -rf "$tmp"; echo "cleaned up"' EXIT
echo work > "$tmp/file"
cat "$tmp/file"
exit 2
END
sh cleanup.sh; echo "status $?"; ls -d scratch.* 2>/dev/null | wc -l
for i in 1 2 3 4 5 6; do (echo $((i * i)) > sq.$i) & done; wait; cat sq.1 sq.2 sq.3 sq.4 sq.5 sq.6 | paste -sd+ | bc
count=0; for f in sq.*; do count=$((count + 1)); done; echo "$count result files"
cat > args.sh <<'END'
echo "\$0 is $(basename "$0"), $# args"
for a; do echo "- $a"; done
shift 2 2>/dev/null && echo "after shift: $*"
exit $#
END
sh args.sh "one arg" two 'three  spaced'; echo "exit $?"
sh -c 'echo "inline $1 $2"' name first second
printf '%s\n' 'x=1' 'y=$((x + 41))' 'echo "$y"' | sh
mkdir -p proj/src proj/doc && touch proj/src/a.c proj/src/b.c proj/doc/readme
for d in proj/*/; do printf '%s %s\n' "$(basename "$d")" "$(ls "$d" | wc -l)"; done
find proj -name '*.c' | sort | while read -r f; do mv "$f" "${f%.c}.o"; done; ls proj/src
printf '#!/bin/cat\nprinted by its interpreter, not run by a shell\n' > catme && chmod +x catme && ./catme
printf '#!/bin/echo first-arg\n' > echome && chmod +x echome && ./echome second
