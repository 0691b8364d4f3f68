# Line tools: sort (-n, -r, -k, -u, -t), uniq (-c, -d, -u), wc, head, tail, cut, tr, tee, xargs,
# paste, rev, tac, nl, fold.
printf '10 b\n9 a\n100 c\n9 a\n2 d\n' > nums
sort nums
sort -n nums
sort -rn nums
sort -u nums
sort -k2 nums
sort -k2,2r nums
sort -t: -k2n <<'END'
x:3
y:1
z:2
END
sort -n nums | uniq
sort nums | uniq -c
sort nums | uniq -d
sort nums | uniq -u
wc nums
wc -l nums
wc -w < nums
wc -c nums
seq 20 > lines
head -3 lines
head -n 2 nums
tail -3 lines
tail -n +18 lines
tail -c 6 lines
head -c 5 nums; echo
cut -d' ' -f2 nums
cut -c1-2 nums
echo 'a:b:c:d' | cut -d: -f2,4
echo 'a:b:c:d' | cut -d: -f3-
echo 'hello world' | tr a-z A-Z
echo 'hello world' | tr -d lo
echo 'aaabbbccc' | tr -s ab
echo 'a,b;c' | tr ',;' '  '
echo 'hello' | tr -c 'l\n' '.'
echo 'tee me' | tee copy1 copy2
cat copy1 copy2
echo more | tee -a copy1 >/dev/null; cat copy1
printf 'a\nb\nc\n' | xargs echo
printf 'a\nb\nc\nd\ne\n' | xargs -n 2 echo
printf 'x\ny\n' | xargs -I{} echo 'item {}.'
echo 'one two' | xargs -t echo 2>&1
printf '1\n2\n' > p1; printf 'a\nb\n' > p2; paste p1 p2
paste -d, -s p1
echo 'stressed' | rev
tac p1
nl -ba p2
echo 'abcdefghij' | fold -w 4
expand <<'END'
a	b
END
