# awk: fields and separators, NR/NF, arithmetic, arrays (counting, for-in, delete, in), string
# functions, printf, user functions, BEGIN/END, getline-free pipelines.
cat > sales <<'END'
east apples 10 1.50
west pears 4 2.25
east pears 7 2.25
north apples 3 1.50
west apples 12 1.50
END
awk '{ print $2 }' sales
awk '{ print NR": "$1, NF }' sales
awk '{ print $NF }' sales
awk '$3 > 5' sales
awk '$1 == "west" { n++ } END { print n }' sales
awk '{ total += $3 * $4 } END { printf "%.2f\n", total }' sales
awk '{ q[$2] += $3 } END { for (k in q) print k, q[k] }' sales | sort
awk '{ c[$1]++ } END { n = 0; for (k in c) n++; print n, ("east" in c), ("south" in c) }' sales
awk '{ a[NR] = $2 } END { delete a[2]; for (i = 1; i <= NR; i++) printf "%s ", (i in a) ? a[i] : "-"; print "" }' sales
awk 'BEGIN { print 7 / 2, 7 % 3, 2 * 1024, -7 / 2, int(-3.7), 1e3 + 1 }'
awk 'BEGIN { x = 5; x += 3; x *= 2; x -= 1; x /= 3; print x, x++, ++x, x-- }'
awk 'BEGIN { printf "%5.1f|%-6s|%03d|%x|%c\n", 3.14159, "ab", 7, 255, 65 }'
awk 'BEGIN { s = "Hello, World"; print length(s), substr(s, 8), substr(s, 1, 5), index(s, "World") }'
awk 'BEGIN { print toupper("abc"), tolower("XyZ"), sprintf("%04d", 42) }'
awk 'BEGIN { n = split("a:b:c:d", parts, ":"); print n, parts[1], parts[4] }'
awk 'BEGIN { s = "banana"; gsub(/an/, "AN", s); print s; t = "banana"; sub(/a/, "A", t); print t }'
awk 'BEGIN { if (match("foo123bar", /[0-9]+/)) print RSTART, RLENGTH }'
awk -F: '{ print $2 }' <<'END'
root:x:0:0
daemon:x:1:1
END
awk -F, -v OFS=';' '{ $1 = $1; print }' <<'END'
a,b,c
END
awk -v limit=5 '$3 < limit { print $1 }' sales
awk 'function sq(n) { return n * n } BEGIN { for (i = 1; i <= 4; i++) printf "%d ", sq(i); print "" }'
awk 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) } BEGIN { print fact(10) }'
awk 'NR == 2, NR == 4 { print NR }' sales
awk '/pears/ { next } { print $1 }' sales
awk 'END { print NR }' sales
awk '{ printf "%s%s", sep, $3; sep = "+" } END { print "" }' sales
awk 'BEGIN { while (i < 3) { i++; if (i == 2) continue; print "i=" i } }'
awk 'BEGIN { print length() }' </dev/null
seq 5 | awk '{ s += $1 } END { print s, s / NR }'
echo '3 4' | awk '{ print ($1 < $2), ($1 == 3 && $2 != 4), !0, "10" < "9", 10 < 9 }'
