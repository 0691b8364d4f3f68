# find (-name, -type, -exec, -maxdepth, -size, -newer, -perm, -empty), du, df and mount on a
# tmpfs mounted here (sizes then do not depend on the host's disks), cp -r and tar into it, umount.
mkdir -p t/a/b t/c
echo x > t/a/one.txt
echo yy > t/a/b/two.txt
printf '%2000s' '' > t/c/big.dat
: > t/c/empty.txt
ln -s a/one.txt t/link
touch -d '2020-01-01' t/a/one.txt
touch -d '2022-01-01' t/a/b/two.txt
find t | sort
find t -name '*.txt' | sort
find t -type d | sort
find t -type f | sort
find t -type l
find t -maxdepth 1 | sort
find t -mindepth 2 -type f | sort
find t -name '*.txt' -exec wc -c {} \; | sort
find t -type f -exec echo found {} + | tr ' ' '\n' | sort
find t -type f -size +1k
find t -empty | sort
find t -newer t/a/one.txt -name '*.txt' | sort
find t -type f -name 'b*' -o -name 'one*' | sort
find t ! -type d ! -type l | wc -l
find t -path '*a/b*' | sort
chmod 600 t/c/big.dat; find t -perm 600
find t -name nothing; echo "find no match: $?"
find missing 2>&1; echo "find missing: $?"
mkdir m
mount -t tmpfs -o size=1m zerotest m && echo mounted
mount | awk -v d="$PWD/m" '$3 == d { print $1, $5 }'
grep -c " $PWD/m tmpfs " /proc/mounts
df -k m | awk 'NR == 1 { print $1, $2 } NR == 2 { print $1, $2, $3 }'
head -c 5000 /dev/zero > m/f5000
head -c 100 /dev/zero > m/f100
mkdir m/d
du -k m/f5000 m/f100
du -a m | sort -k2
du -s m
df -k m | awk 'NR == 2 { print $3 }'
stat -f -c '%T' m
cp -r t m/ && find m/t | sort | sed "s|^m/||"
mkdir m/untar && tar cf - t | tar xf - -C m/untar && diff -r t m/untar/t && echo "tar piped into the tmpfs"
umount m && echo unmounted
ls m | wc -l
mount | grep -c "$PWD/m"
