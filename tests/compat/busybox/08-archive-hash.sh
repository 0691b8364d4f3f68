# Checksums of known content, tar (create, list, extract), gzip/gunzip round trip, hexdump/od/xxd,
# diff and cmp with their exit statuses, base64.
printf 'The quick brown fox jumps over the lazy dog' > fox
printf '' > empty
md5sum fox empty
sha256sum fox
sha1sum fox
sha512sum empty | cut -c1-32
md5sum fox > sums && md5sum -c sums
echo tampered >> fox; md5sum -c sums 2>&1; echo "md5sum -c: $?"
printf 'The quick brown fox jumps over the lazy dog' > fox
mkdir -p src/sub
echo first > src/a
echo second > src/sub/b
ln -s a src/link
touch -d '2020-02-02 02:02:02' src/a src/sub/b src/sub src
touch -h -d '2020-02-02 02:02:02' src/link
tar cf out.tar src && echo "tar created"
tar tf out.tar | sort
tar tvf out.tar | awk '{ $2 = "owner"; print }' | sort -k6
mkdir dest && tar xf out.tar -C dest && find dest | sort
cat dest/src/a dest/src/sub/b; readlink dest/src/link
stat -c '%Y' dest/src/a
tar czf out.tgz src && tar tzf out.tgz | sort
mkdir dest2 && (cd dest2 && tar xzf ../out.tgz) && diff -r src dest2/src && echo "same tree"
seq 1000 > big
cp big big.orig
gzip big && ls big*
test -e big; echo "original gone: $?"
gzip -t big.gz && echo "gzip -t ok"
gunzip big.gz && cmp big big.orig && echo "round trip ok"
gzip -c fox | gunzip -c; echo
gzip -9 -c big | wc -c | awk '{ print ($1 < 2000) }'
gzip -c fox > fox.gz; zcat fox.gz; echo
printf 'ABC\001\377xyz\n' > bin
hexdump -C bin
od -c bin
od -An -tx1 bin
od -An -tu2 bin
xxd bin
hexdump -e '4/1 "%02x " "\n"' bin
printf 'a\nb\nc\n' > f1; printf 'a\nB\nc\nd\n' > f2
diff f1 f2; echo "diff: $?"
diff -u f1 f2 | tail -n +3
diff f1 f1; echo "diff same: $?"
cmp f1 f2; echo "cmp: $?"
cmp -s f1 f1; echo "cmp same: $?"
base64 fox
base64 fox | base64 -d; echo
