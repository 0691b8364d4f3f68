# sed: substitution (flags, groups, &), addresses and ranges, -n/p, d, -e, -i, y, a/i/c, q, =.
printf 'one two one\nfoo bar\nline three\nfour\nfive 5\n' > in
sed 's/one/ONE/' in
sed 's/one/ONE/g' in
sed 's/o/0/2' in
sed -n '2p' in
sed -n '2,4p' in
sed -n '/foo/,/four/p' in
sed '1d;3d' in
sed '$d' in
sed -n '$p' in
sed -e 's/f/F/' -e 's/e$/E/' in
sed -E 's/([a-z]+) ([a-z]+)/\2 \1/' in
sed 's/\([a-z]*\) \([a-z]*\)/\2-\1/' in
sed 's/[0-9]/<&>/' in
sed 's|/|:|g' <<'END'
/usr/local/bin
END
sed 'y/abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOPQRSTUVWXYZ/' in
sed '2a\
appended' in
sed '2i\
inserted' in
sed '2c\
changed' in
sed 3q in
sed -n '/o/=' in
sed -n 's/four/4/p' in
sed '/^f/!d' in
sed 's/ *$//; s/^/> /' in
cp in edit && sed -i 's/bar/BAR/' edit && cat edit
sed '2,$s/^/+/' in
echo 'a.b.c' | sed 's/\./-/g'
echo 'CamelCaseWord' | sed 's/[A-Z]/_&/g'
echo 'tab	sep' | sed 's/\t/<TAB>/'
