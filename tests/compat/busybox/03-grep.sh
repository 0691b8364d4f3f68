# grep: plain, -E, -v, -c, -r, -i, -n, -l, -o, -w, -x, -F, -e, -A/-B, exit statuses.
cat > fruit <<'END'
apple 3
banana 12
cherry 7
Apple pie
date 30
elderberry 1
END
mkdir -p dir/sub
echo 'needle here' > dir/one
echo 'nothing' > dir/two
echo 'needle again' > dir/sub/three
grep an fruit
grep -E '^[a-c][a-z]+ [0-9]+$' fruit
grep -E 'rr|te' fruit
grep -E '[0-9]{2}' fruit
grep -v a fruit
grep -c a fruit
grep -vc e fruit
grep -i apple fruit
grep -n rr fruit
grep -o '[0-9][0-9]*' fruit
grep -w date fruit
grep -x 'cherry 7' fruit
grep -F 'a.' fruit; echo "grep -F no match: $?"
grep 'a.' fruit | head -2
grep -e apple -e date fruit
grep -A1 banana fruit
grep -B1 date fruit
grep -r needle dir | sort
grep -rl needle dir | sort
grep -rc needle dir | sort
grep -q cherry fruit; echo "grep -q: $?"
grep zzz fruit; echo "no match: $?"
grep x nonexistent 2>&1; echo "missing file: $?"
printf 'l1\nl2\n' | grep -H l - 
grep -h needle dir/one dir/sub/three
grep '\(an\)\1' fruit
grep -E '(an){2}' fruit
