# Files and directories: mkdir -p, touch -d, ls -la (times fixed, owners left out), cat, cp -r,
# mv, rm -r, rmdir, ln -s, readlink, chmod, stat.
mkdir -p top/sub/deep && echo "mkdir -p: $?"
mkdir top 2>&1; echo "mkdir existing: $?"
printf 'alpha\nbeta\n' > top/a.txt
printf '12345' > top/sub/five
touch -d '2021-03-04 05:06:07' top/a.txt top/sub/five
touch -d '2020-01-01 00:00:00' top/sub/deep top/sub top
ls top
ls -a top
ls -la top | awk 'NR > 1 && $NF != ".." { print $1, $2, (substr($1,1,1) == "d" ? "-" : $5), $6, $7, $8, $9 }'
ls -l --full-time top/a.txt | awk '{ print $6, $7 }'
ls -R top
ls -d top/*
ls -1F top
cat top/a.txt top/sub/five; echo
cat -n top/a.txt
cat missing 2>&1; echo "cat missing: $?"
cp top/a.txt copy.txt && cat copy.txt
cp -r top tree && ls -R tree
cp -p top/a.txt kept.txt && stat -c '%Y %s %a' kept.txt
mv copy.txt moved.txt && ls *.txt
mv moved.txt top/sub/ && ls top/sub
rm top/sub/moved.txt && ls top/sub
rmdir top/sub/deep && ls top/sub
rmdir top 2>&1; echo "rmdir non-empty: $?"
rm -r tree && test ! -e tree && echo "tree gone"
ln -s top/a.txt link && readlink link && cat link
ln -s nowhere dangling && readlink dangling && cat dangling 2>&1; echo "dangling: $?"
ln top/a.txt hard && stat -c '%h %s' top/a.txt hard
readlink -f link | sed "s|^$PWD/||"
ls -l link | awk '{ print $1, $(NF-2), $(NF-1), $NF }'
chmod 640 top/a.txt && stat -c '%a %A' top/a.txt
chmod u+x,g-r,o+w top/a.txt && stat -c '%a %A' top/a.txt
chmod -R go-rwx top && stat -c '%a %n' top top/sub top/sub/five
stat -c '%s %F' top/sub/five link; stat -c %F top
stat -L -c '%s %F' link
stat -c '%Y %y' top/sub/five
touch -d @86400 epoch && stat -c %Y epoch
touch new-empty && stat -c '%s %F' new-empty
test -f top/sub/five && test -d top && test -L link && test -s top/sub/five && echo "tests true"
test -e nothing; echo "test -e nothing: $?"
rm -rf top link dangling hard kept.txt epoch new-empty; ls -A | wc -l
